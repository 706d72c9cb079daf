/**
 * What the API says about a run, read from its WAL: the task, start and end times, usage, the
 * terminal event, and the state of the last segment (after the last `run_started`) that restart
 * recovery needs: approvals requested and not decided, and a human question not answered.
 * One pass over the file with bounded memory (WalCursor).
 */
import { z } from "zod";
import { isTerminalEvent } from "../events/schema.ts";
import { WalCursor, type WalLine } from "./wal-cursor.ts";

export const Usage = z.object({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof Usage>;

/** An approval whose `approval_requested` has no `approval_decided` in the run's last segment. */
export interface WalPendingApproval {
  run_id: string;
  approval_key: string;
  tool: string;
  summary: string;
  request: Record<string, unknown>;
  /** Timestamp of the approval_requested event. */
  requested_at: string;
  seq: number;
  turn_id?: string;
  step_id?: string;
  /** The call of the same step (from tool_call_requested), when known. */
  call_id?: string;
}

export interface HumanQuestion {
  call_id: string;
  tool: string | null;
  question: string | null;
  choices: string[] | null;
  context: Record<string, unknown> | null;
  /** `request_user_input`: the questions. */
  questions?: unknown[];
}

/** A tool call of the last segment without its `tool_call_finished`. */
export interface UnfinishedCall {
  call_id: string;
  tool: string;
  turn_id?: string;
  step_id?: string;
}

export interface RunSummary {
  /** Valid event lines. */
  events: number;
  lastSeq: number;
  task: string | null;
  startedAt: string | null;
  /** Timestamp of the last event when it is terminal. */
  endedAt: string | null;
  /** The last event when it is terminal. */
  terminal: { type: string; seq: number; timestamp: string | null; payload: Record<string, unknown> } | null;
  usage: Usage;
  /** Last segment, no terminal: approvals still waiting for a decision. */
  pendingApprovals: WalPendingApproval[];
  /** Last segment, no terminal: a human question whose tool call has not finished. */
  pendingHuman: HumanQuestion | null;
  /** The question a `run_waiting_human` terminal waits on (from its human_request). */
  waitingHuman: HumanQuestion | null;
  /** Last segment, no terminal: calls requested and never finished (a server stopped meanwhile). */
  unfinishedCalls: UnfinishedCall[];
}

const str = (value: unknown): string | null => (typeof value === "string" ? value : null);
const obj = (value: unknown): Record<string, unknown> => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const int = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0);

function humanQuestion(payload: Record<string, unknown>, tool: string | null): HumanQuestion {
  const questions = Array.isArray(payload.questions) ? payload.questions : undefined;
  const first = questions ? obj(questions[0]) : {};
  return {
    call_id: str(payload.call_id) ?? "",
    tool: str(payload.tool) ?? tool,
    question: str(payload.question) ?? str(first.question),
    choices: Array.isArray(payload.choices) ? payload.choices.filter((c): c is string => typeof c === "string") : null,
    context: payload.context ? obj(payload.context) : null,
    ...(questions ? { questions } : {}),
  };
}

/** Incremental summary: feed lines in order, then `result()`. */
export class RunSummaryBuilder {
  private events = 0;
  private lastSeq = -1;
  private task: string | null = null;
  private startedAt: string | null = null;
  private last: WalLine | null = null;
  private readonly usage: Usage = { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
  private approvals = new Map<string, WalPendingApproval>();
  private calls = new Map<string, { callId: string; tool: string }>();
  private requested = new Map<string, UnfinishedCall>();
  private toolOfCall = new Map<string, string>();
  private finished = new Set<string>();
  private humans = new Map<string, HumanQuestion>();
  private allHumans = new Map<string, HumanQuestion>();

  constructor(private readonly runId: string) {}

  add(line: WalLine): void {
    if (line.value === null || line.type === null) return;
    const event = line.value;
    const payload = obj(event.payload);
    this.events += 1;
    this.lastSeq = line.seq;
    this.last = line;
    const ids = { turn_id: str(event.turn_id) ?? undefined, step_id: str(event.step_id) ?? undefined };
    switch (line.type) {
      case "run_started":
        this.task = str(payload.task) ?? this.task;
        this.startedAt ??= str(event.timestamp);
        this.approvals = new Map();
        this.calls = new Map();
        this.requested = new Map();
        this.finished = new Set();
        this.humans = new Map();
        break;
      case "llm_usage":
        this.usage.input_tokens += int(payload.input_tokens);
        this.usage.output_tokens += int(payload.output_tokens);
        this.usage.total_tokens += int(payload.total_tokens) || int(payload.input_tokens) + int(payload.output_tokens);
        break;
      case "tool_call_requested": {
        const callId = str(payload.call_id) ?? "";
        const tool = str(payload.tool) ?? str(payload.name) ?? "";
        if (ids.step_id) this.calls.set(ids.step_id, { callId, tool });
        this.toolOfCall.set(callId, tool);
        this.requested.set(callId, { call_id: callId, tool, ...(ids.turn_id ? { turn_id: ids.turn_id } : {}), ...(ids.step_id ? { step_id: ids.step_id } : {}) });
        break;
      }
      case "tool_call_finished":
        this.finished.add(str(payload.call_id) ?? "");
        break;
      case "approval_requested": {
        const key = str(payload.approval_key);
        if (!key) break;
        const call = ids.step_id ? this.calls.get(ids.step_id) : undefined;
        this.approvals.set(key, {
          run_id: this.runId,
          approval_key: key,
          tool: str(payload.tool) ?? call?.tool ?? "",
          summary: str(payload.summary) ?? "",
          request: obj(payload.request),
          requested_at: str(event.timestamp) ?? "",
          seq: line.seq,
          ...(ids.turn_id ? { turn_id: ids.turn_id } : {}),
          ...(ids.step_id ? { step_id: ids.step_id } : {}),
          ...(call ? { call_id: call.callId } : {}),
        });
        break;
      }
      case "approval_decided":
        this.approvals.delete(str(payload.approval_key) ?? "");
        break;
      case "human_request": {
        const callId = str(payload.call_id) ?? "";
        const question = humanQuestion(payload, this.toolOfCall.get(callId) ?? null);
        this.humans.set(callId, question);
        this.allHumans.set(callId, question);
        break;
      }
      case "human_response":
        this.humans.delete(str(payload.call_id) ?? "");
        break;
    }
  }

  result(): RunSummary {
    const last = this.last;
    const terminal =
      last && last.type && isTerminalEvent(last.type)
        ? { type: last.type, seq: last.seq, timestamp: str(last.value?.timestamp), payload: obj(last.value?.payload) }
        : null;
    const pendingHuman = terminal ? null : ([...this.humans.values()].find((h) => this.toolOfCall.has(h.call_id) && !this.finished.has(h.call_id)) ?? null);
    let waitingHuman: HumanQuestion | null = null;
    if (terminal?.type === "run_waiting_human") {
      const callId = str(terminal.payload.call_id) ?? "";
      waitingHuman = this.allHumans.get(callId) ?? { call_id: callId, tool: str(terminal.payload.tool), question: str(terminal.payload.message), choices: null, context: null };
    }
    return {
      events: this.events,
      lastSeq: this.lastSeq,
      task: this.task,
      startedAt: this.startedAt,
      endedAt: terminal?.timestamp ?? null,
      terminal,
      usage: { ...this.usage },
      pendingApprovals: terminal ? [] : [...this.approvals.values()].sort((a, b) => a.seq - b.seq),
      pendingHuman,
      waitingHuman,
      unfinishedCalls: terminal ? [] : [...this.requested.values()].filter((call) => !this.finished.has(call.call_id)),
    };
  }
}

/** Summarise a run's WAL file (a missing file is an empty run). */
export async function summarizeWal(walPath: string, runId: string): Promise<RunSummary> {
  const builder = new RunSummaryBuilder(runId);
  await new WalCursor(walPath).readAll((line) => builder.add(line));
  return builder.result();
}
