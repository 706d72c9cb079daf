/**
 * Run metrics summary (spec 14.1), recomputed offline from a WAL file; same numbers, keys and
 * error messages as the reference's `compute_run_metrics_summary`. The reader here is the
 * reference's, not `read.ts`: raw JSON objects, no envelope validation, and one run id per file.
 * Where the reference would crash on a bad value (e.g. `duration_ms: "x"`), we count 0.
 */
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { TERMINAL_EVENT_TYPES } from "../events/schema.ts";
import { parseIsoMicros } from "./iso-time.ts";
import { pythonPathString } from "./metrics-locator.ts";
import { pyInt, pyStrOrEmpty } from "./python-format.ts";

export const MetricsErrorKind = z.enum(["validation", "not_supported", "not_found", "invalid_wal"]);

export const ToolMetrics = z.object({
  calls: z.number().int(),
  ok: z.number().int(),
  failed: z.number().int(),
  duration_ms_total: z.number().int(),
});
export type ToolMetrics = z.infer<typeof ToolMetrics>;

export const RunMetricsSummary = z.object({
  run_id: z.string(),
  status: z.enum(["completed", "failed", "cancelled", "waiting_human", "unknown"]),
  started_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  wall_time_ms: z.number().int(),
  counts: z.object({
    turns_total: z.number().int(),
    llm_requests_total: z.number().int(),
    tool_calls_total: z.number().int(),
    approvals_requested_total: z.number().int(),
    approvals_decided_total: z.number().int(),
    human_requests_total: z.number().int(),
  }),
  llm: z.object({
    input_tokens_total: z.number().int(),
    output_tokens_total: z.number().int(),
    total_tokens_total: z.number().int(),
  }),
  tools: z.object({ by_name: z.record(z.string(), ToolMetrics), duration_ms_total: z.number().int() }),
  /** `kind` is a `MetricsErrorKind` or the failed run's `error_kind`. */
  errors: z.array(z.object({ kind: z.string(), message: z.string() })),
});
export type RunMetricsSummary = z.infer<typeof RunMetricsSummary>;

function emptySummary(): RunMetricsSummary {
  return {
    run_id: "",
    status: "unknown",
    started_at: null,
    ended_at: null,
    wall_time_ms: 0,
    counts: {
      turns_total: 0,
      llm_requests_total: 0,
      tool_calls_total: 0,
      approvals_requested_total: 0,
      approvals_decided_total: 0,
      human_requests_total: 0,
    },
    llm: { input_tokens_total: 0, output_tokens_total: 0, total_tokens_total: 0 },
    tools: { by_name: {}, duration_ms_total: 0 },
    errors: [],
  };
}

const STATUS_BY_TERMINAL: Record<string, RunMetricsSummary["status"]> = {
  run_completed: "completed",
  run_failed: "failed",
  run_cancelled: "cancelled",
  run_waiting_human: "waiting_human",
};
const terminalTypes: ReadonlySet<string> = new Set(TERMINAL_EVENT_TYPES);

const asObject = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const nonNegative = (value: unknown): number => Math.max(pyInt(value) ?? 0, 0);

function describeReadError(error: unknown, path: string): string {
  const e = error as NodeJS.ErrnoException;
  const reasons: Record<string, string> = { EISDIR: "Is a directory", EACCES: "Permission denied" };
  const reason = e.code ? reasons[e.code] : undefined;
  return reason && e.errno !== undefined ? `[Errno ${Math.abs(e.errno)}] ${reason}: '${path}'` : e.message;
}

