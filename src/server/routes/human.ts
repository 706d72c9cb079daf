/**
 * Human answers (`ask_human`, `request_user_input`, context recovery, skill env vars).
 * A live run holds its question open (status `waiting_human`) and the answer goes straight to
 * the waiting tool; a run that ended `run_waiting_human` (the wait timed out, or the server
 * stopped) records the answer and resumes under the same id. See src/server/human-waits.ts.
 */
import { Hono } from "hono";
import { z } from "zod";
import { jsonBody, parseRequest } from "../errors.ts";
import { describeRoute } from "../openapi.ts";
import { WaitingHuman } from "../run-views.ts";
import { runIdParam, type RunRoutesContext } from "./run-context.ts";

/** `call_id`: the human_request's call id (`request_user_input`: `<call_id>:<question id>`, or the bare call id for the next question). */
export const HumanAnswerBody = z.object({ call_id: z.string().min(1).max(500), answer: z.string().max(100_000) });
export const HumanAnswerResult = z.object({
  ok: z.literal(true),
  /** True when the run had ended `run_waiting_human` and was resumed with the answer. */
  resumed: z.boolean(),
});
export const PendingQuestions = z.object({ run_id: z.string(), questions: z.array(WaitingHuman) });

const tags = ["runs"];

export function humanRoutes(ctx: RunRoutesContext): Hono {
  const app = new Hono();

  describeRoute({
    method: "get",
    path: "/api/v1/runs/:run_id/human/pending",
    summary: "Questions the run waits on (live, or the one it ended run_waiting_human with)",
    responses: { 200: PendingQuestions },
    errors: [400, 404],
    tags,
  });
  app.get("/api/v1/runs/:run_id/human/pending", async (c) => {
    const runId = runIdParam(c, ctx);
    const run = await ctx.runs.getRun(runId);
    return c.json({ run_id: runId, questions: run.waiting_human ?? [] });
  });

  describeRoute({
    method: "post",
    path: "/api/v1/runs/:run_id/human",
    summary: "Answer the run's question (resumes a run that ended run_waiting_human)",
    body: HumanAnswerBody,
    responses: { 200: HumanAnswerResult },
    errors: [400, 404, 409, 422],
    tags,
  });
  app.post("/api/v1/runs/:run_id/human", async (c) => {
    const runId = runIdParam(c, ctx);
    const body = parseRequest(HumanAnswerBody, await jsonBody(c));
    return c.json(await ctx.runs.answerHuman(runId, body.call_id, body.answer));
  });

  return app;
}
