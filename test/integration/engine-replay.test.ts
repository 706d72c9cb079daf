/**
 * Deterministic replay: a recorded run re-executed with the recorded model outputs, tool results,
 * approvals and answers fed back. Zero tokens, no tool side effects, a divergence report.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Agent } from "../../src/core/agent.ts";
import { replayEvents } from "../../src/core/replay/replay-run.ts";
import type { ChatBackend } from "../../src/llm/protocol.ts";
import { CallbackApprovalProvider } from "../../src/safety/approvals.ts";
import { JsonlWal } from "../../src/wal/append.ts";
import { readWalFile } from "../../src/wal/read.ts";
import { runsDir } from "../../src/wal/paths.ts";
import { customTool, done, echoCall, echoTool, makeAgent, readWal, replyText, replyTools, tempWorkspaces, text, typesOf, usage, wait } from "../support/engine.ts";

const workspace = tempWorkspaces("replay-");
const ASK = { safety: { mode: "ask" } };

/** A backend that fails the test if the replay ever calls the model. */
const forbiddenBackend: ChatBackend = {
  // biome-ignore lint/correctness/useYield: never yields by design
  async *streamChat() {
    throw new Error("the model must not be called during a replay");
  },
};

async function recordToolRun(ws: string) {
  const echo = echoTool();
  const { agent } = makeAgent({
    workspaceRoot: ws,
    config: ASK,
    tools: [echo],
    approvalProvider: new CallbackApprovalProvider(() => "approved"),
    script: [
      { events: [text("Let me echo."), { type: "tool_calls", tool_calls: [{ call_id: "c1", name: "echo", raw_arguments: '{"text":"one"}' }] }, usage(10, 5), done("tool_calls")] },
      { events: [text("All "), text("done."), usage(20, 3), done()] },
    ],
  });
  const result = await agent.run("echo something", { runId: "run_rec" });
  expect(result.status).toBe("completed");
  return { result, events: readWal(result.walLocator), echo };
}

