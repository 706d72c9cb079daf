import { describe, expect, test } from "bun:test";
import { makeToolContext, registryWith, tempDirs } from "../../test/support/tool-context.ts";
import { builtinChildRunner } from "./collab-builtin-runner.ts";
import { CollabService } from "./collab-service.ts";
import type { CollabManager } from "./collab.ts";
import { closeAgentTool } from "./close-agent.ts";
import { resumeAgentTool } from "./resume-agent.ts";
import { sendInputTool } from "./send-input.ts";
import { spawnAgentTool } from "./spawn-agent.ts";
import { waitAgentsTool } from "./wait-agents.ts";

const newDir = tempDirs("sr-collab-tools-");
const registry = registryWith(spawnAgentTool, waitAgentsTool, sendInputTool, closeAgentTool, resumeAgentTool);

interface Setup {
  collab?: CollabManager | null;
  profileId?: string | null;
  childProfileMap?: Record<string, string>;
}

function tools(setup: Setup = {}) {
  const collab = setup.collab === undefined ? new CollabService({ runner: builtinChildRunner }) : setup.collab;
  const { ctx } = makeToolContext({ workspaceRoot: newDir() });
  Object.assign(ctx.services!, { collab, profileId: setup.profileId ?? null, childProfileMap: setup.childProfileMap ?? {} });
  const call = (name: string, args: Record<string, unknown>) => registry.dispatch(name, args, ctx);
  return { collab, call };
}

async function spawnId(call: ReturnType<typeof tools>["call"], message: string): Promise<string> {
  const result = await call("spawn_agent", { message });
  expect(result.ok).toBe(true);
  return result.data!.id as string;
}

describe("collab tools", () => {
  test("every collab tool without a manager is a validation error naming the tool", async () => {
    const { call } = tools({ collab: null });
    const calls: [string, Record<string, unknown>][] = [
      ["spawn_agent", { message: "hi" }],
      ["wait", { ids: ["a"] }],
      ["send_input", { id: "a", message: "m" }],
      ["close_agent", { id: "a" }],
      ["resume_agent", { id: "a" }],
    ];
    for (const [name, args] of calls) {
      const result = await call(name, args);
      expect(result).toMatchObject({ ok: false, error_kind: "validation", stderr: `${name} requires a collab manager` });
    }
  });

  test("arguments are strict: blank messages, empty ids, bad timeouts and unknown fields are validation errors", async () => {
    const { call } = tools();
    for (const [name, args] of [
      ["spawn_agent", { message: "" }],
      ["spawn_agent", { message: "  " }],
      ["spawn_agent", { message: "hi", extra: 1 }],
      ["wait", { ids: [] }],
      ["wait", { ids: ["a"], timeout_ms: 0 }],
      ["send_input", { id: "a", message: "" }],
      ["send_input", { id: "", message: "m" }],
      ["close_agent", {}],
      ["resume_agent", { id: "" }],
    ] as const) {
      expect(await call(name, args)).toMatchObject({ ok: false, error_kind: "validation" });
    }
  });
});

describe("spawn_agent", () => {
  test("starts a child with the default profile and ignores agent_type", async () => {
    const { call } = tools();
    const result = await call("spawn_agent", { message: "hello", agent_type: "explorer" });
    expect(result.ok).toBe(true);
    expect(result.data).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), status: "running", parent_profile_id: null, child_profile_id: "default" });
  });

  test("a profiled Agent spawns the mapped child profile", async () => {
    const { call, collab } = tools({ profileId: "lead", childProfileMap: { lead: "worker" } });
    const result = await call("spawn_agent", { message: "hello" });
    expect(result.data).toMatchObject({ parent_profile_id: "lead", child_profile_id: "worker" });
    const [child] = await collab!.wait([result.data!.id as string]);
    expect(child).toMatchObject({ agent_type: "worker", final_output: "echo:hello" });
  });

  test("a profiled Agent without a child mapping is denied with child_profile_map_missing", async () => {
    const { call, collab } = tools({ profileId: "lead", childProfileMap: { other: "worker" } });
    const result = await call("spawn_agent", { message: "hello" });
    expect(result).toMatchObject({ ok: false, error_kind: "permission", data: { reason: "child_profile_map_missing", parent_profile_id: "lead" } });
    expect((collab as CollabService).liveCount).toBe(0);
  });

  test("links the child's run and WAL when the runner reports them", async () => {
    const collab = new CollabService({
      runner: async (message, ctx) => {
        ctx.setRun({ runId: "run_child", walLocator: "/ws/runs/run_child/events.jsonl" });
        return { finalOutput: message };
      },
    });
    const { call } = tools({ collab });
    const result = await call("spawn_agent", { message: "hello" });
    expect(result.data).toMatchObject({ child_run_id: "run_child", child_wal_locator: "/ws/runs/run_child/events.jsonl" });
  });
});

