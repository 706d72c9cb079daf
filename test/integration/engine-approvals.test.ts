/**
 * The tool-call gate in the engine (spec 3.3 sequence, 4.6, 5.4): approvals, the session cache,
 * denials and the loop guard, the missing provider, tool_denylist and invalid arguments.
 */
import { describe, expect, test } from "bun:test";
import { computeApprovalKey } from "../../src/safety/approval-key.ts";
import { CallbackApprovalProvider, RuleBasedApprovalProvider, type ApprovalDecision, type ApprovalRequest } from "../../src/safety/approvals.ts";
import { sha256Hex } from "../../src/util/canonical-json.ts";
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
  stepTypes,
  tempWorkspaces,
  toolMessages,
  typesOf,
} from "../support/engine.ts";

const workspace = tempWorkspaces();
const ASK = { safety: { mode: "ask" } };

function recordingProvider(decide: (request: ApprovalRequest, index: number) => ApprovalDecision) {
  const requests: ApprovalRequest[] = [];
  const provider = new CallbackApprovalProvider((request) => {
    requests.push(request);
    return decide(request, requests.length - 1);
  });
  return { provider, requests };
}

describe("approval path (mode ask, provider approves)", () => {
  test("emits requested -> approval_requested -> approval_decided{provider} -> started -> finished on one step", async () => {
    const echo = echoTool();
    const { provider, requests } = recordingProvider(() => "approved");
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: ASK,
      tools: [echo],
      approvalProvider: provider,
      script: [replyTools([echoCall("c1")]), replyText("done")],
    });
    const result = await agent.run("echo with approval");
    expect(result.status).toBe("completed");
    expect(echo.calls).toHaveLength(1);

    const events = readWal(result.walLocator);
    expect(stepTypes(events, "step_1")).toEqual(["tool_call_requested", "approval_requested", "approval_decided", "tool_call_started", "tool_call_finished"]);
    expect(events.filter((e) => e.step_id === "step_1").every((e) => e.turn_id === "turn_1")).toBe(true);

    const key = computeApprovalKey("echo", { text: "hi" });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(one(events, "approval_requested").payload).toEqual({ approval_key: key, tool: "echo", summary: "授权：echo 执行命令：<unknown>", request: { text: "hi" } });
    expect(one(events, "approval_decided").payload).toEqual({ approval_key: key, decision: "approved", reason: "provider" });
    expect(requests).toEqual([{ approval_key: key, tool: "echo", summary: "授权：echo 执行命令：<unknown>", details: { text: "hi" } }]);
  });

  test("approved_for_session answers the second identical call from the cache without asking again", async () => {
    const echo = echoTool();
    const { provider, requests } = recordingProvider(() => "approved_for_session");
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: ASK,
      tools: [echo],
      approvalProvider: provider,
      script: [replyTools([echoCall("c1")]), replyTools([echoCall("c2")]), replyText("done")],
    });
    const result = await agent.run("echo twice");
    expect(result.status).toBe("completed");
    expect(requests).toHaveLength(1);
    expect(echo.calls).toHaveLength(2);

    const events = readWal(result.walLocator);
    expect(stepTypes(events, "step_1")).toEqual(["tool_call_requested", "approval_requested", "approval_decided", "tool_call_started", "tool_call_finished"]);
    expect(stepTypes(events, "step_2")).toEqual(["tool_call_requested", "approval_decided", "tool_call_started", "tool_call_finished"]);
    expect(only(events, "approval_requested")).toHaveLength(1);
    const decided = only(events, "approval_decided");
    expect(decided.map((e) => [e.step_id, e.payload.decision, e.payload.reason])).toEqual([
      ["step_1", "approved_for_session", "provider"],
      ["step_2", "approved_for_session", "cached"],
    ]);
    expect(decided[0]!.payload.approval_key).toBe(decided[1]!.payload.approval_key);
  });

  test("the session cache outlives the run: a later run of the same Agent is not asked again", async () => {
    const { provider, requests } = recordingProvider(() => "approved_for_session");
    const ws = workspace();
    const { agent } = makeAgent({
      workspaceRoot: ws,
      config: ASK,
      tools: [echoTool()],
      approvalProvider: provider,
      script: [replyTools([echoCall("c1")]), replyText("one"), replyTools([echoCall("c2")]), replyText("two")],
    });
    await agent.run("first", { runId: "run_a" });
    const second = await agent.run("second", { runId: "run_b" });
    expect(second.status).toBe("completed");
    expect(requests).toHaveLength(1);
    const decided = one(readWal(second.walLocator), "approval_decided");
    expect(decided.payload).toMatchObject({ decision: "approved_for_session", reason: "cached" });
  });

  test("a different argument is a different key and is asked again", async () => {
    const { provider, requests } = recordingProvider(() => "approved_for_session");
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: ASK,
      tools: [echoTool()],
      approvalProvider: provider,
      script: [replyTools([echoCall("c1", "a")]), replyTools([echoCall("c2", "b")]), replyText("done")],
    });
    const result = await agent.run("echo a then b");
    expect(requests.map((r) => r.details)).toEqual([{ text: "a" }, { text: "b" }]);
    expect(only(readWal(result.walLocator), "approval_requested")).toHaveLength(2);
  });
});

