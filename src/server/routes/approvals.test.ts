import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type RunsServer, runsServers, until } from "../../../test/support/serve-runs.ts";

const server = runsServers({ config: { safety: { mode: "ask", approval_timeout_ms: 60_000 } } });

/** Start the Studio fake run (file_write asks under safety.mode ask) and wait for its approval. */
async function waitingRun(s: RunsServer) {
  const sessionId = await s.session();
  const runId = (await s.call("POST", `/api/v1/sessions/${sessionId}/runs`, { message: "write it" })).json.run_id as string;
  const pending = await until(
    async () => (await s.call("GET", `/api/v1/runs/${runId}/approvals/pending`)).json,
    (body) => body.approvals.length === 1,
    10_000,
    "a pending approval",
  );
  return { runId, key: pending.approvals[0].approval_key as string, pending };
}

describe("GET /api/v1/runs/:run_id/approvals/pending", () => {
  test("lists the waiting approval with the reference's fields; the run shows waiting_approval", async () => {
    const s = await server();
    const { runId, pending } = await waitingRun(s);
    expect(pending).toEqual({
      run_id: runId,
      approvals: [
        {
          run_id: runId,
          approval_key: expect.stringMatching(/^[0-9a-f]{64}$/),
          tool: "file_write",
          summary: expect.stringContaining("file_write"),
          request: expect.objectContaining({ path: "studio_fake_llm_output.txt" }),
          age_ms: expect.any(Number),
        },
      ],
    });
    expect(Number.isInteger(pending.approvals[0].age_ms)).toBe(true);
    const detail = (await s.call("GET", `/api/v1/runs/${runId}`)).json;
    expect(detail.status).toBe("waiting_approval");
    expect(detail.pending_approvals).toHaveLength(1);
  });

  test("an unknown run has an empty list; a traversal id is 400", async () => {
    const s = await server();
    expect((await s.call("GET", `/api/v1/runs/run_${"6".repeat(32)}/approvals/pending`)).json).toEqual({ run_id: `run_${"6".repeat(32)}`, approvals: [] });
    expect((await s.call("GET", "/api/v1/runs/..%2Fx/approvals/pending")).status).toBe(400);
  });
});

describe("POST /api/v1/runs/:run_id/approvals/:approval_key", () => {
  test("approved (any case, trimmed) lets the tool run and the run completes", async () => {
    const s = await server();
    const { runId, key } = await waitingRun(s);
    const res = await s.call("POST", `/api/v1/runs/${runId}/approvals/${key}`, { decision: "  Approved " });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true });
    await s.runs.waitForRun(runId);
    const events = s.wal(runId);
    expect(events.find((e) => e.type === "approval_decided")!.payload).toEqual({ approval_key: key, decision: "approved", reason: "provider" });
    expect(events.at(-1)!.type).toBe("run_completed");
    expect(existsSync(join(s.workspaceRoot, "studio_fake_llm_output.txt"))).toBe(true);
    expect((await s.call("GET", `/api/v1/runs/${runId}/approvals/pending`)).json.approvals).toEqual([]);
  });

  test("approved-session is an alias of approved_for_session", async () => {
    const s = await server();
    const { runId, key } = await waitingRun(s);
    await s.call("POST", `/api/v1/runs/${runId}/approvals/${key}`, { decision: "approved-session" });
    await s.runs.waitForRun(runId);
    expect(s.wal(runId).find((e) => e.type === "approval_decided")!.payload).toMatchObject({ decision: "approved_for_session" });
  });

  test("denied: the tool does not run, the model sees the denial and the run goes on", async () => {
    const s = await server();
    const { runId, key } = await waitingRun(s);
    expect((await s.call("POST", `/api/v1/runs/${runId}/approvals/${key}`, { decision: "denied" })).status).toBe(200);
    await s.runs.waitForRun(runId);
    const events = s.wal(runId);
    expect(events.find((e) => e.type === "tool_call_finished")!.payload.result).toMatchObject({ ok: false, error_kind: "permission" });
    expect(events.some((e) => e.type === "tool_call_started")).toBe(false);
    expect(events.at(-1)!.type).toBe("run_completed");
    expect(existsSync(join(s.workspaceRoot, "studio_fake_llm_output.txt"))).toBe(false);
  });

  test("abort cancels the run", async () => {
    const s = await server();
    const { runId, key } = await waitingRun(s);
    await s.call("POST", `/api/v1/runs/${runId}/approvals/${key}`, { decision: "ABORT" });
    await s.runs.waitForRun(runId);
    expect(s.wal(runId).at(-1)!.type).toBe("run_cancelled");
    expect((await s.call("GET", `/api/v1/runs/${runId}`)).json.status).toBe("cancelled");
  });

  test("an invalid decision is 400 kind validation and the approval stays pending", async () => {
    const s = await server();
    const { runId, key } = await waitingRun(s);
    const res = await s.call("POST", `/api/v1/runs/${runId}/approvals/${key}`, { decision: "maybe" });
    expect(res.status).toBe(400);
    expect(res.json.detail).toMatchObject({ kind: "validation", message: "invalid decision" });
    expect((await s.call("GET", `/api/v1/runs/${runId}/approvals/pending`)).json.approvals).toHaveLength(1);
  });

  test("no pending approval is 404 not_found, checked before the decision's validity", async () => {
    const s = await server();
    const { runId } = await waitingRun(s);
    const res = await s.call("POST", `/api/v1/runs/${runId}/approvals/${"f".repeat(64)}`, { decision: "maybe" });
    expect(res.status).toBe(404);
    expect(res.json.detail).toMatchObject({ kind: "not_found", message: "approval not found" });
  });

  test("a body without a decision string is 422", async () => {
    const s = await server();
    const { runId, key } = await waitingRun(s);
    expect((await s.call("POST", `/api/v1/runs/${runId}/approvals/${key}`, {})).status).toBe(422);
    expect((await s.call("POST", `/api/v1/runs/${runId}/approvals/${key}`, "not json")).status).toBe(422);
  });
});
