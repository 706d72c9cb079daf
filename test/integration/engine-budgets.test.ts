/**
 * Run budgets (spec 2.4, decisions item 4): max_steps, max_turns, max_total_tokens and
 * max_wall_time_sec end the run with run_failed budget_exceeded and never lose executed results.
 */
import { describe, expect, test } from "bun:test";
import {
  done,
  echoCall,
  echoTool,
  makeAgent,
  one,
  only,
  readWal,
  replyText,
  replyTools,
  stepTypes,
  tempWorkspaces,
  text,
  toolCalls,
  typesOf,
  usage,
  wait,
} from "../support/engine.ts";

const workspace = tempWorkspaces();

function budgetConfig(run: Record<string, unknown>) {
  return { safety: { mode: "allow" }, run };
}

describe("max_steps", () => {
  test("stops at the second call of a batch and keeps the first executed result in the WAL", async () => {
    const echo = echoTool();
    const { agent, backend } = makeAgent({
      workspaceRoot: workspace(),
      config: budgetConfig({ max_steps: 1 }),
      tools: [echo],
      script: [replyTools([echoCall("c1", "first"), echoCall("c2", "second")]), replyText("never")],
    });
    const result = await agent.run("two steps");
    expect(result).toMatchObject({ status: "failed", errorKind: "budget_exceeded", finalOutput: "budget exceeded: max_steps=1" });
    expect(echo.calls.map((c) => c.text)).toEqual(["first"]);
    expect(backend.remaining).toBe(1);

    const events = readWal(result.walLocator);
    expect(stepTypes(events, "step_1")).toEqual(["tool_call_requested", "tool_call_started", "tool_call_finished"]);
    expect(one(events, "tool_call_finished").payload).toMatchObject({ call_id: "c1", result: { ok: true, stdout: "echo:first" } });
    expect(stepTypes(events, "step_2")).toEqual(["tool_call_requested"]);
    // both calls were gated first (spec 4.6 phase 1); the approved one still ran before run_failed
    expect(typesOf(events).slice(-5)).toEqual(["tool_call_requested", "tool_call_requested", "tool_call_started", "tool_call_finished", "run_failed"]);
    expect(one(events, "run_failed").payload).toEqual({
      error_kind: "budget_exceeded",
      message: "budget exceeded: max_steps=1",
      retryable: false,
      wal_locator: result.walLocator,
    });
  });

  test("stops when a later turn needs a second tool execution", async () => {
    const echo = echoTool();
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: budgetConfig({ max_steps: 1 }),
      tools: [echo],
      script: [replyTools([echoCall("c1")]), replyTools([echoCall("c2")]), replyText("never")],
    });
    const result = await agent.run("two turns of tools");
    expect(result.finalOutput).toBe("budget exceeded: max_steps=1");
    expect(echo.calls).toHaveLength(1);
    const events = readWal(result.walLocator);
    expect(only(events, "tool_call_finished").map((e) => e.payload.call_id)).toEqual(["c1"]);
    expect(one(events, "run_failed").payload.error_kind).toBe("budget_exceeded");
  });

  test("denied and invalid calls do not consume steps", async () => {
    const echo = echoTool();
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: { safety: { mode: "allow", tool_denylist: ["nope"] }, run: { max_steps: 1 } },
      tools: [echo, { ...echoTool(), name: "nope" }],
      script: [replyTools([{ id: "c1", name: "nope", args: { text: "x" } }, { id: "c2", name: "echo", args: "{bad" }, echoCall("c3")]), replyText("done")],
    });
    const result = await agent.run("mixed batch");
    expect(result.status).toBe("completed");
    expect(echo.calls).toHaveLength(1);
  });
});