describe("denial", () => {
  test("a denied call gets a permission result without tool_call_started, the run goes on and the model sees it", async () => {
    const echo = echoTool();
    const { provider } = recordingProvider(() => "denied");
    const { agent, backend } = makeAgent({
      workspaceRoot: workspace(),
      config: ASK,
      tools: [echo],
      approvalProvider: provider,
      script: [replyTools([echoCall("c1")]), replyText("I will not echo then")],
    });
    const result = await agent.run("echo please");
    expect(result.status).toBe("completed");
    expect(result.finalOutput).toBe("I will not echo then");
    expect(echo.calls).toHaveLength(0);

    const events = readWal(result.walLocator);
    expect(stepTypes(events, "step_1")).toEqual(["tool_call_requested", "approval_requested", "approval_decided", "tool_call_finished"]);
    expect(one(events, "approval_decided").payload).toMatchObject({ decision: "denied", reason: "provider" });
    expect(one(events, "tool_call_finished").payload.result).toMatchObject({ ok: false, error_kind: "permission", stderr: "approval denied", data: { tool: "echo" } });
    expect(typesOf(events).at(-1)).toBe("run_completed");

    const toolMessage = toolMessages(backend.requests[1]!.messages)[0]!;
    expect(toolMessage.tool_call_id).toBe("c1");
    expect(JSON.parse(toolMessage.content as string)).toMatchObject({ ok: false, error_kind: "permission", stderr: "approval denied" });
  });

  test("the same key denied twice ends the run with approval_denied (loop guard)", async () => {
    const echo = echoTool();
    const { provider, requests } = recordingProvider(() => "denied");
    const { agent, backend } = makeAgent({
      workspaceRoot: workspace(),
      config: ASK,
      tools: [echo],
      approvalProvider: provider,
      script: [replyTools([echoCall("c1")]), replyTools([echoCall("c2")]), replyText("never reached")],
    });
    const result = await agent.run("keep trying");
    expect(result.status).toBe("failed");
    expect(result.errorKind).toBe("approval_denied");
    expect(requests).toHaveLength(2);
    expect(backend.remaining).toBe(1);
    expect(echo.calls).toHaveLength(0);

    const events = readWal(result.walLocator);
    expect(stepTypes(events, "step_2")).toEqual(["tool_call_requested", "approval_requested", "approval_decided", "tool_call_finished"]);
    expect(typesOf(events).at(-1)).toBe("run_failed");
    const failed = one(events, "run_failed");
    const key = computeApprovalKey("echo", { text: "hi" });
    expect(failed.payload).toMatchObject({
      error_kind: "approval_denied",
      retryable: false,
      wal_locator: result.walLocator,
      details: { tool: "echo", approval_key: key, reason: "provider" },
    });
    expect(failed.payload.message).toContain("denied repeatedly");
  });

  test("denials of different keys do not trip the loop guard", async () => {
    const { provider } = recordingProvider(() => "denied");
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: ASK,
      tools: [echoTool()],
      approvalProvider: provider,
      script: [replyTools([echoCall("c1", "a")]), replyTools([echoCall("c2", "b")]), replyText("gave up")],
    });
    const result = await agent.run("try two things");
    expect(result.status).toBe("completed");
    expect(only(readWal(result.walLocator), "tool_call_finished").map((e) => e.payload.result.error_kind)).toEqual(["permission", "permission"]);
  });

  test("RuleBasedApprovalProvider with no rules denies (fail closed)", async () => {
    const echo = echoTool();
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: ASK,
      tools: [echo],
      approvalProvider: new RuleBasedApprovalProvider({ rules: [] }),
      script: [replyTools([echoCall("c1")]), replyText("ok")],
    });
    const result = await agent.run("echo");
    expect(echo.calls).toHaveLength(0);
    expect(one(readWal(result.walLocator), "approval_decided").payload).toMatchObject({ decision: "denied", reason: "provider" });
  });
});

