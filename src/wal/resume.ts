/**
 * Resume a run from its WAL (spec 3.6), as the reference does:
 * - `summary` (default): one assistant message `[Resume Summary] …` built from the last 200 events;
 * - `replay`: the history rebuilt from the events after the last `run_started` (assistant
 *   tool-call messages with the text streamed before them (decisions.md item 5; the reference drops
 *   it), tool results, the final answer), plus the approval cache keys
 *   (`approved_for_session`) and denial counters; if replay throws, summary is used instead.
 * Nothing happens when the WAL has no events for the run or the caller passes an initial history.
 */
import { z } from "zod";
import { isTerminalEvent, type AgentEvent, type EventOf } from "../events/schema.ts";
import type { ResumeStatus } from "../events/payloads/run.ts";
import type { WalBackend } from "./backend.ts";
import { pyLen, pySlice, pyStr, pyStrOrEmpty } from "./python-format.ts";
import { pythonJsonDumps } from "./python-json.ts";

export const RESUME_TAIL_WINDOW = 200;
export const RESUME_SUMMARY_MAX_CHARS = 4096;
const RECENT_TOOLS_MAX = 5;

export const ReplayToolCall = z.object({
  id: z.string(),
  type: z.literal("function"),
  function: z.object({ name: z.string(), arguments: z.string() }),
});
export type ReplayToolCall = z.infer<typeof ReplayToolCall>;

/** A rebuilt history message, in OpenAI chat shape. */
export const ResumeMessage = z.union([
  z.object({ role: z.literal("assistant"), content: z.string().nullable(), tool_calls: z.array(ReplayToolCall).optional() }),
  z.object({ role: z.literal("tool"), tool_call_id: z.string(), content: z.string() }),
]);
export type ResumeMessage = z.infer<typeof ResumeMessage>;

export interface ResumeReplayState {
  history: ResumeMessage[];
  approvedForSessionKeys: Set<string>;
  deniedApprovalsByKey: Record<string, number>;
}