describe("max_turns", () => {
  test("stops before the second LLM call with budget exceeded: max_turns=1", async () => {
    const echo = echoTool();
    const { agent, backend } = makeAgent({
      workspaceRoot: workspace(),
      config: budgetConfig({ max_turns: 1 }),
      tools: [echo],
      script: [replyTools([echoCall("c1")]), replyText("never")],
    });
    const result = await agent.run("one turn only");
    expect(result).toMatchObject({ status: "failed", errorKind: "budget_exceeded", finalOutput: "budget exceeded: max_turns=1" });
    expect(backend.requests).toHaveLength(1);
    expect(echo.calls).toHaveLength(1);
    const events = readWal(result.walLocator);
    expect(only(events, "llm_request_started")).toHaveLength(1);
    expect(typesOf(events).slice(-2)).toEqual(["tool_call_finished", "run_failed"]);
  });

  test("a text-only answer within the turn budget completes", async () => {
    const { agent } = makeAgent({ workspaceRoot: workspace(), config: budgetConfig({ max_turns: 1 }), script: [replyText("fits")] });
    const result = await agent.run("short");
    expect(result).toMatchObject({ status: "completed", finalOutput: "fits" });
  });
});

describe("max_total_tokens", () => {
  test("stops before the next turn once the reported usage reaches the budget", async () => {
    const echo = echoTool();
    const { agent, backend } = makeAgent({
      workspaceRoot: workspace(),
      config: budgetConfig({ max_total_tokens: 10 }),
      tools: [echo],
      script: [{ events: [toolCalls(echoCall("c1")), usage(8, 4), done("tool_calls")] }, replyText("never")],
    });
    const result = await agent.run("token hungry");
    expect(result).toMatchObject({ status: "failed", errorKind: "budget_exceeded", finalOutput: "budget exceeded: max_total_tokens=10" });
    expect(result.usage.total_tokens).toBe(12);
    expect(backend.requests).toHaveLength(1);
    // the turn's tool call was already approved and ran; its result stays
    expect(one(readWal(result.walLocator), "tool_call_finished").payload.result.ok).toBe(true);
  });

  test("usage under the budget lets the run go on", async () => {
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: budgetConfig({ max_total_tokens: 100 }),
      tools: [echoTool()],
      script: [{ events: [toolCalls(echoCall("c1")), usage(8, 4), done("tool_calls")] }, { events: [text("done"), usage(20, 5), done()] }],
    });
    const result = await agent.run("token frugal");
    expect(result.status).toBe("completed");
    expect(result.usage).toEqual({ input_tokens: 28, output_tokens: 9, total_tokens: 37 });
  });
});

describe("max_wall_time_sec", () => {
  test("interrupts a blocking LLM stream with budget exceeded: max_wall_time_sec=1", async () => {
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: budgetConfig({ max_wall_time_sec: 1 }),
      script: [{ events: [text("thinking"), wait(20_000), text("never"), done()] }],
    });
    const started = performance.now();
    const result = await agent.run("slow model");
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result).toMatchObject({ status: "failed", errorKind: "budget_exceeded", finalOutput: "budget exceeded: max_wall_time_sec=1" });
    const events = readWal(result.walLocator);
    expect(typesOf(events)).toEqual(["run_started", "llm_request_started", "llm_response_delta", "run_failed"]);
    expect(one(events, "run_failed").payload).toMatchObject({ error_kind: "budget_exceeded", message: "budget exceeded: max_wall_time_sec=1" });
  });

  test("is checked before the next turn when a tool used up the time", async () => {
    const slow = { ...echoTool(), name: "slow", handler: async () => (await Bun.sleep(1_100), "slept") };
    const { agent, backend } = makeAgent({
      workspaceRoot: workspace(),
      config: budgetConfig({ max_wall_time_sec: 1 }),
      tools: [slow],
      script: [replyTools([{ id: "c1", name: "slow", args: { text: "z" } }]), replyText("never")],
    });
    const result = await agent.run("slow tool");
    expect(result.finalOutput).toBe("budget exceeded: max_wall_time_sec=1");
    expect(backend.requests).toHaveLength(1);
    const events = readWal(result.walLocator);
    expect(one(events, "tool_call_finished").payload.result).toMatchObject({ ok: true, stdout: "slept" });
    expect(typesOf(events).at(-1)).toBe("run_failed");
  });
});