describe("provider problems", () => {
  test("a provider that does not answer within approval_timeout_ms counts as denied with reason timeout", async () => {
    const echo = echoTool();
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: { safety: { mode: "ask", approval_timeout_ms: 50 } },
      tools: [echo],
      approvalProvider: new CallbackApprovalProvider(() => new Promise(() => {})),
      script: [replyTools([echoCall("c1")]), replyText("no answer, moving on")],
    });
    const result = await agent.run("echo");
    expect(result.status).toBe("completed");
    expect(echo.calls).toHaveLength(0);
    const events = readWal(result.walLocator);
    expect(one(events, "approval_decided").payload).toMatchObject({ decision: "denied", reason: "timeout" });
    expect(one(events, "tool_call_finished").payload.result).toMatchObject({ error_kind: "permission", stderr: "approval denied" });
  });

  test("a provider that throws fails the run as unknown", async () => {
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: ASK,
      tools: [echoTool()],
      approvalProvider: new CallbackApprovalProvider(() => {
        throw new Error("provider broke");
      }),
      script: [replyTools([echoCall("c1")]), replyText("never")],
    });
    const result = await agent.run("echo");
    const events = readWal(result.walLocator);
    expect(typesOf(events).slice(-3)).toEqual(["tool_call_requested", "approval_requested", "run_failed"]);
    expect(one(events, "run_failed").payload).toMatchObject({ error_kind: "unknown", message: "provider broke" });
  });
});

describe("tool messages of a batch", () => {
  test("follow call order even when a later call was denied before the earlier one ran", async () => {
    const echo = echoTool();
    const { agent, backend } = makeAgent({
      workspaceRoot: workspace(),
      config: { safety: { mode: "allow", tool_denylist: ["nope"] } },
      tools: [echo, { ...echoTool(), name: "nope" }],
      script: [replyTools([echoCall("c1"), { id: "c2", name: "nope", args: { text: "x" } }]), replyText("done")],
    });
    const result = await agent.run("allowed then denied");
    const finished = only(readWal(result.walLocator), "tool_call_finished").map((e) => e.payload.call_id);
    expect(finished).toEqual(["c2", "c1"]); // the denial is decided in the gating phase, before execution
    expect(toolMessages(backend.requests[1]!.messages).map((m) => m.tool_call_id)).toEqual(["c1", "c2"]);
  });
});

