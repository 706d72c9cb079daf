/**
 * Approvals of a run (spec 12.4): the pending list (oldest first; an unknown run has none) and
 * the decision. A decision for an approval rebuilt after a server restart resumes its run here.
 */
import { Hono } from "hono";
import { z } from "zod";
import { PendingApproval } from "../approvals-hub.ts";
import { jsonBody, parseRequest } from "../errors.ts";
import { describeRoute } from "../openapi.ts";
import { runIdParam, type RunRoutesContext } from "./run-context.ts";

export const PendingApprovals = z.object({ run_id: z.string(), approvals: z.array(PendingApproval) });
/** `decision`: approved | approved_for_session (approved-session, approved_for_sess) | denied | abort; trimmed, any case. */
export const DecisionBody = z.object({ decision: z.string().max(100) });
export const DecisionResult = z.object({ ok: z.literal(true) });

const tags = ["approvals"];

export function approvalRoutes(ctx: RunRoutesContext): Hono {
  const app = new Hono();

  describeRoute({
    method: "get",
    path: "/api/v1/runs/:run_id/approvals/pending",
    summary: "Approvals the run waits for, oldest first",
    responses: { 200: PendingApprovals },
    errors: [400],
    tags,
  });
  app.get("/api/v1/runs/:run_id/approvals/pending", (c) => {
    const runId = runIdParam(c, ctx);
    return c.json({ run_id: runId, approvals: ctx.approvals.listPending(runId) });
  });

  describeRoute({
    method: "post",
    path: "/api/v1/runs/:run_id/approvals/:approval_key",
    summary: "Decide a pending approval",
    body: DecisionBody,
    responses: { 200: DecisionResult },
    errors: [400, 404, 409, 422],
    tags,
  });
  app.post("/api/v1/runs/:run_id/approvals/:approval_key", async (c) => {
    const runId = runIdParam(c, ctx);
    const body = parseRequest(DecisionBody, await jsonBody(c));
    await ctx.approvals.decide(runId, c.req.param("approval_key"), body.decision);
    return c.json({ ok: true as const });
  });

  return app;
}