describe("deterministic replay", () => {
  test("reproduces a tool run event for event without calling the model or the tool", async () => {
    const ws = workspace();
    const { events } = await recordToolRun(ws);
    const echo = echoTool();
    const replayAgent = new Agent({ builtinTools: false, workspaceRoot: ws, config: ASK, tools: [echo], backend: forbiddenBackend });
    const report = await replayEvents(replayAgent, "run_rec", events, { replayRunId: "run_rec_replay" });

    expect(report.divergence).toBeNull();
    expect(report.misses).toEqual([]);
    expect(report.matches).toBe(true);
    expect(report.status).toBe("completed");
    expect(report.replayed_events).toBe(events.length);
    expect(typesOf(report.events)).toEqual(typesOf(events));
    expect(echo.calls).toHaveLength(0);
    expect(report.model_calls_replayed).toBe(2);
    expect(report.tool_results_replayed).toBe(1);
    expect(report.tokens_spent).toBe(0);
    expect(report.recorded_usage).toEqual({ input_tokens: 30, output_tokens: 8, total_tokens: 38 });
    // Nothing written: no WAL and no run directory for the replay.
    expect(existsSync(join(runsDir(ws), "run_rec_replay"))).toBe(false);
    // The recorded approval was repeated, the final answer is the recorded one.
    expect(report.events.find((e) => e.type === "approval_decided")?.payload).toMatchObject({ decision: "approved", reason: "provider" });
    expect(report.events.at(-1)?.payload).toMatchObject({ final_output: "All done." });
  });

  test("reports where a stricter policy makes the run diverge", async () => {
    const ws = workspace();
    const { events } = await recordToolRun(ws);
    const strict = new Agent({ builtinTools: false, workspaceRoot: ws, config: { safety: { mode: "ask", tool_denylist: ["echo"] } }, tools: [echoTool()], backend: forbiddenBackend });
    const report = await replayEvents(strict, "run_rec", events);

    expect(report.matches).toBe(false);
    const d = report.divergence!;
    const recordedIndex = events.findIndex((e) => e.type === "approval_requested");
    expect(d.index).toBe(recordedIndex);
    expect(d.recorded?.type).toBe("approval_requested");
    expect(d.replayed?.type).toBe("tool_call_finished");
    expect(d.field).toBe("type");
    expect(report.replayed_terminal).toBe("run_completed");
  });

  test("replays tools this process does not know as the custom tools they were", async () => {
    const ws = workspace();
    const { events } = await recordToolRun(ws);
    const bare = new Agent({ builtinTools: false, workspaceRoot: ws, config: ASK, backend: forbiddenBackend });
    const report = await replayEvents(bare, "run_rec", events);
    // The model is offered one tool fewer: that is the divergence; the call itself replays fine.
    expect(report.divergence?.recorded?.type).toBe("llm_request_started");
    expect(report.divergence?.field).toBe("payload.tools_count");
    expect(report.misses).toEqual([]);
    expect(report.tool_results_replayed).toBe(1);
    expect(report.replayed_terminal).toBe("run_completed");
    expect(report.differing_events).toBe(2);
  });

  test("writes the replay to a WAL when one is given", async () => {
    const ws = workspace();
    const { events } = await recordToolRun(ws);
    const wal = JsonlWal.forRun(ws, "run_rec_saved");
    const agent = new Agent({ builtinTools: false, workspaceRoot: ws, config: ASK, tools: [echoTool()], backend: forbiddenBackend });
    const report = await replayEvents(agent, "run_rec", events, { replayRunId: "run_rec_saved", wal });
    expect(report.matches).toBe(true);
    const saved = readWalFile(wal.locator());
    expect(typesOf(saved)).toEqual(typesOf(events));
    expect(saved.every((e) => e.run_id === "run_rec_saved")).toBe(true);
  });

  test("reproduces a recorded LLM failure with its retries", async () => {
    const ws = workspace();
    const { agent } = makeAgent({
      workspaceRoot: ws,
      script: [{ events: [{ type: "retry", payload: { provider: "fake", attempt: 1 } }, text("partial"), { type: "error", kind: "server_error", message: "upstream 503", status_code: 503 }] }],
    });
    const result = await agent.run("fail please", { runId: "run_fail" });
    expect(result.status).toBe("failed");
    const events = readWal(result.walLocator);
    const report = await replayEvents(new Agent({ builtinTools: false, workspaceRoot: ws, backend: forbiddenBackend }), "run_fail", events);
    expect(report.divergence).toBeNull();
    expect(report.replayed_terminal).toBe("run_failed");
    expect(report.events.at(-1)?.payload).toMatchObject({ error_kind: "server_error" });
    expect(typesOf(report.events)).toContain("llm_retry_scheduled");
  });

  test("reproduces a run cancelled while a tool ran", async () => {
    const ws = workspace();
    const controller = new AbortController();
    const slow = customTool("slow", async (_args, ctx) => {
      controller.abort();
      if (!ctx.signal.aborted) await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
      throw new Error("aborted");
    });
    const { agent } = makeAgent({
      workspaceRoot: ws,
      config: { safety: { mode: "allow" } },
      tools: [slow],
      script: [replyTools([{ id: "s1", name: "slow", args: {} }])],
    });
    const result = await agent.run("cancel me", { runId: "run_cancel", signal: controller.signal });
    expect(result.status).toBe("cancelled");
    const events = readWal(result.walLocator);
    const replayAgent = new Agent({ builtinTools: false, workspaceRoot: ws, config: { safety: { mode: "allow" } }, tools: [slow], backend: forbiddenBackend });
    const report = await replayEvents(replayAgent, "run_cancel", events);
    expect(report.replayed_terminal).toBe("run_cancelled");
    expect(report.divergence).toBeNull();
  });

  test("reproduces a run cancelled while the model was streaming", async () => {
    const ws = workspace();
    const controller = new AbortController();
    const { agent } = makeAgent({ workspaceRoot: ws, script: [{ events: [text("Hel"), wait(5000), text("lo"), done()] }] });
    const stream = agent.runStream("stream then cancel", { runId: "run_cut", signal: controller.signal });
    for await (const event of stream) if (event.type === "llm_response_delta") controller.abort();
    const events = readWal((await stream.result).walLocator);
    expect(events.at(-1)?.type).toBe("run_cancelled");
    const report = await replayEvents(new Agent({ builtinTools: false, workspaceRoot: ws, backend: forbiddenBackend }), "run_cut", events);
    expect(report.divergence).toBeNull();
    expect(report.replayed_terminal).toBe("run_cancelled");
  });

  test("replays the resumed segment of a run with the history it resumed from", async () => {
    const ws = workspace();
    const first = makeAgent({ workspaceRoot: ws, config: { safety: { mode: "allow" } }, tools: [echoTool()], script: [replyTools([echoCall("c1")]), replyText("first")] });
    await first.agent.run("first task", { runId: "run_seg" });
    const second = makeAgent({ workspaceRoot: ws, config: { safety: { mode: "allow" } }, tools: [echoTool()], script: [replyText("second")] });
    const r2 = await second.agent.run("second task", { runId: "run_seg", resumeStrategy: "replay" });
    const events = readWal(r2.walLocator);
    const agent = new Agent({ builtinTools: false, workspaceRoot: ws, config: { safety: { mode: "allow" } }, tools: [echoTool()], backend: forbiddenBackend });

    const last = await replayEvents(agent, "run_seg", events);
    expect(last.task).toBe("second task");
    expect(last.divergence).toBeNull();
    expect(last.events[0]?.payload).toMatchObject({ resume: { enabled: true, strategy: "replay" } });
    // The replayed model saw the same number of messages as the original (the rebuilt history).
    const firstSegment = await replayEvents(agent, "run_seg", events, { segment: 0 });
    expect(firstSegment.task).toBe("first task");
    expect(firstSegment.matches).toBe(true);
    await expect(replayEvents(agent, "run_seg", events, { segment: 2 })).rejects.toThrow(/segment 2 does not exist/);
  });

  test("a tighter budget shows up where the new run stops", async () => {
    const ws = workspace();
    const { events } = await recordToolRun(ws);
    const tight = new Agent({ builtinTools: false, workspaceRoot: ws, config: { ...ASK, run: { max_turns: 1 } }, tools: [echoTool()], backend: forbiddenBackend });
    const report = await replayEvents(tight, "run_rec", events);
    const secondRequest = events.findLastIndex((e) => e.type === "llm_request_started");
    expect(report.divergence?.index).toBe(secondRequest);
    expect(report.divergence?.recorded?.type).toBe("llm_request_started");
    expect(report.divergence?.replayed?.type).toBe("run_failed");
    expect(report.replayed_terminal).toBe("run_failed");
  });

  test("reads and replays a WAL written by the reference", async () => {
    const ws = workspace();
    const events = readWalFile(join(import.meta.dir, "../fixtures/wal/reference-completed.jsonl"));
    const agent = new Agent({ builtinTools: false, workspaceRoot: ws, config: ASK, backend: forbiddenBackend });
    const report = await replayEvents(agent, "r_ref1", events);
    expect(report.model_calls_replayed).toBe(2);
    expect(report.tokens_spent).toBe(0);
    expect(report.recorded_usage.total_tokens).toBe(277);
    expect(report.replayed_terminal).toBe("run_completed");
    expect(report.events.at(-1)?.payload).toMatchObject({ final_output: "完成 ✓" });
    // The reference injected a skill this workspace does not have: that is the first divergence.
    expect(report.divergence).toMatchObject({ index: 1, field: "type", expected: "skill_injected", actual: "llm_request_started" });
    // The fixture's approval keys are placeholders ("k_write"), so no recorded decision matches.
    expect(report.misses.map((m) => m.what)).toEqual(["approval", "approval"]);
  });
});
