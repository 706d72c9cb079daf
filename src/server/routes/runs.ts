/**
 * Runs (spec 12.4 / 12.5 plus what the Studio needs): create a run in a session, list a
 * session's runs, read one run, cancel it (decisions.md item 11), fork it and resume it.
 */
import { Hono } from "hono";
import { z } from "zod";
import { jsonBody, parseRequest } from "../errors.ts";
import { describeRoute } from "../openapi.ts";
import { RunDetail, RunList, RunStatusSchema } from "../run-views.ts";
import { runIdParam, type RunRoutesContext } from "./run-context.ts";

export const CreateRunBody = z.object({ message: z.string().min(1).max(1_000_000) });
export const CreatedRun = z.object({ run_id: z.string() });
export const CancelledRun = z.object({ ok: z.literal(true), status: RunStatusSchema });
export const ForkRunBody = z.object({
  /** Last event (seq) copied into the new run; default the source's last event. */
  from_seq: z.number().int().nonnegative().optional(),
  /** The new run's task; default the source's task at that point. */
  message: z.string().min(1).max(1_000_000).optional(),
});
export const ForkedRun = z.object({ run_id: z.string(), forked_from: z.string(), from_seq: z.number().int() });
export const ResumeRunBody = z.object({ message: z.string().min(1).max(1_000_000).optional() });
export const ResumedRun = z.object({ run_id: z.string(), status: RunStatusSchema });

const tags = ["runs"];

export function runRoutes(ctx: RunRoutesContext): Hono {
  const app = new Hono();

  describeRoute({
    method: "post",
    path: "/api/v1/sessions/:session_id/runs",
    summary: "Start a run in a session",
    body: CreateRunBody,
    responses: { 201: CreatedRun },
    errors: [400, 404, 409, 422],
    tags,
  });
  app.post("/api/v1/sessions/:session_id/runs", async (c) => {
    const body = parseRequest(CreateRunBody, await jsonBody(c));
    return c.json(await ctx.runs.createRun(c.req.param("session_id"), body.message), 201);
  });

  describeRoute({ method: "get", path: "/api/v1/sessions/:session_id/runs", summary: "A session's runs, newest first", responses: { 200: RunList }, errors: [400, 404], tags });
  app.get("/api/v1/sessions/:session_id/runs", async (c) => c.json({ runs: await ctx.runs.listRuns(c.req.param("session_id")) }));

  describeRoute({ method: "get", path: "/api/v1/runs/:run_id", summary: "One run: status, result, usage and what it waits for", responses: { 200: RunDetail }, errors: [400, 404], tags });
  app.get("/api/v1/runs/:run_id", async (c) => c.json(await ctx.runs.getRun(runIdParam(c, ctx))));

  describeRoute({
    method: "post",
    path: "/api/v1/runs/:run_id/cancel",
    summary: "Cancel a run: tools are stopped and the WAL ends with run_cancelled",
    responses: { 200: CancelledRun },
    errors: [400, 404, 409],
    tags,
  });
  app.post("/api/v1/runs/:run_id/cancel", async (c) => c.json(await ctx.runs.cancel(runIdParam(c, ctx))));

  describeRoute({
    method: "post",
    path: "/api/v1/runs/:run_id/fork",
    summary: "Copy a run's events up to from_seq into a new run and continue it (replay)",
    body: ForkRunBody,
    responses: { 201: ForkedRun },
    errors: [400, 404, 409, 422],
    tags,
  });
  app.post("/api/v1/runs/:run_id/fork", async (c) => {
    const runId = runIdParam(c, ctx);
    const body = parseRequest(ForkRunBody, (await jsonBody(c, { optional: true })) ?? {});
    return c.json(await ctx.runs.fork(runId, { ...(body.from_seq !== undefined ? { fromSeq: body.from_seq } : {}), ...(body.message ? { message: body.message } : {}) }), 201);
  });

  describeRoute({
    method: "post",
    path: "/api/v1/runs/:run_id/resume",
    summary: "Continue a finished or paused run under the same id (config resume strategy)",
    body: ResumeRunBody,
    responses: { 200: ResumedRun },
    errors: [400, 404, 409, 422],
    tags,
  });
  app.post("/api/v1/runs/:run_id/resume", async (c) => {
    const runId = runIdParam(c, ctx);
    const body = parseRequest(ResumeRunBody, (await jsonBody(c, { optional: true })) ?? {});
    return c.json(await ctx.runs.resume(runId, body.message));
  });

  return app;
}
