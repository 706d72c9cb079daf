/**
 * Resume (spec 3.6) and fork (spec 3.7) through the engine: a second run with the same run id
 * appends to the same WAL and starts from a `[Resume Summary]` or from the replayed history.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CallbackApprovalProvider, type ApprovalDecision } from "../../src/safety/approvals.ts";
import { InMemoryWal } from "../../src/wal/memory.ts";
import { forkRun } from "../../src/wal/fork.ts";
import {
  echoCall,
  echoTool,
  makeAgent,
  messagesWith,
  one,
  only,
  readWal,
  replyText,
  replyTools,
  tempWorkspaces,
  toolMessages,
  typesOf,
} from "../support/engine.ts";

const workspace = tempWorkspaces();

const isResumeSummary = (m: { role: string; content?: unknown }) =>
  m.role === "assistant" && typeof m.content === "string" && m.content.startsWith("[Resume Summary]");

describe("resume with the summary strategy", () => {
  test("a second run with the same run id starts with one [Resume Summary] message and appends to the WAL", async () => {
    const ws = workspace();
    const first = makeAgent({ workspaceRoot: ws, script: [replyText("first answer")] });
    const r1 = await first.agent.run("first task", { runId: "run_same" });
    const firstCount = readWal(r1.walLocator).length;

    const second = makeAgent({ workspaceRoot: ws, script: [replyText("second answer")] });
    const r2 = await second.agent.run("second task", { runId: "run_same" });
    expect(r2).toMatchObject({ status: "completed", finalOutput: "second answer" });
    expect(r2.walLocator).toBe(r1.walLocator);

    const events = readWal(r2.walLocator); // checks seq == line index across both segments
    expect(typesOf(events)).toEqual([
      "run_started",
      "llm_request_started",
      "llm_response_delta",
      "run_completed",
      "run_started",
      "llm_request_started",
      "llm_response_delta",
      "run_completed",
    ]);
    const starts = only(events, "run_started");
    expect(starts[0]!.payload.resume).toEqual({ enabled: false, strategy: "summary", previous_events: 0 });
    expect(starts[1]!.payload.resume).toEqual({ enabled: true, strategy: "summary", previous_events: firstCount });

    const messages = second.backend.requests[0]!.messages;
    const summaries = messages.filter(isResumeSummary);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.content).toBe(
      ["[Resume Summary]", "previous_task: first task", `previous_events: ${firstCount}`, "previous_terminal: run_completed", "previous_terminal_text: first answer"].join("\n"),
    );
    // the summary comes before the new task, and the new task is sent once
    expect(messages.indexOf(summaries[0]!)).toBeLessThan(messages.findIndex((m) => m.role === "user" && m.content === "second task"));
    expect(messagesWith(messages, "user", "second task")).toHaveLength(1);
    expect(messagesWith(messages, "user", "first task")).toHaveLength(0);
  });

  test("an initial history disables resume", async () => {
    const ws = workspace();
    await makeAgent({ workspaceRoot: ws, script: [replyText("one")] }).agent.run("first", { runId: "run_ih" });
    const second = makeAgent({ workspaceRoot: ws, script: [replyText("two")] });
    const r2 = await second.agent.run("second", {
      runId: "run_ih",
      initialHistory: [
        { role: "user", content: "earlier question" },
        { role: "assistant", content: "earlier answer" },
        { role: "system", content: "dropped" },
        { role: "user", content: { not: "a string" } },
      ],
    });
    const messages = second.backend.requests[0]!.messages;
    expect(messages.some(isResumeSummary)).toBe(false);
    const tail = messages.slice(-3);
    expect(tail).toEqual([
      { role: "user", content: "earlier question" },
      { role: "assistant", content: "earlier answer" },
      { role: "user", content: "second" },
    ]);
    expect(only(readWal(r2.walLocator), "run_started")[1]!.payload.resume.enabled).toBe(false);
  });
});

describe("resume with the replay strategy", () => {
  test("rebuilds the tool-call exchange and the final answer instead of a summary", async () => {
    const ws = workspace();
    const first = makeAgent({
      workspaceRoot: ws,
      config: { safety: { mode: "allow" } },
      tools: [echoTool()],
      script: [replyTools([echoCall("c1"), echoCall("c2", "there")]), replyText("echoed")],
    });
    await first.agent.run("echo things", { runId: "run_replay" });

    const second = makeAgent({ workspaceRoot: ws, config: { safety: { mode: "allow" } }, tools: [echoTool()], script: [replyText("resumed")] });
    const r2 = await second.agent.run("continue", { runId: "run_replay", resumeStrategy: "replay" });
    expect(r2.status).toBe("completed");

    const starts = only(readWal(r2.walLocator), "run_started");
    expect(starts[1]!.payload.resume).toMatchObject({ enabled: true, strategy: "replay" });

    const messages = second.backend.requests[0]!.messages;
    expect(messages.some(isResumeSummary)).toBe(false);
    const taskIndex = messages.findIndex((m) => m.role === "user" && m.content === "continue");
    const replayed = messages.slice(0, taskIndex).filter((m) => m.role === "assistant" || m.role === "tool");
    expect(replayed.map((m) => m.role)).toEqual(["assistant", "tool", "tool", "assistant"]);
    expect(replayed[0]).toEqual({
      role: "assistant",
      content: null,
      tool_calls: [
        { id: "c1", type: "function", function: { name: "echo", arguments: '{"text":"hi"}' } },
        { id: "c2", type: "function", function: { name: "echo", arguments: '{"text":"there"}' } },
      ],
    });
    expect(toolMessages(replayed).map((m) => m.tool_call_id)).toEqual(["c1", "c2"]);
    expect(JSON.parse(toolMessages(replayed)[0]!.content as string)).toMatchObject({ ok: true, stdout: "echo:hi" });
    expect(replayed[3]).toEqual({ role: "assistant", content: "echoed" });
  });

  test("restores approved_for_session keys from the WAL, so a fresh Agent does not ask again", async () => {
    const ws = workspace();
    const asked: string[] = [];
    const provider = (decision: ApprovalDecision) =>
      new CallbackApprovalProvider((request) => {
        asked.push(request.tool);
        return decision;
      });
    const first = makeAgent({
      workspaceRoot: ws,
      config: { safety: { mode: "ask" } },
      tools: [echoTool()],
      approvalProvider: provider("approved_for_session"),
      script: [replyTools([echoCall("c1")]), replyText("one")],
    });
    await first.agent.run("echo", { runId: "run_cache" });
    expect(asked).toHaveLength(1);

    const second = makeAgent({
      workspaceRoot: ws,
      config: { safety: { mode: "ask" } },
      tools: [echoTool()],
      approvalProvider: provider("denied"),
      script: [replyTools([echoCall("c9")]), replyText("two")],
    });
    const r2 = await second.agent.run("echo again", { runId: "run_cache", resumeStrategy: "replay" });
    expect(asked).toHaveLength(1);
    const decided = only(readWal(r2.walLocator), "approval_decided");
    expect(decided.at(-1)!.payload).toMatchObject({ decision: "approved_for_session", reason: "cached" });
    expect(only(readWal(r2.walLocator), "tool_call_finished").at(-1)!.payload.result.ok).toBe(true);
  });
});

describe("resume with the replay strategy: loop guard", () => {
  test("restores denial counts, so one more denial of the same key ends the run with approval_denied", async () => {
    const ws = workspace();
    const deny = new CallbackApprovalProvider(() => "denied");
    const setup = (script: Parameters<typeof makeAgent>[0]["script"]) =>
      makeAgent({ workspaceRoot: ws, config: { safety: { mode: "ask" } }, tools: [echoTool()], approvalProvider: deny, script });
    const r1 = await setup([replyTools([echoCall("c1")]), replyText("denied once")]).agent.run("echo", { runId: "run_guard" });
    expect(r1.status).toBe("completed");

    const r2 = await setup([replyTools([echoCall("c2")]), replyText("never")]).agent.run("echo again", { runId: "run_guard", resumeStrategy: "replay" });
    expect(r2).toMatchObject({ status: "failed", errorKind: "approval_denied" });

    // control: a fresh run with a single denial of that key goes on
    const fresh = await setup([replyTools([echoCall("c3")]), replyText("third")]).agent.run("echo once more", { runId: "run_guard_fresh" });
    expect(fresh.status).toBe("completed");
  });
});

describe("fork", () => {
  test("forkRun up to a tool result, then a replay run sees the forked tool exchange and not the rest", async () => {
    const ws = workspace();
    const source = makeAgent({
      workspaceRoot: ws,
      config: { safety: { mode: "allow" } },
      tools: [echoTool()],
      script: [replyTools([echoCall("c1")]), replyText("source final answer")],
    });
    const src = await source.agent.run("echo", { runId: "run_src" });
    const srcEvents = readWal(src.walLocator);
    const cut = srcEvents.findIndex((e) => e.type === "tool_call_finished");
    expect(cut).toBeGreaterThan(0);

    const forked = forkRun(ws, { srcRunId: "run_src", dstRunId: "run_dst", upToIndexInclusive: cut });
    expect(forked).toBe(join(ws, ".skills_runtime_sdk", "runs", "run_dst", "events.jsonl"));
    const copied = readWal(forked);
    expect(copied).toHaveLength(cut + 1);
    expect(copied.every((e) => e.run_id === "run_dst")).toBe(true);

    const target = makeAgent({ workspaceRoot: ws, config: { safety: { mode: "allow" } }, tools: [echoTool()], script: [replyText("fork done")] });
    const dst = await target.agent.run("carry on", { runId: "run_dst", resumeStrategy: "replay" });
    expect(dst).toMatchObject({ status: "completed", finalOutput: "fork done", walLocator: forked });

    const messages = target.backend.requests[0]!.messages;
    const exchange = messages.filter((m) => m.role === "assistant" || m.role === "tool");
    expect(exchange).toEqual([
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "echo", arguments: '{"text":"hi"}' } }] },
      expect.objectContaining({ role: "tool", tool_call_id: "c1" }),
    ]);
    expect(JSON.stringify(messages)).not.toContain("source final answer");

    const events = readWal(forked);
    const restart = only(events, "run_started")[1]!;
    expect(restart.seq).toBe(cut + 1);
    expect(restart.payload.resume).toEqual({ enabled: true, strategy: "replay", previous_events: cut + 1 });
    expect(events.at(-1)!.type).toBe("run_completed");
    expect(one(events, "run_completed").payload.wal_locator).toBe(forked);
  });
});

describe("injected WAL", () => {
  test("an InMemoryWal receives the events with seq, and no events.jsonl is written", async () => {
    const ws = workspace();
    const wal = new InMemoryWal("wal://in-memory/test-run");
    const { agent } = makeAgent({ workspaceRoot: ws, wal, script: [replyText("in memory")] });
    const result = await agent.run("remember", { runId: "r_inmem" });
    expect(result.walLocator).toBe("wal://in-memory/test-run#run_id=r_inmem");
    expect(existsSync(join(ws, ".skills_runtime_sdk", "runs", "r_inmem"))).toBe(true);
    expect(existsSync(join(ws, ".skills_runtime_sdk", "runs", "r_inmem", "events.jsonl"))).toBe(false);
    const events = wal.events("r_inmem");
    expect(typesOf(events)).toEqual(["run_started", "llm_request_started", "llm_response_delta", "run_completed"]);
    expect(events.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    expect(one(events, "run_completed").payload.wal_locator).toBe(result.walLocator);
  });
});
