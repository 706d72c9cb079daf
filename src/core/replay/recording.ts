/**
 * What a recorded run said and did, read back from its events: the model's answers call by call,
 * the tool results, the approval decisions and the human answers. Deterministic replay feeds these
 * back into a new run instead of calling the model, the tools or a person.
 *
 * A WAL may hold several segments of one run id (each resume starts a new `run_started`); a
 * recording is one segment plus the events before it (which a resume reads).
 */
import type { AgentEvent, EventOf } from "../../events/schema.ts";
import { isTerminalEvent } from "../../events/schema.ts";
import type { ToolResultPayload } from "../../events/tool-result.ts";
import type { ChatStreamEvent, ToolCall } from "../../llm/protocol.ts";
import { RuntimeError } from "../../util/errors.ts";

/** How a recorded model call ended. */
export type RecordedCallEnd =
  | { kind: "completed" }
  /** The call failed; replay throws an LlmError of this kind. */
  | { kind: "error"; errorKind: string; message: string; retryable: boolean; details: Record<string, unknown>; retryAfterMs?: number }
  /** The run stopped during the call (cancelled, wall budget): replay cancels at the same point. */
  | { kind: "cut" };

export interface RecordedLlmCall {
  turnId: string | null;
  /** `llm_retry_scheduled` payloads, in order. */
  retries: Record<string, unknown>[];
  parts: ChatStreamEvent[];
  end: RecordedCallEnd;
}

/** One compaction of the record: the model's summary text, or the error it failed with. */
export type RecordedCompaction = { kind: "summary"; artifactPath: string | null } | { kind: "failed"; error: string };

export interface Recording {
  runId: string;
  task: string;
  /** Index of the segment's `run_started` among all of the run's events. */
  segmentStart: number;
  /** The events before the segment (what a resumed run read). */
  priorEvents: AgentEvent[];
  /** `run_started.payload.resume.strategy` when the segment resumed earlier events. */
  resumeStrategy: "summary" | "replay" | null;
  /** The segment: `run_started` to the terminal event (or the last event of an interrupted run). */
  events: AgentEvent[];
  llmCalls: RecordedLlmCall[];
  compactions: RecordedCompaction[];
  toolResults: Map<string, ToolResultPayload>;
  /** Sanitized arguments of every requested call, and whether the model's JSON was valid. */
  toolArguments: Map<string, { arguments: Record<string, unknown>; valid: boolean }>;
  /** Provider decisions per approval key, in order (cached decisions are not asked again). */
  approvals: Map<string, string[]>;
  /** Keys the record approved from the session cache (the replay starts with them cached). */
  cachedApprovalKeys: Set<string>;
  /** Approvals that were requested and never decided (the run stopped while waiting). */
  undecidedApprovals: Set<string>;
  /** Human answers by call id. */
  humanAnswers: Map<string, string>;
  terminal: AgentEvent | null;
  /** Tokens the record reports (replay reports them without spending any). */
  usage: { input_tokens: number; output_tokens: number; total_tokens: number };
}

const LLM_FAILURE_KINDS = new Set(["llm_error", "auth_error", "rate_limited", "server_error", "http_error"]);
/** Text the replayed model sends for a call whose arguments were not valid JSON (the raw text is not recorded). */
export const UNRECORDED_INVALID_ARGUMENTS = "<invalid JSON arguments: the raw text is not recorded>";

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The call's end, judged by the first event after its own. */
function callEnd(next: AgentEvent | undefined): RecordedCallEnd {
  if (!next) return { kind: "cut" };
  if (next.type === "context_length_exceeded") {
    return { kind: "error", errorKind: "context_length_exceeded", message: "context length exceeded (recorded)", retryable: false, details: {} };
  }
  if (next.type === "run_failed") {
    const p = next.payload as Record<string, unknown>;
    const errorKind = String(p.error_kind ?? "unknown");
    if (LLM_FAILURE_KINDS.has(errorKind)) {
      return {
        kind: "error",
        errorKind,
        message: String(p.message ?? ""),
        retryable: p.retryable === true,
        details: isObject(p.details) ? { ...p.details } : {},
        ...(typeof p.retry_after_ms === "number" ? { retryAfterMs: p.retry_after_ms } : {}),
      };
    }
    if (errorKind === "budget_exceeded") return { kind: "cut" };
  }
  if (next.type === "run_cancelled") return { kind: "cut" };
  return { kind: "completed" };
}

