/**
 * The engine's event stream against the fake LLM: exact type sequences, turn/step ids, `seq`
 * equal to the WAL line index, the history the model sees, runStream, hooks and redaction.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { AgentEvent } from "../../src/events/schema.ts";
import {
  customTool,
  done,
  echoCall,
  echoTool,
  makeAgent,
  messagesWith,
  one,
  only,
  readWal,
  replyText,
  replyTools,
  stepTypes,
  tempWorkspaces,
  text,
  toolCalls,
  toolMessages,
  typesOf,
  usage,
  wait,
} from "../support/engine.ts";

const workspace = tempWorkspaces();
const ALLOW = { safety: { mode: "allow" } };

describe("text-only run", () => {
  test("emits run_started, llm_request_started, one delta per text chunk, llm_usage, run_completed", async () => {
    const ws = workspace();
    const { agent } = makeAgent({
      workspaceRoot: ws,
      script: [{ events: [text("Hel"), text("lo"), usage(7, 3), done()] }],
    });
    const result = await agent.run("say hello", { runId: "run_text" });

    expect(result).toMatchObject({ status: "completed", finalOutput: "Hello", runId: "run_text", artifacts: [] });
    expect(result.usage).toEqual({ input_tokens: 7, output_tokens: 3, total_tokens: 10 });
    expect(result.walLocator).toBe(`${ws}/.skills_runtime_sdk/runs/run_text/events.jsonl`);

    const events = readWal(result.walLocator);
    expect(typesOf(events)).toEqual(["run_started", "llm_request_started", "llm_response_delta", "llm_response_delta", "llm_usage", "run_completed"]);
    expect(events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(events.every((e) => e.run_id === "run_text")).toBe(true);
    expect(events.every((e) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(e.timestamp))).toBe(true);

    const [started, request, delta1, delta2, llmUsage, completed] = events as [AgentEvent, ...AgentEvent[]];
    expect(started.turn_id).toBeUndefined();
    expect(started.payload).toMatchObject({ task: "say hello", workspace_root: ws, resume: { enabled: false, strategy: "summary", previous_events: 0 } });
    expect(request!.turn_id).toBe("turn_1");
    expect(request!.payload).toEqual({ model: "gpt-4", wire_api: "chat.completions", messages_count: 3, tools_count: 0 });
    expect([delta1!.payload, delta2!.payload]).toEqual([
      { delta_type: "text", text: "Hel" },
      { delta_type: "text", text: "lo" },
    ]);
    expect(delta1!.turn_id).toBe("turn_1");
    expect(llmUsage!.payload).toEqual({ model: "gpt-4", input_tokens: 7, output_tokens: 3, total_tokens: 10 });
    expect(completed!.turn_id).toBeUndefined();
    expect(completed!.payload).toEqual({ final_output: "Hello", artifacts: [], wal_locator: result.walLocator, metadata: { notices: [] } });
  });

  test("sends the task once as the last user message and no tools when none are registered", async () => {
    const { agent, backend } = makeAgent({ workspaceRoot: workspace(), script: [replyText("ok")] });
    await agent.run("the task");
    expect(backend.requests).toHaveLength(1);
    const request = backend.requests[0]!;
    expect(request.messages.at(-1)).toEqual({ role: "user", content: "the task" });
    expect(messagesWith(request.messages, "user", "the task")).toHaveLength(1);
    expect(request.tools).toBeUndefined();
    expect(request.turnId).toBe("turn_1");
  });
});

describe("custom tool call under safety.mode allow", () => {
  test("runs the tool with requested -> started -> finished on one step, then a second turn", async () => {
    const ws = workspace();
    const echo = echoTool();
    const { agent, backend } = makeAgent({
      workspaceRoot: ws,
      config: ALLOW,
      tools: [echo],
      script: [replyTools([echoCall("c1")], "let me echo"), replyText("done")],
    });
    const result = await agent.run("echo hi", { runId: "run_tool" });
    expect(result.status).toBe("completed");
    expect(result.finalOutput).toBe("done");
    expect(echo.calls).toEqual([{ text: "hi" }]);
    expect(backend.remaining).toBe(0);

    const events = readWal(result.walLocator);
    expect(typesOf(events)).toEqual([
      "run_started",
      "llm_request_started",
      "llm_response_delta",
      "llm_response_delta",
      "tool_call_requested",
      "tool_call_started",
      "tool_call_finished",
      "llm_request_started",
      "llm_response_delta",
      "run_completed",
    ]);
    expect(events.map((e) => [e.turn_id ?? null, e.step_id ?? null])).toEqual([
      [null, null],
      ["turn_1", null],
      ["turn_1", null],
      ["turn_1", null],
      ["turn_1", "step_1"],
      ["turn_1", "step_1"],
      ["turn_1", "step_1"],
      ["turn_2", null],
      ["turn_2", null],
      [null, null],
    ]);
    expect(events[3]!.payload).toEqual({
      delta_type: "tool_calls",
      tool_calls: [{ call_id: "c1", tool: "echo", name: "echo", arguments: { text: "hi" } }],
    });
    expect(one(events, "tool_call_requested").payload).toEqual({ call_id: "c1", tool: "echo", name: "echo", arguments: { text: "hi" } });
    expect(one(events, "tool_call_started").payload).toEqual({ call_id: "c1", tool: "echo" });
    expect(one(events, "tool_call_finished").payload).toMatchObject({
      call_id: "c1",
      tool: "echo",
      result: { ok: true, stdout: "echo:hi", exit_code: 0, data: { result: "echo:hi" } },
    });
    expect(only(events, "llm_request_started").map((e) => e.payload.tools_count)).toEqual([1, 1]);
  });

  test("step ids increase across turns and calls of one batch", async () => {
    const echo = echoTool();
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: ALLOW,
      tools: [echo],
      script: [replyTools([echoCall("c1", "a"), echoCall("c2", "b")]), replyTools([echoCall("c3", "c")]), replyText("done")],
    });
    const result = await agent.run("three echoes");
    const events = readWal(result.walLocator);
    expect(only(events, "tool_call_finished").map((e) => [e.turn_id, e.step_id, e.payload.call_id])).toEqual([
      ["turn_1", "step_1", "c1"],
      ["turn_1", "step_2", "c2"],
      ["turn_2", "step_3", "c3"],
    ]);
    for (const step of ["step_1", "step_2", "step_3"]) {
      expect(stepTypes(events, step)).toEqual(["tool_call_requested", "tool_call_started", "tool_call_finished"]);
    }
    expect(echo.calls.map((c) => c.text)).toEqual(["a", "b", "c"]);
  });

  test("gates every call of a batch before running any, then runs them in call order", async () => {
    const echo = echoTool();
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: ALLOW,
      tools: [echo],
      script: [replyTools([echoCall("c1", "a"), echoCall("c2", "b")]), replyText("done")],
    });
    const result = await agent.run("batch");
    const toolEvents = readWal(result.walLocator).filter((e) => e.step_id !== undefined);
    expect(toolEvents.map((e) => [e.type, e.step_id])).toEqual([
      ["tool_call_requested", "step_1"],
      ["tool_call_requested", "step_2"],
      ["tool_call_started", "step_1"],
      ["tool_call_finished", "step_1"],
      ["tool_call_started", "step_2"],
      ["tool_call_finished", "step_2"],
    ]);
  });

  test("a failing tool becomes a result the model reads, and its sibling still runs", async () => {
    const boom = customTool("boom", () => {
      throw new Error("kaboom");
    });
    const echo = echoTool();
    const { agent, backend } = makeAgent({
      workspaceRoot: workspace(),
      config: ALLOW,
      tools: [boom, echo],
      script: [replyTools([{ id: "c1", name: "boom", args: {} }, echoCall("c2")]), replyText("recovered")],
    });
    const result = await agent.run("try both");
    expect(result.status).toBe("completed");
    const finished = only(readWal(result.walLocator), "tool_call_finished");
    expect(finished.map((e) => [e.payload.call_id, e.payload.result.ok, e.payload.result.error_kind ?? null])).toEqual([
      ["c1", false, "unknown"],
      ["c2", true, null],
    ]);
    expect(finished[0]!.payload.result.stderr).toBe("kaboom");
    expect(toolMessages(backend.requests[1]!.messages).map((m) => m.tool_call_id)).toEqual(["c1", "c2"]);
  });
});

describe("history the model sees (decisions item 5)", () => {
  test("keeps the assistant text that came with tool calls and sends the task exactly once", async () => {
    const { agent, backend } = makeAgent({
      workspaceRoot: workspace(),
      config: ALLOW,
      tools: [echoTool()],
      script: [replyTools([echoCall("c1")], "let me echo"), replyTools([echoCall("c2", "again")], "once more"), replyText("done")],
    });
    await agent.run("echo twice");
    expect(backend.requests).toHaveLength(3);

    const second = backend.requests[1]!.messages;
    expect(messagesWith(second, "user", "echo twice")).toHaveLength(1);
    const tail = second.slice(second.findIndex((m) => m.role === "user" && m.content === "echo twice"));
    expect(tail.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
    expect(tail[1]).toEqual({
      role: "assistant",
      content: "let me echo",
      tool_calls: [{ id: "c1", type: "function", function: { name: "echo", arguments: '{"text":"hi"}' } }],
    });
    expect(tail[2]).toMatchObject({ role: "tool", tool_call_id: "c1" });
    expect(JSON.parse((tail[2] as { content: string }).content)).toMatchObject({ ok: true, stdout: "echo:hi" });

    const third = backend.requests[2]!.messages;
    expect(messagesWith(third, "user", "echo twice")).toHaveLength(1);
    expect(third.filter((m) => m.role === "assistant").map((m) => m.content)).toEqual(["let me echo", "once more"]);
    expect(toolMessages(third).map((m) => m.tool_call_id)).toEqual(["c1", "c2"]);
  });

  test("an assistant tool-call message without text has content null", async () => {
    const { agent, backend } = makeAgent({
      workspaceRoot: workspace(),
      config: ALLOW,
      tools: [echoTool()],
      script: [replyTools([echoCall("c1")]), replyText("done")],
    });
    await agent.run("echo");
    const assistant = backend.requests[1]!.messages.filter((m) => m.role === "assistant");
    expect(assistant).toEqual([{ role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "echo", arguments: '{"text":"hi"}' } }] }]);
  });
});

describe("runStream", () => {
  test("yields exactly the events written to the WAL, in order, and resolves the result", async () => {
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: ALLOW,
      tools: [echoTool()],
      script: [replyTools([echoCall("c1")], "calling"), replyText("streamed")],
    });
    const stream = agent.runStream("stream it");
    const seen: AgentEvent[] = [];
    for await (const event of stream) seen.push(event);
    const result = await stream.result;
    expect(result.status).toBe("completed");
    expect(result.finalOutput).toBe("streamed");
    expect(seen.at(-1)!.type).toBe("run_completed");
    expect(seen).toEqual(readWal(result.walLocator));
  });

  test("re-raises the error that stops a run before it starts", async () => {
    const { agent } = makeAgent({ workspaceRoot: workspace(), script: [replyText("never")] });
    const stream = agent.runStream("   ");
    const seen: string[] = [];
    const consume = async () => {
      for await (const event of stream) seen.push(event.type);
    };
    await expect(consume()).rejects.toThrow("the task is empty");
    await expect(stream.result).rejects.toThrow("the task is empty");
    expect(seen).toEqual([]);
  });

  test("breaking out of the loop early cancels the run and the WAL ends with run_cancelled", async () => {
    const { agent, backend } = makeAgent({
      workspaceRoot: workspace(),
      script: [{ events: [text("first"), wait(20_000), text("never"), done()] }, replyText("unused")],
    });
    const stream = agent.runStream("slow");
    const started = performance.now();
    for await (const event of stream) {
      if (event.type === "llm_response_delta") break;
    }
    const result = await stream.result;
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result.status).toBe("cancelled");
    const events = readWal(result.walLocator);
    expect(typesOf(events)).toEqual(["run_started", "llm_request_started", "llm_response_delta", "run_cancelled"]);
    expect(one(events, "run_cancelled").payload).toEqual({ message: "cancelled by user", wal_locator: result.walLocator });
    expect(backend.remaining).toBe(1);
  });
});

describe("event hooks", () => {
  test("see every event in stream order, including tool side events between started and finished", async () => {
    const planTool = customTool("plan", async (_args, ctx) => {
      await ctx.emit("plan_updated", { call_id: ctx.callId, plan: [{ step: "one", status: "in_progress" }], explanation: "x" });
      return "planned";
    });
    const hookA: AgentEvent[] = [];
    const hookB: string[] = [];
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: ALLOW,
      tools: [planTool],
      eventHooks: [
        (e) => hookA.push(e),
        () => {
          throw new Error("a broken hook never breaks the run");
        },
        (e) => hookB.push(e.type),
      ],
      script: [replyTools([{ id: "p1", name: "plan", args: {} }]), replyText("done")],
    });
    const stream = agent.runStream("plan it");
    const streamed: AgentEvent[] = [];
    for await (const event of stream) streamed.push(event);
    const result = await stream.result;
    expect(result.status).toBe("completed");

    const wal = readWal(result.walLocator);
    expect(hookA).toEqual(streamed);
    expect(hookB).toEqual(typesOf(streamed));
    expect(streamed).toEqual(wal);
    expect(only(wal, "plan_updated")).toHaveLength(1);
    const step = wal.filter((e) => e.step_id === "step_1" || e.type === "plan_updated").map((e) => e.type);
    expect(step).toEqual(["tool_call_requested", "tool_call_started", "plan_updated", "tool_call_finished"]);
    const plan = one(wal, "plan_updated");
    expect(plan.turn_id).toBeUndefined();
    expect(plan.step_id).toBeUndefined();
    expect(plan.payload).toMatchObject({ call_id: "p1" });
  });
});

describe("secrets from envVars", () => {
  const SECRET = "s3cr3t-value-98765";

  test("are redacted from tool arguments and results in the WAL and in what the model reads back", async () => {
    const ws = workspace();
    const leak = customTool("leak", (args, ctx) => `the value is ${ctx.env.PROJECT_TOKEN} for ${String(args.who)}`);
    const { agent, backend } = makeAgent({
      workspaceRoot: ws,
      config: ALLOW,
      envVars: { PROJECT_TOKEN: SECRET },
      tools: [leak],
      script: [replyTools([{ id: "c1", name: "leak", args: { who: `me ${SECRET}` } }]), replyText("done")],
    });
    const result = await agent.run("leak it");
    expect(result.status).toBe("completed");

    const walText = readFileSync(result.walLocator, "utf8");
    expect(walText).not.toContain(SECRET);
    const events = readWal(result.walLocator);
    expect(one(events, "tool_call_requested").payload.arguments).toEqual({ who: "me <redacted>" });
    expect(only(events, "llm_response_delta").at(-2)!.payload).toMatchObject({
      delta_type: "tool_calls",
      tool_calls: [{ arguments: { who: "me <redacted>" } }],
    });
    expect(one(events, "tool_call_finished").payload.result.stdout).toBe("the value is <redacted> for me <redacted>");

    const toolMessage = toolMessages(backend.requests[1]!.messages)[0]!;
    expect(toolMessage.content).toContain("<redacted>");
    expect(toolMessage.content).not.toContain(SECRET);
  });

  test("tools receive the env store values themselves", async () => {
    let seen: string | undefined;
    const probe = customTool("probe", (_args, ctx) => {
      seen = ctx.env.PROJECT_TOKEN;
      return "ok";
    });
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: ALLOW,
      envVars: { PROJECT_TOKEN: SECRET },
      tools: [probe],
      script: [replyTools([{ id: "c1", name: "probe", args: {} }]), replyText("done")],
    });
    await agent.run("probe env");
    expect(seen).toBe(SECRET);
  });
});

describe("tool_calls spread over several stream parts", () => {
  test("accumulates every batch of a turn into one step sequence", async () => {
    const echo = echoTool();
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: ALLOW,
      tools: [echo],
      script: [{ events: [toolCalls(echoCall("c1", "x")), toolCalls(echoCall("c2", "y")), done("tool_calls")] }, replyText("done")],
    });
    const result = await agent.run("two batches");
    const events = readWal(result.walLocator);
    expect(only(events, "tool_call_started").map((e) => e.payload.call_id)).toEqual(["c1", "c2"]);
    expect(echo.calls.map((c) => c.text)).toEqual(["x", "y"]);
  });
});
