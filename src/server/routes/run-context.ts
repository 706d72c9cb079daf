/**
 * What the run routes (runs, approvals, human, events) need on top of `ServerContext`: the
 * concrete run manager and approvals hub, and the SSE options (tests shorten the heartbeat).
 */
import type { Context } from "hono";
import type { ApprovalsHub } from "../approvals-hub.ts";
import type { ServerContext } from "../context.ts";
import type { InProcessRunManager } from "../run-manager.ts";
import type { SseOptions } from "../sse.ts";

export type RunRoutesContext = ServerContext & {
  runs: InProcessRunManager;
  approvals: ApprovalsHub;
  sse?: SseOptions;
};

/** The `run_id` path parameter, checked against traversal (400 `validation_error`). */
export function runIdParam(c: Context, ctx: RunRoutesContext): string {
  const runId = c.req.param("run_id") ?? "";
  ctx.runs.files.dir(runId);
  return runId;
}