/** The metrics summary of the WAL at `walLocator` (an absolute file path; `scheme://` is not supported). */
export function computeRunMetricsSummary(walLocator: string): RunMetricsSummary {
  const summary = emptySummary();
  const locator = String(walLocator ?? "").trim();
  if (!locator) {
    summary.errors.push({ kind: "validation", message: "wal_locator is empty" });
    return summary;
  }
  if (locator.includes("://")) {
    summary.errors.push({ kind: "not_supported", message: `metrics only supports filesystem wal_locator, got: ${locator}` });
    return summary;
  }
  const path = pythonPathString(locator);
  if (!existsSync(path)) {
    summary.errors.push({ kind: "not_found", message: `events file not found: ${path}` });
    return summary;
  }
  const invalidWal = (message: string) => {
    summary.errors.push({ kind: "invalid_wal", message });
    summary.status = "unknown";
  };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    invalidWal(`failed to read events file: ${describeReadError(error, path)}`);
    return summary;
  }

  let runId: string | null = null;
  let startedAt: string | null = null;
  let endedAt: string | null = null;
  let lastTerminal: string | null = null;
  let failedPayload: Record<string, unknown> | null = null;
  const turnIds = new Set<string>();
  let invalidJsonLines = 0;
  let invalidEventLines = 0;
  const { counts, llm, tools } = summary;

  for (const rawLine of text.split("\n")) {
    const line = rawLine.trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      invalidJsonLines += 1;
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      invalidEventLines += 1;
      continue;
    }
    const event = value as Record<string, unknown>;
    const eventRunId = pyStrOrEmpty(event.run_id);
    if (runId === null) {
      runId = eventRunId;
      summary.run_id = runId;
    } else if (eventRunId !== runId) {
      invalidWal("inconsistent run_id detected in WAL");
      return summary;
    }
    if (typeof event.turn_id === "string" && event.turn_id) turnIds.add(event.turn_id);
    const type = pyStrOrEmpty(event.type);
    const timestamp = typeof event.timestamp === "string" && event.timestamp ? event.timestamp : null;
    if (type === "run_started" && startedAt === null && timestamp) startedAt = timestamp;
    if (terminalTypes.has(type)) {
      if (timestamp) endedAt = timestamp;
      lastTerminal = type;
      if (type === "run_failed" && event.payload !== null && typeof event.payload === "object" && !Array.isArray(event.payload)) {
        failedPayload = event.payload as Record<string, unknown>;
      }
    }
    const payload = asObject(event.payload);
    if (type === "llm_request_started") counts.llm_requests_total += 1;
    else if (type === "llm_usage") {
      const input = nonNegative(payload.input_tokens);
      const output = nonNegative(payload.output_tokens);
      const total = payload.total_tokens !== undefined && payload.total_tokens !== null ? nonNegative(payload.total_tokens) : input + output;
      llm.input_tokens_total += input;
      llm.output_tokens_total += output;
      llm.total_tokens_total += total;
    } else if (type === "approval_requested") counts.approvals_requested_total += 1;
    else if (type === "approval_decided") counts.approvals_decided_total += 1;
    else if (type === "human_request") counts.human_requests_total += 1;
    else if (type === "tool_call_finished") {
      counts.tool_calls_total += 1;
      const tool = pyStrOrEmpty(payload.tool) || pyStrOrEmpty(payload.name) || "unknown_tool";
      const result = asObject(payload.result);
      const durationMs = Math.max(pyInt(result.duration_ms) ?? 0, 0);
      tools.duration_ms_total += durationMs;
      const bucket = (tools.by_name[tool] ??= { calls: 0, ok: 0, failed: 0, duration_ms_total: 0 });
      bucket.calls += 1;
      bucket.duration_ms_total += durationMs;
      if (result.ok === true) bucket.ok += 1;
      else bucket.failed += 1;
    }
  }

  counts.turns_total = turnIds.size;
  summary.started_at = startedAt;
  summary.ended_at = endedAt;
  summary.status = (lastTerminal && STATUS_BY_TERMINAL[lastTerminal]) || "unknown";
  if (lastTerminal === "run_failed" && failedPayload !== null) {
    const kind = pyStrOrEmpty(failedPayload.error_kind);
    const message = pyStrOrEmpty(failedPayload.message);
    if (kind || message) summary.errors.push({ kind: kind || "unknown", message });
  }
  if (invalidJsonLines) summary.errors.push({ kind: "invalid_wal", message: `skipped invalid json lines: ${invalidJsonLines}` });
  if (invalidEventLines) summary.errors.push({ kind: "invalid_wal", message: `skipped non-object event lines: ${invalidEventLines}` });
  if (startedAt && endedAt) {
    try {
      const elapsedMicros = parseIsoMicros(endedAt) - parseIsoMicros(startedAt);
      summary.wall_time_ms = Math.trunc((Number(elapsedMicros) / 1e6) * 1000);
    } catch (error) {
      invalidWal(`failed to parse timestamps: ${(error as Error).message}`);
    }
  }
  return summary;
}

/** Exit code of `runs metrics` for a summary (spec 11.4 / 10.5): 20, 23, 22 or 0. */
export function metricsExitCode(summary: Pick<RunMetricsSummary, "errors">): 0 | 20 | 22 | 23 {
  const kinds = new Set(summary.errors.map((error) => error.kind));
  if (kinds.has("invalid_wal") || kinds.has("validation")) return 20;
  if (kinds.has("not_supported")) return 23;
  if (kinds.has("not_found")) return 22;
  return 0;
}
