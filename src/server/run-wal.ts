/**
 * Events the server itself writes into a run's WAL when no Agent is writing it: a worker failure
 * before the Agent could record one (spec 12.5), the decision of an approval answered after a
 * restart, the human answer that resumes a paused run, and the terminal of a run whose server
 * died. They go through the same JSONL WAL (lock, `seq`, fsync of terminals) as the engine's.
 */
import { makeEvent, type AgentEvent, type EventType } from "../events/schema.ts";
import { errorResult } from "../tools/registry.ts";
import { JsonlWal } from "../wal/append.ts";
import type { UnfinishedCall } from "./run-summary.ts";

export interface ServerEvent {
  type: EventType;
  payload: Record<string, unknown>;
  turnId?: string;
  stepId?: string;
}

/** Append events in order; `build` gets the WAL locator (for `wal_locator` fields). Returns them with seq. */
export async function appendRunEvents(workspaceRoot: string, runId: string, build: (walLocator: string) => ServerEvent[]): Promise<AgentEvent[]> {
  const wal = JsonlWal.forRun(workspaceRoot, runId);
  try {
    const out: AgentEvent[] = [];
    for (const item of build(wal.locator())) {
      const event = makeEvent(item.type, runId, item.payload as never, { turnId: item.turnId ?? null, stepId: item.stepId ?? null }) as AgentEvent;
      const seq = await wal.append(event);
      out.push({ ...event, seq } as AgentEvent);
    }
    return out;
  } finally {
    wal.close();
  }
}

/** `tool_call_finished` for a call that never finished, with a result the model can read. */
export function unfinishedCallResult(call: UnfinishedCall, stderr: string, errorKind = "cancelled", data: Record<string, unknown> = {}): ServerEvent {
  return {
    type: "tool_call_finished",
    payload: { call_id: call.call_id, tool: call.tool, result: errorResult(errorKind, stderr, { tool: call.tool, ...data }) },
    ...(call.turn_id ? { turnId: call.turn_id } : {}),
    ...(call.step_id ? { stepId: call.step_id } : {}),
  };
}

/** The spec 12.5 failure line for an exception outside the Agent's own handling. */
export function workerFailure(error: unknown, walLocator: string): ServerEvent {
  const exceptionClass = error instanceof Error ? error.constructor.name : typeof error;
  const kind = (error as { kind?: unknown })?.kind === "config_error" ? "config_error" : "unknown";
  return {
    type: "run_failed",
    payload: {
      error_kind: kind,
      message: error instanceof Error ? error.message : String(error),
      retryable: false,
      wal_locator: walLocator,
      details: { exception_class: exceptionClass },
    },
  };
}
