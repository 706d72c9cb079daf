/**
 * How runs end besides success and cancel (spec 2.4, 2.8, 10.1): waiting for a human, backend
 * failures, a missing backend, and context-length recovery (fail_fast, compact_first, ask_first).
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isTerminalEvent } from "../../src/events/schema.ts";
import type { ChatBackend } from "../../src/llm/protocol.ts";
import { sha256Hex } from "../../src/util/canonical-json.ts";
import type { HumanIO } from "../../src/core/run-context.ts";
import {
  customTool,
  echoCall,
  echoTool,
  makeAgent,
  one,
  only,
  readWal,
  replyText,
  replyTools,
  tempWorkspaces,
  typesOf,
} from "../support/engine.ts";

const workspace = tempWorkspaces();

const terminalTypes = (events: { type: string }[]) => events.filter(isTerminalEvent).map((e) => e.type);

describe("waiting for a human", () => {
  test("a tool result with human_required ends the run with run_waiting_human carrying the result", async () => {
    const asker = customTool("ask_someone", () => ({ ok: false, error_kind: "human_required", stderr: "need answer" }));
    const { agent, backend } = makeAgent({
      workspaceRoot: workspace(),
      config: { safety: { mode: "allow" } },
      tools: [asker],
      script: [replyTools([{ id: "h1", name: "ask_someone", args: {} }]), replyText("never")],
    });
    const result = await agent.run("needs a person");
    expect(result).toMatchObject({ status: "waiting_human", finalOutput: "need answer" });
    expect(backend.remaining).toBe(1);

    const events = readWal(result.walLocator);
    expect(typesOf(events).slice(-4)).toEqual(["tool_call_requested", "tool_call_started", "tool_call_finished", "run_waiting_human"]);
    expect(terminalTypes(events)).toEqual(["run_waiting_human"]);
    const waiting = one(events, "run_waiting_human");
    expect(waiting.step_id).toBe("step_1");
    expect(waiting.payload).toMatchObject({
      tool: "ask_someone",
      call_id: "h1",
      message: "need answer",
      error_kind: "human_required",
      wal_locator: result.walLocator,
      details: { ok: false, error_kind: "human_required", stderr: "need answer" },
    });
  });

  test("the other calls of the batch still run before the run pauses", async () => {
    const echo = echoTool();
    const asker = customTool("ask_someone", () => ({ ok: false, error_kind: "human_required", stderr: "need answer" }));
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: { safety: { mode: "allow" } },
      tools: [asker, echo],
      script: [replyTools([{ id: "h1", name: "ask_someone", args: {} }, echoCall("c2")]), replyText("never")],
    });
    const result = await agent.run("ask and echo");
    expect(result.status).toBe("waiting_human");
    expect(echo.calls).toHaveLength(1);
    const events = readWal(result.walLocator);
    expect(only(events, "tool_call_finished").map((e) => e.payload.call_id)).toEqual(["h1", "c2"]);
    const waiting = one(events, "run_waiting_human");
    expect(waiting.payload.call_id).toBe("h1");
    // the pause names the step of the call that needs the human, not the last step of the batch
    expect(only(events, "tool_call_requested").map((e) => [e.payload.call_id, e.step_id])).toEqual([
      ["h1", "step_1"],
      ["c2", "step_2"],
    ]);
    expect(waiting.step_id).toBe("step_1");
  });
});

describe("backend failures", () => {
  test("a server_error from the backend fails the run as server_error, retryable", async () => {
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      script: [{ events: [{ type: "error", kind: "server_error", status_code: 503, message: "upstream down" }] }],
    });
    const result = await agent.run("hello");
    expect(result).toMatchObject({ status: "failed", errorKind: "server_error", finalOutput: "upstream down" });
    const events = readWal(result.walLocator);
    expect(typesOf(events)).toEqual(["run_started", "llm_request_started", "run_failed"]);
    expect(one(events, "run_failed").payload).toMatchObject({ error_kind: "server_error", message: "upstream down", retryable: true, wal_locator: result.walLocator });
  });

  test("rate_limited keeps retry_after_ms on run_failed", async () => {
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      script: [{ events: [{ type: "error", kind: "rate_limited", status_code: 429, retry_after_ms: 2000 }] }],
    });
    const result = await agent.run("hello");
    expect(one(readWal(result.walLocator), "run_failed").payload).toMatchObject({ error_kind: "rate_limited", retryable: true, retry_after_ms: 2000 });
  });

  test("a plain exception from the backend is classified unknown, not by its class name", async () => {
    const { agent } = makeAgent({ workspaceRoot: workspace(), script: [{ events: [{ type: "error", kind: "unknown", message: "weird" }] }] });
    const result = await agent.run("hello");
    expect(one(readWal(result.walLocator), "run_failed").payload).toMatchObject({ error_kind: "unknown", message: "weird", retryable: false });
  });

  test("a backend that ran out of script fails with config_error", async () => {
    const { agent } = makeAgent({ workspaceRoot: workspace(), script: [] });
    const result = await agent.run("hello");
    expect(result.errorKind).toBe("config_error");
    expect(terminalTypes(readWal(result.walLocator))).toEqual(["run_failed"]);
  });

  test("no backend fails with config_error right after run_started", async () => {
    const { agent } = makeAgent({ workspaceRoot: workspace(), backend: null });
    const result = await agent.run("hello");
    expect(result).toMatchObject({ status: "failed", errorKind: "config_error" });
    const events = readWal(result.walLocator);
    expect(typesOf(events)).toEqual(["run_started", "run_failed"]);
    expect(one(events, "run_failed").payload).toMatchObject({ error_kind: "config_error", retryable: false });
    expect(one(events, "run_failed").payload.message).toContain("backend=None");
  });

  test("a backend without streamChat fails with config_error naming stream_chat", async () => {
    const { agent } = makeAgent({ workspaceRoot: workspace(), backend: { chat: () => "legacy" } as unknown as ChatBackend });
    const result = await agent.run("hello");
    const failed = one(readWal(result.walLocator), "run_failed");
    expect(failed.payload.error_kind).toBe("config_error");
    expect(failed.payload.message).toContain("stream_chat");
  });

  test("llm_retry_scheduled carries the backend's payload as is", async () => {
    const payload = { attempt: 1, max_retries: 3, delay_ms: 250, reason: "request_error" };
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      script: [{ events: [{ type: "retry", payload }, { type: "text_delta", text: "ok" }, { type: "completed", finish_reason: "stop" }] }],
    });
    const result = await agent.run("hello");
    const events = readWal(result.walLocator);
    expect(typesOf(events)).toEqual(["run_started", "llm_request_started", "llm_retry_scheduled", "llm_response_delta", "run_completed"]);
    expect(one(events, "llm_retry_scheduled").payload).toEqual(payload);
    expect(one(events, "llm_retry_scheduled").turn_id).toBe("turn_1");
  });
});

describe("context length exceeded", () => {
  const overflow = { events: [{ type: "error" as const, kind: "context_length_exceeded" as const, message: "context window exceeded" }] };

  test("fail_fast emits context_length_exceeded then exactly one run_failed", async () => {
    const { agent, backend } = makeAgent({
      workspaceRoot: workspace(),
      config: { run: { context_recovery: { mode: "fail_fast" } } },
      script: [overflow, replyText("never")],
    });
    const result = await agent.run("big task");
    expect(result).toMatchObject({ status: "failed", errorKind: "context_length_exceeded" });
    expect(backend.remaining).toBe(1);
    const events = readWal(result.walLocator);
    expect(typesOf(events)).toEqual(["run_started", "llm_request_started", "context_length_exceeded", "run_failed"]);
    expect(one(events, "context_length_exceeded").payload).toEqual({ mode: "fail_fast", compactions: 0 });
    expect(one(events, "run_failed").payload).toMatchObject({ error_kind: "context_length_exceeded", retryable: false });
  });

  test("compact_first writes a handoff artifact, retries the turn and lists the artifact on completion", async () => {
    const ws = workspace();
    const { agent, backend } = makeAgent({
      workspaceRoot: ws,
      config: { safety: { mode: "allow" }, run: { context_recovery: { mode: "compact_first" } } },
      tools: [echoTool()],
      script: [replyTools([echoCall("c1")], "working"), overflow, replyText("summary of the progress so far"), replyText("ok")],
    });
    const result = await agent.run("long task", { runId: "run_compact" });
    expect(result).toMatchObject({ status: "completed", finalOutput: "ok" });

    const artifact = join(ws, ".skills_runtime_sdk", "runs", "run_compact", "artifacts", "001_handoff_summary.md");
    expect(existsSync(artifact)).toBe(true);
    const summary = readFileSync(artifact, "utf8");
    expect(summary).toContain("summary of the progress so far");
    expect(result.artifacts).toEqual([artifact]);

    const events = readWal(result.walLocator);
    const afterOverflow = typesOf(events).slice(typesOf(events).indexOf("context_length_exceeded"));
    expect(afterOverflow).toEqual([
      "context_length_exceeded",
      "compaction_started",
      "context_compacted",
      "compaction_finished",
      "llm_request_started",
      "llm_response_delta",
      "run_completed",
    ]);
    expect(one(events, "context_length_exceeded").payload).toEqual({ mode: "compact_first", compactions: 0 });
    expect(one(events, "compaction_started").payload).toEqual({ reason: "context_length_exceeded", mode: "compact_first" });
    expect(one(events, "context_compacted").payload).toEqual({
      reason: "context_length_exceeded",
      count: 1,
      artifact_path: artifact,
      summary_len: [...summary].length,
      summary_sha256: sha256Hex(summary),
    });
    expect(one(events, "compaction_finished").payload).toEqual({ reason: "context_length_exceeded", count: 1, artifact_path: artifact });
    expect(only(events, "llm_request_started").map((e) => e.turn_id)).toEqual(["turn_1", "turn_2", "turn_3"]);

    const completed = one(events, "run_completed").payload;
    expect(completed.final_output).toBe("ok");
    expect(completed.artifacts).toEqual([artifact]);
    expect(completed.metadata.notices).toEqual([expect.objectContaining({ kind: "context_compacted", count: 1 })]);

    // the compaction call has no tools; the retried turn starts from the summary, task once
    const compaction = backend.requests[2]!;
    expect(compaction.purpose).toBe("compaction");
    expect(compaction.tools).toBeUndefined();
    const retried = backend.requests[3]!.messages;
    expect(retried.some((m) => m.role === "assistant" && typeof m.content === "string" && m.content.includes("summary of the progress so far"))).toBe(true);
    expect(retried.filter((m) => m.role === "user" && m.content === "long task")).toHaveLength(1);
    expect(retried.some((m) => m.role === "tool")).toBe(false);
  });

  test("compact_first fails with context_length_exceeded once max_compactions_per_run is spent", async () => {
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: { run: { context_recovery: { mode: "compact_first", max_compactions_per_run: 1 } } },
      script: [overflow, replyText("summary"), overflow, replyText("never")],
    });
    const result = await agent.run("too big");
    expect(result.errorKind).toBe("context_length_exceeded");
    const events = readWal(result.walLocator);
    expect(only(events, "context_compacted")).toHaveLength(1);
    expect(terminalTypes(events)).toEqual(["run_failed"]);
    expect(one(events, "run_failed").payload.message).toContain("context recovery failed");
  });

  test("ask_first with a human choosing handoff_new_run completes with the handoff artifact and empty output", async () => {
    const questions: string[] = [];
    const humanIO: HumanIO = {
      requestHumanInput: async (request) => {
        questions.push(request.callId);
        return "handoff_new_run";
      },
    };
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: { run: { context_recovery: { mode: "ask_first" } } },
      humanIO,
      script: [overflow, replyText("handoff summary")],
    });
    const result = await agent.run("too big", { runId: "run_handoff" });
    expect(result).toMatchObject({ status: "completed", finalOutput: "" });
    expect(questions).toEqual(["context_recovery_run_handoff_turn_1"]);
    const events = readWal(result.walLocator);
    expect(typesOf(events).slice(2)).toEqual([
      "context_length_exceeded",
      "human_request",
      "human_response",
      "context_recovery_decided",
      "compaction_started",
      "context_compacted",
      "compaction_finished",
      "run_completed",
    ]);
    const completed = one(events, "run_completed").payload;
    expect(completed.metadata.handoff?.artifact_path).toBe(completed.artifacts[0]!);
    expect(existsSync(completed.artifacts[0]!)).toBe(true);
  });

  test("ask_first without HumanIO falls back to the configured mode", async () => {
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: { run: { context_recovery: { mode: "ask_first", ask_first_fallback_mode: "fail_fast" } } },
      script: [overflow],
    });
    const result = await agent.run("too big");
    const events = readWal(result.walLocator);
    expect(one(events, "context_recovery_decided").payload).toEqual({ mode: "ask_first", decision: "no_human_provider", fallback_mode: "fail_fast" });
    expect(result.errorKind).toBe("context_length_exceeded");
  });
});