describe("no approval provider in ask mode", () => {
  test("fails fast with config_error after approval_decided{no_provider}, without a second LLM call", async () => {
    const echo = echoTool();
    const { agent, backend } = makeAgent({
      workspaceRoot: workspace(),
      config: ASK,
      tools: [echo],
      script: [replyTools([echoCall("c1")]), replyText("never reached")],
    });
    const result = await agent.run("echo");
    expect(result.status).toBe("failed");
    expect(result.errorKind).toBe("config_error");
    expect(backend.remaining).toBe(1);
    expect(echo.calls).toHaveLength(0);

    const events = readWal(result.walLocator);
    expect(stepTypes(events, "step_1")).toEqual(["tool_call_requested", "approval_requested", "approval_decided", "tool_call_finished"]);
    expect(one(events, "approval_decided").payload).toMatchObject({ decision: "denied", reason: "no_provider" });
    expect(typesOf(events).at(-1)).toBe("run_failed");
    expect(one(events, "run_failed").payload).toMatchObject({
      error_kind: "config_error",
      message: "ApprovalProvider is required for tool 'echo' but none is configured.",
      retryable: false,
      details: { tool: "echo", reason: "no_provider" },
    });
  });

  test("tool_allowlist lets the tool run without a provider", async () => {
    const echo = echoTool();
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: { safety: { mode: "ask", tool_allowlist: ["echo"] } },
      tools: [echo],
      script: [replyTools([echoCall("c1")]), replyText("done")],
    });
    const result = await agent.run("echo");
    expect(result.status).toBe("completed");
    expect(echo.calls).toHaveLength(1);
    expect(stepTypes(readWal(result.walLocator), "step_1")).toEqual(["tool_call_requested", "tool_call_started", "tool_call_finished"]);
  });
});

describe("policy deny", () => {
  test("tool_denylist gives a permission result without approval or tool_call_started, even in mode allow", async () => {
    const echo = echoTool();
    const { provider, requests } = recordingProvider(() => "approved");
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: { safety: { mode: "allow", tool_denylist: ["echo"] } },
      tools: [echo],
      approvalProvider: provider,
      script: [replyTools([echoCall("c1")]), replyText("ok, not echoing")],
    });
    const result = await agent.run("echo");
    expect(result.status).toBe("completed");
    expect(echo.calls).toHaveLength(0);
    expect(requests).toHaveLength(0);

    const events = readWal(result.walLocator);
    expect(stepTypes(events, "step_1")).toEqual(["tool_call_requested", "tool_call_finished"]);
    expect(one(events, "tool_call_finished").payload.result).toMatchObject({ ok: false, error_kind: "permission", data: { tool: "echo", reason: "tool_denylist" } });
  });

  test("a tool name that is not registered is denied with descriptor=deny and the run continues", async () => {
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: { safety: { mode: "allow" } },
      script: [replyTools([{ id: "c1", name: "no_such_tool", args: { x: 1 } }]), replyText("fine")],
    });
    const result = await agent.run("call a ghost");
    expect(result.status).toBe("completed");
    const events = readWal(result.walLocator);
    expect(stepTypes(events, "step_1")).toEqual(["tool_call_requested", "tool_call_finished"]);
    expect(one(events, "tool_call_finished").payload.result).toMatchObject({ error_kind: "permission", data: { reason: "descriptor=deny" } });
  });
});

