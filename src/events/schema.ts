/**
 * The one event stream of skills-runtime (spec 3.1 / 3.3): a zod discriminated union on `type`.
 * The WAL, the SSE feed, the terminal renderer and the Studio all consume this union.
 *
 * Envelope: `{type, timestamp, run_id, turn_id?, step_id?, payload, seq?}`. `seq` is our addition:
 * the 0-based line index of the event in its run's WAL (the SSE `id:`). Unknown top-level keys are
 * dropped on parse (forward compatibility with newer writers); payloads keep unknown keys.
 */
import { z } from "zod";
import { utcTimestamp } from "../util/time.ts";
import { RuntimeError } from "../util/errors.ts";
import {
  BudgetIncreasedPayload,
  CompactionFailedPayload,
  CompactionFinishedPayload,
  CompactionStartedPayload,
  ContextCompactedPayload,
  ContextLengthExceededPayload,
  ContextRecoveryDecidedPayload,
} from "./payloads/context.ts";
import { HumanRequestPayload, HumanResponsePayload, PlanUpdatedPayload } from "./payloads/human.ts";
import { LlmRequestStartedPayload, LlmResponseDeltaPayload, LlmRetryScheduledPayload, LlmUsagePayload } from "./payloads/llm.ts";
import {
  RunCancelledPayload,
  RunCompletedPayload,
  RunFailedPayload,
  RunStartedPayload,
  RunWaitingHumanPayload,
} from "./payloads/run.ts";
import { EnvVarRequiredPayload, EnvVarSetPayload, SkillInjectedPayload, SkillInjectionSkippedPayload } from "./payloads/skill.ts";
import {
  ApprovalDecidedPayload,
  ApprovalRequestedPayload,
  ToolCallFinishedPayload,
  ToolCallRequestedPayload,
  ToolCallStartedPayload,
} from "./payloads/tool.ts";

/** Payload schema of every event type, in catalogue order (spec 3.3). */
export const EVENT_PAYLOADS = {
  run_started: RunStartedPayload,
  run_completed: RunCompletedPayload,
  run_failed: RunFailedPayload,
  run_cancelled: RunCancelledPayload,
  run_waiting_human: RunWaitingHumanPayload,
  llm_request_started: LlmRequestStartedPayload,
  llm_response_delta: LlmResponseDeltaPayload,
  llm_usage: LlmUsagePayload,
  llm_retry_scheduled: LlmRetryScheduledPayload,
  tool_call_requested: ToolCallRequestedPayload,
  approval_requested: ApprovalRequestedPayload,
  approval_decided: ApprovalDecidedPayload,
  tool_call_started: ToolCallStartedPayload,
  tool_call_finished: ToolCallFinishedPayload,
  skill_injected: SkillInjectedPayload,
  skill_injection_skipped: SkillInjectionSkippedPayload,
  env_var_required: EnvVarRequiredPayload,
  env_var_set: EnvVarSetPayload,
  human_request: HumanRequestPayload,
  human_response: HumanResponsePayload,
  plan_updated: PlanUpdatedPayload,
  context_length_exceeded: ContextLengthExceededPayload,
  context_recovery_decided: ContextRecoveryDecidedPayload,
  budget_increased: BudgetIncreasedPayload,
  compaction_started: CompactionStartedPayload,
  compaction_failed: CompactionFailedPayload,
  context_compacted: ContextCompactedPayload,
  compaction_finished: CompactionFinishedPayload,
} as const;

type PayloadSchemas = typeof EVENT_PAYLOADS;
export type EventType = keyof PayloadSchemas;
export const EVENT_TYPES = Object.keys(EVENT_PAYLOADS) as EventType[];
export const EventType = z.enum(EVENT_TYPES as [EventType, ...EventType[]]);

/** What a producer passes (defaults not yet applied). */
export type EventPayloadInput<T extends EventType> = z.input<PayloadSchemas[T]>;
/** What a consumer reads (defaults applied). */
export type EventPayload<T extends EventType> = z.output<PayloadSchemas[T]>;

const envelopeShape = {
  timestamp: z.string(),
  run_id: z.string(),
  turn_id: z.string().optional(),
  step_id: z.string().optional(),
};
const seqShape = { seq: z.number().int().nonnegative().optional() };

function eventSchema<T extends EventType>(type: T) {
  return z.object({
    type: z.literal(type),
    ...envelopeShape,
    payload: EVENT_PAYLOADS[type] as PayloadSchemas[T],
    ...seqShape,
  });
}

