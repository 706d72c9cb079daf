/**
 * Cancellation (spec 2.6, decisions item 11): a pre-aborted signal, an abort during a blocking
 * LLM stream, during a tool, during an approval wait, and an approval decision of `abort`. Every
 * cancelled run ends with exactly one run_cancelled and no other terminal event.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { isTerminalEvent } from "../../src/events/schema.ts";
import { CallbackApprovalProvider } from "../../src/safety/approvals.ts";
import {
  customTool,
  done,
  echoCall,
  echoTool,
  eventWaiter,
  makeAgent,
  one,
  only,
  readWal,
  replyText,
  replyTools,
  stepTypes,
  tempWorkspaces,
  text,
  typesOf,
  wait,
} from "../support/engine.ts";

const workspace = tempWorkspaces();
const GENEROUS_MS = 5_000;

function expectSingleCancelledTerminal(events: { type: string }[]): void {
  expect(events.filter(isTerminalEvent).map((e) => e.type)).toEqual(["run_cancelled"]);
  expect(events.at(-1)!.type).toBe("run_cancelled");
}

describe("cancellation", () => {
  test("a signal aborted before the run emits only run_started and run_cancelled", async () => {
    const controller = new AbortController();
    controller.abort();
    const { agent, backend } = makeAgent({ workspaceRoot: workspace(), script: [replyText("never")] });
    const result = await agent.run("too late", { signal: controller.signal });
    expect(result).toMatchObject({ status: "cancelled", finalOutput: "cancelled by user" });
    expect(backend.requests).toHaveLength(0);
    const events = readWal(result.walLocator);
    expect(typesOf(events)).toEqual(["run_started", "run_cancelled"]);
    expect(one(events, "run_cancelled").payload).toEqual({ message: "cancelled by user", wal_locator: result.walLocator });
  });

  test("an abort during a blocking LLM stream ends the run promptly with one run_cancelled", async () => {
    const controller = new AbortController();
    const waiter = eventWaiter();
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      eventHooks: [waiter.hook],
      script: [{ events: [text("partial"), wait(30_000), text("never"), done()] }],
    });
    const running = agent.run("slow model", { signal: controller.signal });
    await waiter.when((e) => e.type === "llm_response_delta");
    const abortedAt = performance.now();
    controller.abort();
    const result = await running;
    expect(performance.now() - abortedAt).toBeLessThan(GENEROUS_MS);
    expect(result.status).toBe("cancelled");
    const events = readWal(result.walLocator);
    expect(typesOf(events)).toEqual(["run_started", "llm_request_started", "llm_response_delta", "run_cancelled"]);
    expectSingleCancelledTerminal(events);
  });

  test("an abort while a tool runs gives the tool a cancelled result, then run_cancelled", async () => {
    const controller = new AbortController();
    const toolRunning = Promise.withResolvers<void>();
    let sawAbort = false;
    const blocking = customTool("block", (_args, ctx) => {
      return new Promise((_resolve, reject) => {
        const stop = () => {
          sawAbort = true;
          reject(new Error("interrupted"));
        };
        if (ctx.signal.aborted) return stop();
        ctx.signal.addEventListener("abort", stop, { once: true });
        toolRunning.resolve();
      });
    });
    const { agent, backend } = makeAgent({
      workspaceRoot: workspace(),
      config: { safety: { mode: "allow" } },
      tools: [blocking],
      script: [replyTools([{ id: "c1", name: "block", args: {} }]), replyText("never")],
    });
    const running = agent.run("run a long tool", { signal: controller.signal });
    await toolRunning.promise;
    const abortedAt = performance.now();
    controller.abort();
    const result = await running;
    expect(performance.now() - abortedAt).toBeLessThan(GENEROUS_MS);
    expect(sawAbort).toBe(true);
    expect(result.status).toBe("cancelled");
    expect(backend.remaining).toBe(1);

    const events = readWal(result.walLocator);
    expect(stepTypes(events, "step_1")).toEqual(["tool_call_requested", "tool_call_started", "tool_call_finished"]);
    expect(one(events, "tool_call_finished").payload.result).toMatchObject({ ok: false, error_kind: "cancelled" });
    expect(typesOf(events).slice(-2)).toEqual(["tool_call_finished", "run_cancelled"]);
    expectSingleCancelledTerminal(events);
  });

  test("an abort during a batch leaves the later calls of the batch unexecuted", async () => {
    const controller = new AbortController();
    const echo = echoTool();
    const stopper = customTool("stopper", () => {
      controller.abort();
      return "stopping";
    });
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: { safety: { mode: "allow" } },
      tools: [stopper, echo],
      script: [replyTools([{ id: "c1", name: "stopper", args: {} }, echoCall("c2")]), replyText("never")],
    });
    const result = await agent.run("stop midway", { signal: controller.signal });
    expect(result.status).toBe("cancelled");
    expect(echo.calls).toHaveLength(0);
    const events = readWal(result.walLocator);
    expect(only(events, "tool_call_finished").map((e) => e.payload.call_id)).toEqual(["c1"]);
    expectSingleCancelledTerminal(events);
  });

  test("an approval decision of abort cancels the run without a tool result", async () => {
    const echo = echoTool();
    const { agent, backend } = makeAgent({
      workspaceRoot: workspace(),
      config: { safety: { mode: "ask" } },
      tools: [echo],
      approvalProvider: new CallbackApprovalProvider(() => "abort"),
      script: [replyTools([echoCall("c1")]), replyText("never")],
    });
    const result = await agent.run("abort it");
    expect(result).toMatchObject({ status: "cancelled", finalOutput: "cancelled by user" });
    expect(echo.calls).toHaveLength(0);
    expect(backend.remaining).toBe(1);
    const events = readWal(result.walLocator);
    expect(typesOf(events).slice(-4)).toEqual(["tool_call_requested", "approval_requested", "approval_decided", "run_cancelled"]);
    expect(one(events, "approval_decided").payload).toMatchObject({ decision: "abort", reason: "provider" });
    expect(only(events, "tool_call_finished")).toHaveLength(0);
    expectSingleCancelledTerminal(events);
  });

  test("an abort while waiting for an approval cancels the run without a decision", async () => {
    const controller = new AbortController();
    const asked = Promise.withResolvers<AbortSignal | undefined>();
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: { safety: { mode: "ask" } },
      tools: [echoTool()],
      approvalProvider: new CallbackApprovalProvider((_request, opts) => {
        asked.resolve(opts.signal);
        return new Promise(() => {}); // never answers
      }),
      script: [replyTools([echoCall("c1")]), replyText("never")],
    });
    const running = agent.run("wait for a human", { signal: controller.signal });
    const providerSignal = await asked.promise;
    expect(providerSignal?.aborted).toBe(false);
    controller.abort();
    const result = await running;
    expect(result.status).toBe("cancelled");
    expect(providerSignal?.aborted).toBe(true);
    const events = readWal(result.walLocator);
    expect(typesOf(events).slice(-3)).toEqual(["tool_call_requested", "approval_requested", "run_cancelled"]);
    expect(only(events, "approval_decided")).toHaveLength(0);
  });

  test("an abort during a compaction call ends with run_cancelled and writes no handoff artifact", async () => {
    const controller = new AbortController();
    const waiter = eventWaiter();
    const ws = workspace();
    const { agent } = makeAgent({
      workspaceRoot: ws,
      config: { run: { context_recovery: { mode: "compact_first" } } },
      eventHooks: [waiter.hook],
      script: [
        { events: [{ type: "error", kind: "context_length_exceeded" }] },
        { events: [wait(30_000), text("summary"), done()] },
        replyText("never"),
      ],
    });
    const running = agent.run("huge", { runId: "run_cc", signal: controller.signal });
    await waiter.when((e) => e.type === "compaction_started");
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ status: "cancelled", artifacts: [] });
    const events = readWal(result.walLocator);
    expect(typesOf(events)).toEqual(["run_started", "llm_request_started", "context_length_exceeded", "compaction_started", "run_cancelled"]);
    expect(existsSync(join(ws, ".skills_runtime_sdk", "runs", "run_cc", "artifacts"))).toBe(false);
  });
});
