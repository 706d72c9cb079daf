import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { cleanup, startRunsServer, tempWorkspace, type RunsServer } from "../../test/support/serve-runs.ts";
import { registerInstance, unregisterInstance } from "./run-files.ts";

const servers: RunsServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  cleanup(dirs);
});

const T = "2026-01-02T03:04:05.000000Z";
const ev = (seq: number, type: string, payload: Record<string, unknown>, ids: Record<string, string> = {}) =>
  JSON.stringify({ type, timestamp: T, run_id: "RUN", ...ids, payload, seq });

function started(task: string) {
  return ev(0, "run_started", {
    task,
    config_summary: { profile_id: null, models: { planner: "m", executor: "m" }, llm: { base_url: "u", api_key_env: "K" }, config_overlays: [] },
    workspace_root: "/w",
    resume: { enabled: false, strategy: "summary", previous_events: 0 },
  });
}

/** A Studio run folder with run.json, the given WAL lines and optionally owner.json. */
function seedRun(ws: string, runId: string, lines: string[], owner?: { pid: number; instance_id: string }): void {
  const dir = join(ws, ".skills_runtime_sdk", "runs", runId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "run.json"), JSON.stringify({ run_id: runId, session_id: null, created_at: T, message: "task" }));
  writeFileSync(join(dir, "events.jsonl"), lines.map((l) => l.replaceAll("RUN", runId) + "\n").join(""));
  if (owner) writeFileSync(join(dir, "owner.json"), JSON.stringify({ ...owner, hostname: hostname() }));
}

async function deadPid(): Promise<number> {
  const proc = Bun.spawn(["true"]);
  await proc.exited;
  return proc.pid;
}

const askLines = [
  started("ask"),
  ev(1, "tool_call_requested", { call_id: "c1", tool: "ask_human", name: "ask_human", arguments: { question: "Name?" } }, { turn_id: "turn_1", step_id: "step_1" }),
  ev(2, "tool_call_started", { call_id: "c1", tool: "ask_human" }, { turn_id: "turn_1", step_id: "step_1" }),
  ev(3, "human_request", { call_id: "c1", question: "Name?", choices: null, context: null }),
];
const approvalLines = [
  started("write"),
  ev(1, "tool_call_requested", { call_id: "call_1", tool: "file_write", name: "file_write", arguments: { path: "a.txt" } }, { turn_id: "turn_1", step_id: "step_1" }),
  ev(2, "approval_requested", { approval_key: "k".repeat(64), tool: "file_write", summary: "s", request: { path: "a.txt" } }, { turn_id: "turn_1", step_id: "step_1" }),
];