describe("wait", () => {
  test("reports children in the requested order, final_output only when completed", async () => {
    const { call } = tools();
    const echo = await spawnId(call, "hi");
    const asking = await spawnId(call, "wait_input:Which one?");
    const result = await call("wait", { ids: [asking, echo], timeout_ms: 50 });
    expect(result.ok).toBe(true);
    expect(result.data).toEqual({
      results: [
        { id: asking, status: "waiting_human", agent_type: "default", question: "Which one?" },
        { id: echo, status: "completed", agent_type: "default", final_output: "echo:hi" },
      ],
    });
  });

  test("unknown ids are a validation error naming them", async () => {
    const { call } = tools();
    const known = await spawnId(call, "hi");
    const result = await call("wait", { ids: [known, "missing"] });
    expect(result).toMatchObject({ ok: false, error_kind: "validation", data: { ids: ["missing"] } });
    expect(result.stderr).toContain('unknown ids: ["missing"]');
  });
});

describe("send_input", () => {
  test("answers a waiting child", async () => {
    const { call } = tools();
    const id = await spawnId(call, "wait_input:x");
    expect(await call("send_input", { id, message: "ping", interrupt: true })).toMatchObject({ ok: true, data: { id } });
    const waited = await call("wait", { ids: [id], timeout_ms: 1_000 });
    expect(waited.data).toEqual({ results: [{ id, status: "completed", agent_type: "default", final_output: "got:ping" }] });
  });

  test("an unknown or finished child is not_found (agent not found)", async () => {
    const { call } = tools();
    const done = await spawnId(call, "hi");
    await call("wait", { ids: [done] });
    for (const id of ["missing", done]) {
      const result = await call("send_input", { id, message: "ping" });
      expect(result).toMatchObject({ ok: false, error_kind: "not_found" });
      expect(result.stderr).toContain("agent not found");
    }
  });
});

describe("close_agent", () => {
  test("cancels a live child; closing it again is ok; then send_input is not_found", async () => {
    const { call } = tools();
    const id = await spawnId(call, "wait_input:x");
    expect(await call("close_agent", { id })).toMatchObject({ ok: true, data: { id } });
    expect((await call("wait", { ids: [id] })).data).toEqual({ results: [{ id, status: "cancelled", agent_type: "default" }] });
    expect(await call("close_agent", { id })).toMatchObject({ ok: true, data: { id } });
    expect(await call("send_input", { id, message: "ping" })).toMatchObject({ ok: false, error_kind: "not_found" });
  });

  test("an unknown id is not_found", async () => {
    const { call } = tools();
    expect(await call("close_agent", { id: "missing" })).toMatchObject({ ok: false, error_kind: "not_found" });
  });
});

describe("resume_agent", () => {
  test("reports a live or completed child", async () => {
    const { call } = tools();
    const asking = await spawnId(call, "wait_input:x");
    expect(await call("resume_agent", { id: asking })).toMatchObject({ ok: true, data: { id: asking, status: "waiting_human" } });
    const done = await spawnId(call, "hi");
    await call("wait", { ids: [done] });
    expect(await call("resume_agent", { id: done })).toMatchObject({ ok: true, data: { id: done, status: "completed", final_output: "echo:hi" } });
    await call("close_agent", { id: asking });
  });

  test("a cancelled or unknown child is a validation error", async () => {
    const { call } = tools();
    const id = await spawnId(call, "wait_input:x");
    await call("close_agent", { id });
    for (const target of [id, "missing"]) {
      const result = await call("resume_agent", { id: target });
      expect(result).toMatchObject({ ok: false, error_kind: "validation", data: { id: target } });
      expect(result.stderr).toContain("child not found");
    }
  });
});