/** The `[Resume Summary]` text, from all of the run's previous events (only the tail is used). */
export function buildResumeSummary(events: readonly AgentEvent[]): string {
  const tail = events.slice(-RESUME_TAIL_WINDOW);
  let lastRunStarted: EventOf<"run_started"> | undefined;
  let lastTerminal: AgentEvent | undefined;
  const lastTools: EventOf<"tool_call_finished">[] = [];
  for (let i = tail.length - 1; i >= 0; i--) {
    const event = tail[i]!;
    if (lastTerminal === undefined && isTerminalEvent(event)) lastTerminal = event;
    if (lastRunStarted === undefined && event.type === "run_started") lastRunStarted = event;
    if (event.type === "tool_call_finished" && lastTools.length < RECENT_TOOLS_MAX) lastTools.push(event);
    if (lastTerminal && lastRunStarted && lastTools.length >= RECENT_TOOLS_MAX) break;
  }
  const previousTask = lastRunStarted ? pyStrOrEmpty(lastRunStarted.payload.task) : "";
  let terminalText = "";
  if (lastTerminal?.type === "run_completed") terminalText = pyStrOrEmpty(lastTerminal.payload.final_output);
  else if (lastTerminal) terminalText = pyStrOrEmpty((lastTerminal.payload as { message?: unknown }).message);

  const lines = ["[Resume Summary]"];
  if (previousTask) lines.push(`previous_task: ${previousTask}`);
  lines.push(`previous_events: ${events.length}`);
  lines.push(`previous_terminal: ${lastTerminal?.type ?? "unknown"}`);
  if (terminalText) {
    lines.push(`previous_terminal_text: ${terminalText}`);
    if (lastTools.length > 0) {
      lines.push("recent_tools:");
      for (const event of [...lastTools].reverse()) {
        const payload = event.payload as Record<string, unknown>;
        const tool = pyStrOrEmpty(payload.tool) || pyStrOrEmpty(payload.name) || "unknown_tool";
        const result = event.payload.result as Record<string, unknown>;
        lines.push(`- ${tool} ok=${pyStr(result.ok)} error_kind=${pyStr(result.error_kind)}`);
      }
    }
  }
  const text = lines.join("\n").trim();
  return pyLen(text) > RESUME_SUMMARY_MAX_CHARS ? pySlice(text, RESUME_SUMMARY_MAX_CHARS) + "\n...<truncated>" : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Rebuild history and approval state from the events after the last `run_started`. */
export function rebuildResumeReplayState(events: readonly AgentEvent[]): ResumeReplayState {
  let start = 0;
  events.forEach((event, index) => {
    if (event.type === "run_started") start = index + 1;
  });
  const history: ResumeMessage[] = [];
  const approvedForSessionKeys = new Set<string>();
  const deniedApprovalsByKey: Record<string, number> = {};
  let lastToolCallTurnId: string | null = null;
  /** decisions.md item 5: the text a turn streamed before its tool calls is kept with them. */
  const turnText = new Map<string, string>();

  for (const event of events.slice(start)) {
    if (event.type === "llm_response_delta" && event.payload.delta_type === "text" && event.turn_id) {
      turnText.set(event.turn_id, (turnText.get(event.turn_id) ?? "") + event.payload.text);
    } else if (event.type === "tool_call_requested") {
      const callId = pyStrOrEmpty(event.payload.call_id).trim();
      const toolName = (pyStrOrEmpty(event.payload.tool) || pyStrOrEmpty(event.payload.name)).trim();
      const turnId = pyStrOrEmpty(event.turn_id).trim() || null;
      if (!callId || !toolName) continue;
      const args = isPlainObject(event.payload.arguments) ? event.payload.arguments : {};
      const toolCall: ReplayToolCall = {
        id: callId,
        type: "function",
        function: { name: toolName, arguments: pythonJsonDumps(args, { compact: true }) },
      };
      const last = history[history.length - 1];
      if (turnId !== null && turnId === lastToolCallTurnId && last?.role === "assistant" && last.tool_calls) {
        last.tool_calls.push(toolCall);
      } else {
        const text = turnId !== null ? (turnText.get(turnId) ?? "") : "";
        history.push({ role: "assistant", content: text === "" ? null : text, tool_calls: [toolCall] });
      }
      lastToolCallTurnId = turnId;
    } else if (event.type === "tool_call_finished") {
      const callId = pyStrOrEmpty(event.payload.call_id).trim();
      if (!callId || !isPlainObject(event.payload.result)) continue;
      lastToolCallTurnId = null;
      history.push({ role: "tool", tool_call_id: callId, content: pythonJsonDumps(event.payload.result) });
    } else if (event.type === "run_completed") {
      const finalOutput = event.payload.final_output;
      if (typeof finalOutput === "string" && finalOutput) {
        lastToolCallTurnId = null;
        history.push({ role: "assistant", content: finalOutput });
      }
    } else if (event.type === "approval_decided") {
      const key = pyStrOrEmpty(event.payload.approval_key).trim();
      const decision = pyStrOrEmpty(event.payload.decision).trim().toLowerCase();
      if (!key) continue;
      if (decision === "approved_for_session") approvedForSessionKeys.add(key);
      else if (decision === "denied") deniedApprovalsByKey[key] = (deniedApprovalsByKey[key] ?? 0) + 1;
    }
  }
  return { history, approvedForSessionKeys, deniedApprovalsByKey };
}

export interface PrepareResumeOptions {
  /** `run.resume_strategy`: `summary` or `replay`. */
  strategy: string;
  /** An explicit history from the caller disables resume (null/undefined = none given). */
  initialHistory?: readonly unknown[] | null;
}

export interface ResumePlan {
  previousEvents: number;
  summary: string | null;
  /** The replay result (null unless strategy is replay and it succeeded). */
  replay: ResumeReplayState | null;
  /** Messages that start the new run's history (before any initial history). */
  history: ResumeMessage[];
  /** Keys to add to the session approval cache (replay only, and only when it rebuilt a history). */
  approvedForSessionKeys: string[];
  /** Denial counters to seed the loop guard with (replay only). */
  deniedApprovalsByKey: Record<string, number>;
  /** `run_started.payload.resume`. */
  status: ResumeStatus;
}

/** Decide how a run resumes, from all of its previous events in WAL order. */
export function prepareResume(events: readonly AgentEvent[], options: PrepareResumeOptions): ResumePlan {
  const hasHistory = options.initialHistory !== undefined && options.initialHistory !== null;
  let replay: ResumeReplayState | null = null;
  if (events.length > 0 && !hasHistory && options.strategy === "replay") {
    try {
      replay = rebuildResumeReplayState(events);
    } catch {
      replay = null; // fall back to the summary, as the reference does
    }
  }
  const summary = events.length > 0 && !hasHistory && replay === null ? buildResumeSummary(events) : null;
  const useReplay = replay !== null && replay.history.length > 0;
  const history: ResumeMessage[] = useReplay ? replay!.history : summary ? [{ role: "assistant", content: summary }] : [];
  return {
    previousEvents: events.length,
    summary,
    replay,
    history,
    approvedForSessionKeys: useReplay ? [...replay!.approvedForSessionKeys] : [],
    deniedApprovalsByKey: { ...(replay?.deniedApprovalsByKey ?? {}) },
    status: { enabled: Boolean(summary) || useReplay, strategy: options.strategy, previous_events: events.length },
  };
}

/** Load the run's previous events from `wal` and prepare its resume. */
export async function loadResumePlan(wal: WalBackend, runId: string, options: PrepareResumeOptions): Promise<ResumePlan> {
  const events: AgentEvent[] = [];
  for await (const event of wal.iterEvents(runId)) events.push(event);
  return prepareResume(events, options);
}
