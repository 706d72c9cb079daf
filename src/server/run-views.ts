/**
 * The API shapes of runs (zod, the single source of truth for the routes and the OpenAPI
 * document) and how they are made from run.json, the WAL summary and the live state.
 */
import { z } from "zod";
import { PendingApproval } from "./approvals-hub.ts";
import type { RunStatus } from "./context.ts";
import type { RunJson } from "./run-files.ts";
import { Usage, type HumanQuestion, type RunSummary } from "./run-summary.ts";

export const RunStatusSchema = z.enum(["queued", "running", "waiting_approval", "waiting_human", "completed", "failed", "cancelled"]);

/** A question the run waits on: `live` while the run holds it open, else the run ended `run_waiting_human`. */
export const WaitingHuman = z.object({
  call_id: z.string(),
  tool: z.string().nullable(),
  question: z.string().nullable(),
  choices: z.array(z.string()).nullable(),
  context: z.record(z.string(), z.unknown()).nullable(),
  live: z.boolean(),
  age_ms: z.number().int().nonnegative().optional(),
});
export type WaitingHuman = z.infer<typeof WaitingHuman>;

export const RunListItem = z.object({
  run_id: z.string(),
  status: RunStatusSchema,
  task: z.string().nullable(),
  created_at: z.string().nullable(),
  started_at: z.string().optional(),
  ended_at: z.string().optional(),
  duration_ms: z.number().int().nonnegative().optional(),
  usage: Usage.optional(),
});
export type RunListItem = z.infer<typeof RunListItem>;

export const RunList = z.object({ runs: z.array(RunListItem) });

export const RunDetail = z.object({
  run_id: z.string(),
  session_id: z.string().nullable(),
  status: RunStatusSchema,
  task: z.string().nullable(),
  created_at: z.string().nullable(),
  started_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  final_output: z.string().nullable(),
  error_kind: z.string().nullable(),
  usage: Usage,
  /** Events in the WAL; the last one's seq is `events - 1` when no line was skipped. */
  last_seq: z.number().int(),
  pending_approvals: z.array(PendingApproval),
  waiting_human: z.array(WaitingHuman).optional(),
  forked_from: z.object({ run_id: z.string(), seq: z.number().int() }).optional(),
});
export type RunDetail = z.infer<typeof RunDetail>;

const TERMINAL_STATUS: Record<string, RunStatus> = {
  run_completed: "completed",
  run_failed: "failed",
  run_cancelled: "cancelled",
  run_waiting_human: "waiting_human",
};

export function terminalStatus(type: string): RunStatus | undefined {
  return TERMINAL_STATUS[type];
}

export const FINISHED: ReadonlySet<RunStatus> = new Set(["completed", "failed", "cancelled", "waiting_human"]);

function durationMs(start: string | null, end: string | null): number | undefined {
  if (!start || !end) return undefined;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms) : undefined;
}

export function runListItem(runId: string, runJson: RunJson | null, summary: RunSummary, status: RunStatus): RunListItem {
  const ended = FINISHED.has(status) ? summary.endedAt : null;
  const duration = durationMs(summary.startedAt, ended);
  return {
    run_id: runId,
    status,
    task: summary.task ?? runJson?.message ?? null,
    created_at: runJson?.created_at || summary.startedAt,
    ...(summary.startedAt ? { started_at: summary.startedAt } : {}),
    ...(ended ? { ended_at: ended } : {}),
    ...(duration !== undefined ? { duration_ms: duration } : {}),
    ...(summary.events > 0 ? { usage: summary.usage } : {}),
  };
}

export function waitingFromWal(question: HumanQuestion): WaitingHuman {
  return { call_id: question.call_id, tool: question.tool, question: question.question, choices: question.choices, context: question.context, live: false };
}

export function runDetail(
  runId: string,
  runJson: RunJson | null,
  summary: RunSummary,
  live: { status: RunStatus; pendingApprovals: PendingApproval[]; waitingHuman: WaitingHuman[] },
): RunDetail {
  const terminal = FINISHED.has(live.status) ? summary.terminal : null;
  const payload = terminal?.payload ?? {};
  const errorKind = terminal?.type === "run_failed" || terminal?.type === "run_waiting_human" ? payload.error_kind : null;
  const waiting = live.waitingHuman.length > 0 ? live.waitingHuman : live.status === "waiting_human" && summary.waitingHuman ? [waitingFromWal(summary.waitingHuman)] : [];
  return {
    run_id: runId,
    session_id: runJson?.session_id ?? null,
    status: live.status,
    task: summary.task ?? runJson?.message ?? null,
    created_at: runJson?.created_at || summary.startedAt,
    started_at: summary.startedAt,
    ended_at: terminal ? summary.endedAt : null,
    final_output: terminal?.type === "run_completed" && typeof payload.final_output === "string" ? payload.final_output : null,
    error_kind: typeof errorKind === "string" ? errorKind : null,
    usage: summary.usage,
    last_seq: summary.lastSeq,
    pending_approvals: live.pendingApprovals,
    ...(waiting.length > 0 ? { waiting_human: waiting } : {}),
    ...(runJson?.forked_from ? { forked_from: { run_id: runJson.forked_from.run_id, seq: runJson.forked_from.seq } } : {}),
  };
}
