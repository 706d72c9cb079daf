/**
 * A run's events: the SSE feed (decisions.md item 10, src/server/sse.ts) and JSON pages.
 * Both read the WAL, so they show every event of the run, whichever process wrote it.
 */
import { Hono } from "hono";
import { z } from "zod";
import { HttpError, parseRequest } from "../errors.ts";
import { describeRoute } from "../openapi.ts";
import { SSE_HEADERS, parseAfter, walEventStream } from "../sse.ts";
import { readEventsPage } from "../wal-cursor.ts";
import { runIdParam, type RunRoutesContext } from "./run-context.ts";

const Seq = z.coerce.number().int().min(-1).max(Number.MAX_SAFE_INTEGER);

export const EventsQuery = z.object({
  /** Only events with a larger seq (default -1: from the start). */
  after: Seq.optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});
export const StreamQuery = z.object({
  /** Only events with a larger seq (`Last-Event-ID` wins when both are sent). */
  after: Seq.optional(),
});
export const EventsPage = z.object({
  run_id: z.string(),
  events: z.array(z.record(z.string(), z.unknown())),
  next_after: z.number().int(),
  terminal: z.boolean(),
});

const tags = ["events"];

type BunServerLike = { timeout?: (request: Request, seconds: number) => void };

export function eventRoutes(ctx: RunRoutesContext): Hono {
  const app = new Hono();

  describeRoute({
    method: "get",
    path: "/api/v1/runs/:run_id/events",
    summary: "A page of the run's events (seq > after)",
    query: EventsQuery,
    responses: { 200: EventsPage },
    errors: [400, 404, 422],
    tags,
  });
  app.get("/api/v1/runs/:run_id/events", async (c) => {
    const runId = runIdParam(c, ctx);
    const query = parseRequest(EventsQuery, c.req.query(), "query");
    await ctx.runs.requireRun(runId);
    const page = await readEventsPage(ctx.runs.walPath(runId), query.after ?? -1, query.limit ?? 500);
    return c.json({ run_id: runId, events: page.events, next_after: page.nextAfter, terminal: page.terminal });
  });

  describeRoute({
    method: "get",
    path: "/api/v1/runs/:run_id/events/stream",
    summary: "Server-sent events of the run: id = seq, resumable with Last-Event-ID or ?after=",
    query: StreamQuery,
    responses: { 200: "text/event-stream" },
    errors: [400, 404, 422],
    tags,
  });
  app.get("/api/v1/runs/:run_id/events/stream", async (c) => {
    const runId = runIdParam(c, ctx);
    const query = parseRequest(StreamQuery, { after: c.req.query("after") || undefined }, "query");
    const header = parseAfter(c.req.header("last-event-id"));
    if (header === "invalid") {
      throw new HttpError("validation_error", `Invalid Last-Event-ID ${JSON.stringify(c.req.header("last-event-id"))}: expected an event seq (an integer >= 0)`, {});
    }
    await ctx.runs.requireRun(runId);
    // An SSE connection is long-lived: lift Bun's idle timeout for it (heartbeats keep proxies happy).
    (c.env as BunServerLike | undefined)?.timeout?.(c.req.raw, 0);
    const body = walEventStream({
      ...ctx.sse,
      runId,
      walPath: ctx.runs.walPath(runId),
      after: header ?? query.after ?? -1,
      notifier: ctx.runs.notifier,
      signal: c.req.raw.signal,
    });
    return new Response(body, { status: 200, headers: SSE_HEADERS });
  });

  return app;
}
