import { describe, expect, test } from "bun:test";
import { RuntimeError } from "../util/errors.ts";
import { ApprovalGate, DEFAULT_APPROVAL_TIMEOUT_MS, type ApprovalGateOptions } from "./approval-gate.ts";
import { computeApprovalKey } from "./approval-key.ts";
import { CallbackApprovalProvider, type ApprovalDecision, type ApprovalRequestOptions } from "./approvals.ts";

const REQ = { argv: ["echo", "hi"], cwd: "/tmp" };
const KEY = computeApprovalKey("shell_exec", REQ);
const ask = { tool: "shell_exec", request: REQ };

function setup(answer?: (opts: ApprovalRequestOptions) => ApprovalDecision | Promise<ApprovalDecision>, over: Partial<ApprovalGateOptions> = {}) {
  const events: [string, Record<string, unknown>][] = [];
  const calls: ApprovalRequestOptions[] = [];
  const provider = answer
    ? new CallbackApprovalProvider((_req, opts) => {
        calls.push(opts);
        events.push(["provider", {}]);
        return answer(opts);
      })
    : null;
  const gate = new ApprovalGate({ provider, emit: (type, payload) => void events.push([type, payload]), ...over });
  return { gate, events, calls, types: () => events.map(([t]) => t) };
}

describe("ApprovalGate: provider decisions", () => {
  test("emits requested, asks the provider, then emits decided", async () => {
    const { gate, events, types } = setup(() => "approved");
    const out = await gate.request(ask);
    expect(out).toMatchObject({ decision: "approved", reason: "provider", approvalKey: KEY, emitRequested: true, emitDecided: true, cancelled: false });
    expect(out.summary).toBe("授权：shell_exec 执行命令：echo hi");
    expect(types()).toEqual(["approval_requested", "provider", "approval_decided"]);
    expect(events[0]?.[1]).toEqual({ approval_key: KEY, tool: "shell_exec", summary: out.summary, request: REQ });
    expect(events[2]?.[1]).toEqual({ approval_key: KEY, decision: "approved", reason: "provider" });
  });

  test("answers a key approved for the session from the cache without approval_requested (spec 15 #30)", async () => {
    const { gate, types, calls } = setup(() => "approved_for_session");
    expect((await gate.request(ask)).decision).toBe("approved_for_session");
    const second = await gate.request(ask);
    expect(second).toMatchObject({ decision: "approved_for_session", reason: "cached", emitRequested: false });
    expect(types()).toEqual(["approval_requested", "provider", "approval_decided", "approval_decided"]);
    expect(calls.length).toBe(1);
  });

  test("shares the session cache passed in across gates (across runs)", async () => {
    const sessionCache = new Set<string>();
    await setup(() => "approved_for_session", { sessionCache }).gate.request(ask);
    const next = setup(() => "denied", { sessionCache });
    expect((await next.gate.request(ask)).reason).toBe("cached");
  });

  test("denies with no_provider when no provider is configured, after approval_requested", async () => {
    const { gate, types } = setup();
    expect(await gate.request(ask)).toMatchObject({ decision: "denied", reason: "no_provider", denialCount: 1, loopGuardTripped: false });
    expect(types()).toEqual(["approval_requested", "approval_decided"]);
  });

  test("passes abort decisions through", async () => {
    const { gate } = setup(() => "abort");
    expect(await gate.request(ask)).toMatchObject({ decision: "abort", reason: "provider", cancelled: false });
  });
});

describe("ApprovalGate: timeout, cancellation, failures", () => {
  test("denies with reason timeout and aborts the provider's signal", async () => {
    let signal: AbortSignal | undefined;
    const { gate, events } = setup((opts) => {
      signal = opts.signal;
      return new Promise(() => {});
    }, { timeoutMs: 20 });
    const out = await gate.request(ask);
    expect(out).toMatchObject({ decision: "denied", reason: "timeout", denialCount: 1 });
    expect(events.at(-1)?.[1]).toEqual({ approval_key: KEY, decision: "denied", reason: "timeout" });
    expect(signal?.aborted).toBe(true);
  });

  test("normalises an invalid timeout to 60000 and passes it to the provider", async () => {
    const { gate, calls } = setup(() => "approved", { timeoutMs: 0 });
    await gate.request(ask);
    expect(gate.timeoutMs).toBe(DEFAULT_APPROVAL_TIMEOUT_MS);
    expect(calls[0]?.timeoutMs).toBe(60000);
  });

  test("stops waiting when the run's signal aborts, without approval_decided", async () => {
    const controller = new AbortController();
    const { gate, types } = setup(() => new Promise(() => {}));
    setTimeout(() => controller.abort(), 10);
    const out = await gate.request(ask, { signal: controller.signal });
    expect(out).toMatchObject({ decision: "abort", cancelled: true, emitRequested: true, emitDecided: false });
    expect(types()).toEqual(["approval_requested", "provider"]);
  });

  test("propagates provider exceptions and rejects invalid decisions", async () => {
    const failing = setup(() => Promise.reject(new Error("hub down")));
    await expect(failing.gate.request(ask)).rejects.toThrow("hub down");
    const invalid = setup(() => "yes" as ApprovalDecision);
    await expect(invalid.gate.request(ask)).rejects.toBeInstanceOf(RuntimeError);
  });
});

describe("ApprovalGate: loop guard and restore", () => {
  test("trips after two denials of the same key, not of different keys", async () => {
    const { gate } = setup(() => "denied");
    expect((await gate.request(ask)).loopGuardTripped).toBe(false);
    expect((await gate.request({ tool: "shell_exec", request: { argv: ["ls"] } })).loopGuardTripped).toBe(false);
    expect(await gate.request(ask)).toMatchObject({ denialCount: 2, loopGuardTripped: true });
  });

  test("restores the cache and the counters from approval_decided events (replay resume)", async () => {
    const { gate, calls } = setup(() => "denied");
    gate.restoreFromEvents([
      { type: "approval_decided", payload: { approval_key: "other", decision: "approved_for_session", reason: "provider" } },
      { type: "approval_decided", payload: { approval_key: KEY, decision: "denied", reason: "provider" } },
      { type: "approval_requested", payload: { approval_key: "x" } },
      { type: "approval_decided", payload: "garbage" },
    ]);
    expect(gate.snapshot()).toEqual({ sessionKeys: ["other"], denialCounts: { [KEY]: 1 } });
    expect((await gate.request(ask)).loopGuardTripped).toBe(true);
    expect(calls.length).toBe(1);
  });

  test("seeds keys and counters explicitly", async () => {
    const { gate } = setup();
    gate.seedSessionApprovals([KEY]);
    gate.seedDenialCounts({ a: 1, b: 0 });
    gate.seedDenialCounts(new Map([["a", 2]]));
    expect(gate.snapshot()).toEqual({ sessionKeys: [KEY], denialCounts: { a: 3 } });
    expect((await gate.request(ask)).reason).toBe("cached");
  });
});