export const RunStartedEvent = eventSchema("run_started");
export const RunCompletedEvent = eventSchema("run_completed");
export const RunFailedEvent = eventSchema("run_failed");
export const RunCancelledEvent = eventSchema("run_cancelled");
export const RunWaitingHumanEvent = eventSchema("run_waiting_human");
export const LlmRequestStartedEvent = eventSchema("llm_request_started");
export const LlmResponseDeltaEvent = eventSchema("llm_response_delta");
export const LlmUsageEvent = eventSchema("llm_usage");
export const LlmRetryScheduledEvent = eventSchema("llm_retry_scheduled");
export const ToolCallRequestedEvent = eventSchema("tool_call_requested");
export const ApprovalRequestedEvent = eventSchema("approval_requested");
export const ApprovalDecidedEvent = eventSchema("approval_decided");
export const ToolCallStartedEvent = eventSchema("tool_call_started");
export const ToolCallFinishedEvent = eventSchema("tool_call_finished");
export const SkillInjectedEvent = eventSchema("skill_injected");
export const SkillInjectionSkippedEvent = eventSchema("skill_injection_skipped");
export const EnvVarRequiredEvent = eventSchema("env_var_required");
export const EnvVarSetEvent = eventSchema("env_var_set");
export const HumanRequestEvent = eventSchema("human_request");
export const HumanResponseEvent = eventSchema("human_response");
export const PlanUpdatedEvent = eventSchema("plan_updated");
export const ContextLengthExceededEvent = eventSchema("context_length_exceeded");
export const ContextRecoveryDecidedEvent = eventSchema("context_recovery_decided");
export const BudgetIncreasedEvent = eventSchema("budget_increased");
export const CompactionStartedEvent = eventSchema("compaction_started");
export const CompactionFailedEvent = eventSchema("compaction_failed");
export const ContextCompactedEvent = eventSchema("context_compacted");
export const CompactionFinishedEvent = eventSchema("compaction_finished");

export const AgentEvent = z.discriminatedUnion("type", [
  RunStartedEvent,
  RunCompletedEvent,
  RunFailedEvent,
  RunCancelledEvent,
  RunWaitingHumanEvent,
  LlmRequestStartedEvent,
  LlmResponseDeltaEvent,
  LlmUsageEvent,
  LlmRetryScheduledEvent,
  ToolCallRequestedEvent,
  ApprovalRequestedEvent,
  ApprovalDecidedEvent,
  ToolCallStartedEvent,
  ToolCallFinishedEvent,
  SkillInjectedEvent,
  SkillInjectionSkippedEvent,
  EnvVarRequiredEvent,
  EnvVarSetEvent,
  HumanRequestEvent,
  HumanResponseEvent,
  PlanUpdatedEvent,
  ContextLengthExceededEvent,
  ContextRecoveryDecidedEvent,
  BudgetIncreasedEvent,
  CompactionStartedEvent,
  CompactionFailedEvent,
  ContextCompactedEvent,
  CompactionFinishedEvent,
]);
export type AgentEvent = z.infer<typeof AgentEvent>;

/** The member of the union with the given `type`. */
export type EventOf<T extends EventType> = Extract<AgentEvent, { type: T }>;

/** Envelope keys; anything else at the top level of a WAL line is dropped on read. */
export const ENVELOPE_KEYS = ["type", "timestamp", "run_id", "turn_id", "step_id", "payload", "seq"] as const;

/** Events that end a run (spec 3.3). */
export const TERMINAL_EVENT_TYPES = [
  "run_completed",
  "run_failed",
  "run_cancelled",
  "run_waiting_human",
] as const satisfies readonly EventType[];
export type TerminalEventType = (typeof TERMINAL_EVENT_TYPES)[number];
const terminalSet: ReadonlySet<string> = new Set(TERMINAL_EVENT_TYPES);

/** True for `run_completed`, `run_failed`, `run_cancelled` and `run_waiting_human`. */
export function isTerminalEvent(event: { type: string } | string): boolean {
  return terminalSet.has(typeof event === "string" ? event : event.type);
}

export interface MakeEventOptions {
  turnId?: string | null;
  stepId?: string | null;
  /** Defaults to now (`utcTimestamp()`); injectable for tests and replays. */
  timestamp?: string;
}

/**
 * Build and validate one event. The payload is parsed by its schema (defaults applied, key order
 * normalised); an invalid payload throws a `validation` RuntimeError naming the field.
 */
export function makeEvent<T extends EventType>(
  type: T,
  runId: string,
  payload: EventPayloadInput<T>,
  options: MakeEventOptions = {},
): EventOf<T> {
  const event: Record<string, unknown> = { type, timestamp: options.timestamp ?? utcTimestamp(), run_id: runId };
  if (options.turnId != null) event.turn_id = options.turnId;
  if (options.stepId != null) event.step_id = options.stepId;
  event.payload = payload;
  const parsed = AgentEvent.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw new RuntimeError("validation", `Cannot make event "${type}" for run "${runId}": ${where}${issue?.message ?? "invalid"}`, {
      details: { issues: parsed.error.issues },
    });
  }
  return parsed.data as EventOf<T>;
}