describe("invalid tool arguments", () => {
  test("marks tool_call_requested arguments_valid false, finishes with validation and never starts the tool", async () => {
    const echo = echoTool();
    const raw = '{"text":';
    const { agent, backend } = makeAgent({
      workspaceRoot: workspace(),
      config: { safety: { mode: "allow" } },
      tools: [echo],
      script: [replyTools([{ id: "c1", name: "echo", args: raw }]), replyText("sorry")],
    });
    const result = await agent.run("broken json");
    expect(result.status).toBe("completed");
    expect(echo.calls).toHaveLength(0);

    const events = readWal(result.walLocator);
    expect(stepTypes(events, "step_1")).toEqual(["tool_call_requested", "tool_call_finished"]);
    const requested = one(events, "tool_call_requested").payload;
    expect(requested).toMatchObject({
      call_id: "c1",
      tool: "echo",
      name: "echo",
      arguments_valid: false,
      raw_arguments_len: raw.length,
      raw_arguments_sha256: sha256Hex(raw),
    });
    expect(typeof requested.raw_arguments_error).toBe("string");
    expect(one(events, "tool_call_finished").payload.result).toMatchObject({ ok: false, error_kind: "validation" });
    expect(toolMessages(backend.requests[1]!.messages).map((m) => m.tool_call_id)).toEqual(["c1"]);
  });

  test("a JSON array is not an arguments object", async () => {
    const echo = echoTool();
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: { safety: { mode: "allow" } },
      tools: [echo],
      script: [replyTools([{ id: "c1", name: "echo", args: "[1,2]" }]), replyText("sorry")],
    });
    const result = await agent.run("array args");
    const events = readWal(result.walLocator);
    expect(one(events, "tool_call_requested").payload).toMatchObject({ arguments_valid: false });
    expect(only(events, "tool_call_started")).toHaveLength(0);
  });

  test("arguments that fail the tool's schema finish with validation after the tool is started", async () => {
    const echo = echoTool();
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config: { safety: { mode: "allow" } },
      tools: [echo],
      script: [replyTools([{ id: "c1", name: "echo", args: { text: 42 } }]), replyText("sorry")],
    });
    const result = await agent.run("wrong type");
    expect(echo.calls).toHaveLength(0);
    const events = readWal(result.walLocator);
    expect(stepTypes(events, "step_1")).toEqual(["tool_call_requested", "tool_call_started", "tool_call_finished"]);
    expect(one(events, "tool_call_finished").payload.result).toMatchObject({ ok: false, error_kind: "validation" });
    expect(one(events, "tool_call_finished").payload.result.stderr).toContain("text");
  });
});

describe("custom tools with a declared safety descriptor", () => {
  const runTool = (name: string) =>
    customTool(name, (args) => {
      ran.push(name);
      return `ran ${JSON.stringify(args)}`;
    });
  let ran: string[] = [];

  async function callOnce(tool: ReturnType<typeof customTool>, config: Record<string, unknown>, args: Record<string, unknown> = {}) {
    ran = [];
    const { provider, requests } = recordingProvider(() => "approved");
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      config,
      tools: [tool],
      approvalProvider: provider,
      script: [replyTools([{ id: "c1", name: tool.name, args }]), replyText("done")],
    });
    const result = await agent.run("use the tool");
    return { events: readWal(result.walLocator), requests };
  }

  test("category shell: the command policy decides on argv (denylist hit -> denied, never run)", async () => {
    const tool = { ...runTool("deploy"), safety: { category: "shell" as const, argv: (a: Record<string, unknown>) => ["rm", "-rf", String(a.target)] } };
    const { events, requests } = await callOnce(tool, { safety: { mode: "ask", denylist: ["rm -rf /"] } }, { target: "/" });
    expect(ran).toEqual([]);
    expect(requests).toHaveLength(0);
    expect(one(events, "tool_call_finished").payload.result).toMatchObject({ ok: false, error_kind: "permission", data: { reason: "rm -rf /" } });
    expect(one(events, "tool_call_requested").payload.arguments).toMatchObject({ target: "/", argv: ["rm", "-rf", "/"], risk: { risk_level: "high" } });
  });

  test("category shell: an allowlisted command runs without approval", async () => {
    const tool = { ...runTool("lint"), safety: { category: "shell" as const, argv: () => ["eslint", "."] } };
    const { requests } = await callOnce(tool, { safety: { mode: "ask", allowlist: ["eslint"] } });
    expect(requests).toHaveLength(0);
    expect(ran).toEqual(["lint"]);
  });

  test("category none is never gated, even in mode deny; category file asks in mode ask", async () => {
    await callOnce({ ...runTool("peek"), safety: { category: "none" as const } }, { safety: { mode: "deny" } });
    expect(ran).toEqual(["peek"]);
    const { requests } = await callOnce({ ...runTool("save"), safety: { category: "file" as const, sanitize: () => ({ what: "save" }) } }, { safety: { mode: "ask" } });
    expect(requests.map((r) => r.details)).toEqual([{ what: "save" }]);
    expect(ran).toEqual(["save"]);
  });
});