/** Pick the segment: the last `run_started` by default, or the `segment`-th (0-based). */
function segmentBounds(events: readonly AgentEvent[], segment: number | undefined, runId: string): number {
  const starts = events.flatMap((e, i) => (e.type === "run_started" ? [i] : []));
  if (starts.length === 0) throw new RuntimeError("not_found", `Cannot replay run "${runId}": its WAL has no run_started event`);
  if (segment === undefined) return starts[starts.length - 1]!;
  if (!Number.isInteger(segment) || segment < 0 || segment >= starts.length) {
    throw new RuntimeError("validation", `Cannot replay run "${runId}": segment ${segment} does not exist (the WAL has ${starts.length}: 0..${starts.length - 1})`);
  }
  return starts[segment]!;
}

/** Read a recording out of a run's events (all of them, in WAL order). */
export function buildRecording(runId: string, all: readonly AgentEvent[], options: { segment?: number } = {}): Recording {
  const start = segmentBounds(all, options.segment, runId);
  let end = all.length;
  for (let i = start + 1; i < all.length; i++) {
    if (all[i]!.type === "run_started") {
      end = i;
      break;
    }
  }
  const events = all.slice(start, end);
  const started = events[0] as EventOf<"run_started">;
  const resume = isObject(started.payload.resume) ? started.payload.resume : null;
  const strategy = resume && resume.enabled === true && (resume.strategy === "summary" || resume.strategy === "replay") ? resume.strategy : null;

  const recording: Recording = {
    runId,
    task: String(started.payload.task ?? ""),
    segmentStart: start,
    priorEvents: all.slice(0, start),
    resumeStrategy: strategy,
    events,
    llmCalls: [],
    compactions: [],
    toolResults: new Map(),
    toolArguments: new Map(),
    approvals: new Map(),
    cachedApprovalKeys: new Set(),
    undecidedApprovals: new Set(),
    humanAnswers: new Map(),
    terminal: events.find((e) => isTerminalEvent(e)) ?? null,
    usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
  };

  let call: RecordedLlmCall | null = null;
  let callToolIds = new Set<string>();
  const closeCall = (next: AgentEvent | undefined) => {
    if (!call) return;
    const ended: RecordedLlmCall = call;
    ended.end = callEnd(next);
    if (ended.end.kind === "completed") {
      const hasTools = ended.parts.some((part) => part.type === "tool_calls") || next?.type === "tool_call_requested";
      ended.parts.push({ type: "completed", finish_reason: hasTools ? "tool_calls" : "stop" });
    }
    call = null;
  };
  /** Older WALs have no tool-call deltas: synthesize them from the requests of the same turn. */
  const synthesize = (event: EventOf<"tool_call_requested">) => {
    const last = recording.llmCalls[recording.llmCalls.length - 1];
    if (!last || last.turnId !== (event.turn_id ?? null) || callToolIds.has(event.payload.call_id)) return;
    const args = recording.toolArguments.get(event.payload.call_id)!;
    const tc: ToolCall = {
      call_id: event.payload.call_id,
      name: event.payload.tool || event.payload.name || "",
      raw_arguments: args.valid ? JSON.stringify(args.arguments) : UNRECORDED_INVALID_ARGUMENTS,
    };
    const completedIndex = last.parts.findIndex((p) => p.type === "completed");
    const part: ChatStreamEvent = { type: "tool_calls", tool_calls: [tc] };
    if (completedIndex >= 0) last.parts.splice(completedIndex, 0, part);
    else last.parts.push(part);
    callToolIds.add(tc.call_id);
  };

  const pendingApprovals = new Set<string>();
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    const p = event.payload as Record<string, unknown>;
    const inCall = call !== null && (event.turn_id ?? null) === (call as RecordedLlmCall).turnId;
    if (event.type === "llm_request_started") {
      closeCall(event);
      call = { turnId: event.turn_id ?? null, retries: [], parts: [], end: { kind: "completed" } };
      callToolIds = new Set();
      recording.llmCalls.push(call);
      continue;
    }
    if (inCall && event.type === "llm_retry_scheduled") {
      call!.retries.push({ ...p });
      continue;
    }
    if (inCall && event.type === "llm_response_delta") {
      if (p.delta_type === "text") call!.parts.push({ type: "text_delta", text: String(p.text ?? "") });
      else if (p.delta_type === "tool_calls" && Array.isArray(p.tool_calls)) {
        const calls: ToolCall[] = [];
        for (const raw of p.tool_calls) {
          if (!isObject(raw)) continue;
          const callId = String(raw.call_id ?? "");
          calls.push({ call_id: callId, name: String(raw.tool ?? raw.name ?? ""), raw_arguments: JSON.stringify(isObject(raw.arguments) ? raw.arguments : {}) });
          callToolIds.add(callId);
        }
        call!.parts.push({ type: "tool_calls", tool_calls: calls });
      }
      continue;
    }
    if (inCall && event.type === "llm_usage") {
      const usage = {
        input_tokens: Number(p.input_tokens ?? 0),
        output_tokens: Number(p.output_tokens ?? 0),
        total_tokens: Number(p.total_tokens ?? 0),
      };
      recording.usage.input_tokens += usage.input_tokens;
      recording.usage.output_tokens += usage.output_tokens;
      recording.usage.total_tokens += usage.total_tokens;
      call!.parts.push({
        type: "usage",
        usage,
        ...(typeof p.model === "string" ? { model: p.model } : {}),
        ...(typeof p.provider === "string" ? { provider: p.provider } : {}),
        ...(typeof p.request_id === "string" ? { request_id: p.request_id } : {}),
      });
      continue;
    }
    closeCall(event);
    switch (event.type) {
      case "tool_call_requested": {
        const valid = p.arguments_valid !== false;
        recording.toolArguments.set(event.payload.call_id, { arguments: isObject(p.arguments) ? { ...p.arguments } : {}, valid });
        synthesize(event);
        break;
      }
      case "tool_call_finished":
        recording.toolResults.set(event.payload.call_id, event.payload.result);
        break;
      case "approval_requested":
        pendingApprovals.add(String(p.approval_key ?? ""));
        break;
      case "approval_decided": {
        const key = String(p.approval_key ?? "");
        pendingApprovals.delete(key);
        if (p.reason === "cached") {
          // Cached before this segment asked anyone: the original session already had it.
          if (!(recording.approvals.get(key) ?? []).includes("approved_for_session")) recording.cachedApprovalKeys.add(key);
          break;
        }
        const list = recording.approvals.get(key) ?? [];
        list.push(String(p.decision ?? "denied"));
        recording.approvals.set(key, list);
        break;
      }
      case "human_response":
        recording.humanAnswers.set(String(p.call_id ?? ""), String(p.answer ?? ""));
        break;
      case "compaction_failed":
        recording.compactions.push({ kind: "failed", error: String(p.error ?? "compaction failed") });
        break;
      case "context_compacted": {
        const last = events.slice(0, i).findLast((e) => e.type === "compaction_started" || e.type === "compaction_failed");
        if (last?.type !== "compaction_failed") {
          recording.compactions.push({ kind: "summary", artifactPath: typeof p.artifact_path === "string" ? p.artifact_path : null });
        }
        break;
      }
      default:
        break;
    }
  }
  closeCall(undefined);
  for (const key of pendingApprovals) recording.undecidedApprovals.add(key);
  return recording;
}