describe("restart recovery", () => {
  test("rebuilds an undecided approval as pending, whoever owned the run", async () => {
    const ws = tempWorkspace();
    dirs.push(ws);
    seedRun(ws, "run_appr", approvalLines, { pid: await deadPid(), instance_id: "gone" });
    const s = await startRunsServer({ workspaceRoot: ws });
    servers.push(s);
    expect(s.approvals.listPending("run_appr")).toEqual([
      { run_id: "run_appr", approval_key: "k".repeat(64), tool: "file_write", summary: "s", request: { path: "a.txt" }, age_ms: expect.any(Number) },
    ]);
    expect((await s.call("GET", "/api/v1/runs/run_appr")).json.status).toBe("waiting_approval");
  });

  test("a run whose dead server left a question open ends run_waiting_human and can be answered", async () => {
    const ws = tempWorkspace();
    dirs.push(ws);
    seedRun(ws, "run_ask", askLines, { pid: await deadPid(), instance_id: "gone" });
    const s = await startRunsServer({ workspaceRoot: ws, fakeScript: () => [{ events: [{ type: "text_delta", text: "thanks" }, { type: "completed", finish_reason: "stop" }] }] });
    servers.push(s);
    const tail = s.wal("run_ask").slice(-2);
    expect(tail.map((e) => e.type)).toEqual(["tool_call_finished", "run_waiting_human"]);
    expect(tail[0]!.payload).toMatchObject({ call_id: "c1", result: { ok: false, error_kind: "human_required" } });
    expect(tail[1]).toMatchObject({ step_id: "step_1", payload: { tool: "ask_human", call_id: "c1", error_kind: "human_required" } });
    const res = await s.call("POST", "/api/v1/runs/run_ask/human", { call_id: "c1", answer: "Ada" });
    expect(res.json).toEqual({ ok: true, resumed: true });
    await s.runs.waitForRun("run_ask");
    expect(s.wal("run_ask").at(-1)).toMatchObject({ type: "run_completed", payload: { final_output: "thanks" } });
  });

  test("a run whose dead server was mid-way ends run_failed terminated (retryable) and resumes on request", async () => {
    const ws = tempWorkspace();
    dirs.push(ws);
    const lines = [started("work"), ev(1, "tool_call_requested", { call_id: "c1", tool: "shell_exec", name: "shell_exec", arguments: {} }, { turn_id: "turn_1", step_id: "step_1" })];
    seedRun(ws, "run_mid", lines, { pid: await deadPid(), instance_id: "gone" });
    const s = await startRunsServer({ workspaceRoot: ws });
    servers.push(s);
    const events = s.wal("run_mid");
    expect(events.slice(-2).map((e) => e.type)).toEqual(["tool_call_finished", "run_failed"]);
    expect(events.at(-1)!.payload).toMatchObject({ error_kind: "terminated", retryable: true });
    expect((await s.call("GET", "/api/v1/runs/run_mid")).json).toMatchObject({ status: "failed", error_kind: "terminated" });
    expect((await s.call("POST", "/api/v1/runs/run_mid/resume", {})).status).toBe(200);
    await s.runs.waitForRun("run_mid");
    expect(s.wal("run_mid").at(-1)!.type).toBe("run_completed");
  });

  test("leaves alone runs owned by a live manager, runs without run.json and runs never owned", async () => {
    const ws = tempWorkspace();
    dirs.push(ws);
    registerInstance("alive-elsewhere");
    try {
      seedRun(ws, "run_owned", approvalLines, { pid: process.pid, instance_id: "alive-elsewhere" });
      seedRun(ws, "run_unowned", askLines);
      const cli = join(ws, ".skills_runtime_sdk", "runs", "run_cli");
      mkdirSync(cli, { recursive: true });
      writeFileSync(join(cli, "events.jsonl"), approvalLines.map((l) => l.replaceAll("RUN", "run_cli") + "\n").join(""));
      const s = await startRunsServer({ workspaceRoot: ws });
      servers.push(s);
      expect(s.approvals.listPending("run_owned")).toEqual([]);
      expect(s.approvals.listPending("run_cli")).toEqual([]);
      expect(s.wal("run_unowned")).toHaveLength(askLines.length);
      const cancel = await s.call("POST", "/api/v1/runs/run_owned/cancel");
      expect(cancel.status).toBe(409);
      expect(cancel.json.detail.details).toMatchObject({ owner_pid: process.pid });
    } finally {
      unregisterInstance("alive-elsewhere");
    }
  });

  test("cancelling a rebuilt approval's run records approval-free run_cancelled", async () => {
    const ws = tempWorkspace();
    dirs.push(ws);
    seedRun(ws, "run_c", approvalLines);
    const s = await startRunsServer({ workspaceRoot: ws });
    servers.push(s);
    const res = await s.call("POST", "/api/v1/runs/run_c/cancel");
    expect(res.json).toEqual({ ok: true, status: "cancelled" });
    expect(s.wal("run_c").at(-1)!.type).toBe("run_cancelled");
    expect(s.approvals.listPending("run_c")).toEqual([]);
  });

  test("abort on a rebuilt approval records the decision and run_cancelled without resuming", async () => {
    const ws = tempWorkspace();
    dirs.push(ws);
    seedRun(ws, "run_ab", approvalLines);
    const s = await startRunsServer({ workspaceRoot: ws });
    servers.push(s);
    expect((await s.call("POST", `/api/v1/runs/run_ab/approvals/${"k".repeat(64)}`, { decision: "abort" })).status).toBe(200);
    expect(s.wal("run_ab").slice(-2).map((e) => [e.type, e.payload.decision ?? null])).toEqual([
      ["approval_decided", "abort"],
      ["run_cancelled", null],
    ]);
    expect(s.runs.activeCount).toBe(0);
  });
});
