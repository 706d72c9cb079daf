import { describe, expect, test } from "bun:test";
import type { ApprovalRequest } from "../safety/approvals.ts";
import { ApprovalsHub, parseDecision } from "./approvals-hub.ts";
import { HttpError } from "./errors.ts";
import type { WalPendingApproval } from "./run-summary.ts";

const request = (key: string, tool = "shell_exec"): ApprovalRequest => ({ approval_key: key, tool, summary: `授权：${tool} 执行命令：ls`, details: { argv: ["ls"] } });
const LONG = { timeoutMs: 60_000 };

function dormant(runId: string, key: string, at = "2026-01-02T03:04:05.123456Z"): WalPendingApproval {
  return { run_id: runId, approval_key: key, tool: "file_write", summary: "s", request: { path: "a" }, requested_at: at, seq: 4, call_id: "call_1", step_id: "step_1" };
}

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    return error as HttpError;
  }
  throw new Error("expected a rejection");
}

describe("parseDecision", () => {
  test("accepts the four decisions and the aliases, trimmed and in any case", () => {
    expect(parseDecision(" APPROVED ")).toBe("approved");
    expect(parseDecision("approved_for_session")).toBe("approved_for_session");
    expect(parseDecision("Approved-Session")).toBe("approved_for_session");
    expect(parseDecision("approved_for_sess")).toBe("approved_for_session");
    expect(parseDecision("denied")).toBe("denied");
    expect(parseDecision("abort")).toBe("abort");
    expect(parseDecision("deny")).toBeNull();
    expect(parseDecision(3)).toBeNull();
  });
});

describe("ApprovalsHub", () => {
  test("a provider call waits until decide and gets the decision; the entry is then gone", async () => {
    const hub = new ApprovalsHub();
    const answer = hub.providerFor("run_a").requestApproval(request("k1"), LONG);
    expect(hub.listPending("run_a").map((p) => p.approval_key)).toEqual(["k1"]);
    expect(await hub.decide("run_a", "k1", "approved")).toBe("approved");
    expect(await answer).toBe("approved");
    expect(hub.listPending("run_a")).toEqual([]);
  });

  test("two requests for the same key share one entry and both get the decision", async () => {
    const hub = new ApprovalsHub();
    const provider = hub.providerFor("run_a");
    const first = provider.requestApproval(request("k1"), LONG);
    const second = provider.requestApproval(request("k1"), LONG);
    expect(hub.listPending("run_a")).toHaveLength(1);
    await hub.decide("run_a", "k1", "denied");
    expect(await Promise.all([first, second])).toEqual(["denied", "denied"]);
  });

  test("lists oldest first with integer age_ms and the reference's fields", async () => {
    let now = 1_000;
    const hub = new ApprovalsHub({ now: () => now });
    const provider = hub.providerFor("run_a");
    void provider.requestApproval(request("k2"), LONG);
    now = 1_500.7;
    void provider.requestApproval(request("k1", "file_write"), LONG);
    now = 2_000.9;
    expect(hub.listPending("run_a")).toEqual([
      { run_id: "run_a", approval_key: "k2", tool: "shell_exec", summary: "授权：shell_exec 执行命令：ls", request: { argv: ["ls"] }, age_ms: 1000 },
      { run_id: "run_a", approval_key: "k1", tool: "file_write", summary: "授权：file_write 执行命令：ls", request: { argv: ["ls"] }, age_ms: 500 },
    ]);
    expect(hub.listPending("run_other")).toEqual([]);
    for (const key of ["k1", "k2"]) await hub.decide("run_a", key, "abort");
  });

  test("the timeout removes the entry", async () => {
    const hub = new ApprovalsHub();
    const answer = hub.providerFor("run_a").requestApproval(request("k1"), { timeoutMs: 20 });
    expect(hub.hasPending("run_a")).toBe(true);
    expect(await answer).toBe("denied");
    expect(hub.hasPending("run_a")).toBe(false);
  });

  test("an aborted wait removes the entry", async () => {
    const hub = new ApprovalsHub();
    const controller = new AbortController();
    const answer = hub.providerFor("run_a").requestApproval(request("k1"), { timeoutMs: 60_000, signal: controller.signal });
    controller.abort();
    await answer;
    expect(hub.listPending("run_a")).toEqual([]);
  });

  test("no pending entry is 404 before the decision is checked; an invalid decision is 400 and the entry stays", async () => {
    const hub = new ApprovalsHub();
    const missing = await rejection(hub.decide("run_a", "nope", "garbage"));
    expect(missing).toMatchObject({ kind: "not_found", status: 404, message: "approval not found" });
    const answer = hub.providerFor("run_a").requestApproval(request("k1"), LONG);
    const invalid = await rejection(hub.decide("run_a", "k1", "yes please"));
    expect(invalid).toMatchObject({ kind: "validation", status: 400, message: "invalid decision" });
    expect(hub.listPending("run_a")).toHaveLength(1);
    await hub.decide("run_a", "k1", "approved_for_sess");
    expect(await answer).toBe("approved_for_session");
  });

  test("a dormant approval is listed with its WAL age and deciding it calls the handler", async () => {
    const hub = new ApprovalsHub({ now: () => Date.parse("2026-01-02T03:04:06.123Z") });
    const seen: [string, string][] = [];
    hub.setDormantHandler(async (approval, decision) => void seen.push([approval.approval_key, decision]));
    hub.addDormant(dormant("run_b", "k9"));
    expect(hub.listPending("run_b")).toEqual([{ run_id: "run_b", approval_key: "k9", tool: "file_write", summary: "s", request: { path: "a" }, age_ms: 1000 }]);
    expect(hub.hasDormant("run_b")).toBe(true);
    await hub.decide("run_b", "k9", "approved");
    expect(seen).toEqual([["k9", "approved"]]);
    expect(hub.listPending("run_b")).toEqual([]);
  });

  test("when the dormant handler fails the approval is pending again", async () => {
    const hub = new ApprovalsHub();
    hub.setDormantHandler(async () => {
      throw new HttpError("conflict", "busy");
    });
    hub.addDormant(dormant("run_b", "k9"));
    expect(await rejection(hub.decide("run_b", "k9", "denied"))).toMatchObject({ kind: "conflict" });
    expect(hub.listPending("run_b")).toHaveLength(1);
  });

  test("a pre-seeded decision answers the next request for that key at once, once", async () => {
    const hub = new ApprovalsHub();
    hub.preseed("run_c", "k1", "approved_for_session");
    const provider = hub.providerFor("run_c");
    expect(await provider.requestApproval(request("k1"), LONG)).toBe("approved_for_session");
    expect(hub.hasPending("run_c")).toBe(false);
    const later = provider.requestApproval(request("k1"), LONG);
    expect(hub.hasPending("run_c")).toBe(true);
    await hub.decide("run_c", "k1", "denied");
    expect(await later).toBe("denied");
  });

  test("a live request replaces a dormant entry of the same key", async () => {
    const hub = new ApprovalsHub();
    hub.addDormant(dormant("run_d", "k1"));
    const answer = hub.providerFor("run_d").requestApproval(request("k1"), LONG);
    expect(hub.hasDormant("run_d")).toBe(false);
    await hub.decide("run_d", "k1", "approved");
    expect(await answer).toBe("approved");
  });
});
