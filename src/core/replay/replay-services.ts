/**
 * The stand-ins a replayed run talks to: a model that answers from the record, tools that return
 * the recorded results, an approver that repeats the recorded decisions and a person who gives the
 * recorded answers. Nothing here calls a model, runs a process or touches the workspace.
 *
 * When the new run asks for something the record does not have, the stand-in notes a miss and
 * answers as safely as it can (a model call beyond the record cancels the run; a missing tool result
 * becomes an error result; a missing approval is denied).
 */
import { readFileSync } from "node:fs";
import { LlmError, type LlmErrorKind } from "../../llm/errors.ts";
import type { ChatBackend, ChatRequest, ChatStreamEvent } from "../../llm/protocol.ts";
import type { ApprovalProvider, ApprovalRequest } from "../../safety/approvals.ts";
import type { ApprovalDecision } from "../../events/payloads/tool.ts";
import type { ToolResultPayload } from "../../events/tool-result.ts";
import type { HumanInputRequest, HumanIO } from "../../tools/human-io.ts";
import { ToolRegistry, errorResult, type ToolContext } from "../../tools/registry.ts";
import type { ToolKind } from "../../safety/descriptors.ts";
import type { Recording } from "./recording.ts";

/** Something the replayed run needed that the record does not hold. */
export interface ReplayMiss {
  what: "llm_call" | "compaction" | "tool_result" | "approval" | "human_answer";
  detail: string;
}

export class ReplayLog {
  readonly misses: ReplayMiss[] = [];
  llmCalls = 0;
  toolResults = 0;
  miss(what: ReplayMiss["what"], detail: string): void {
    this.misses.push({ what, detail });
  }
}

const SUMMARY_HEADER_LINES = 1;

/** The model text of a recorded compaction: the artifact without its header line. */
function compactionText(path: string | null): string {
  if (!path) return "";
  try {
    const text = readFileSync(path, "utf8");
    return text.split("\n").slice(SUMMARY_HEADER_LINES).join("\n").trim();
  } catch {
    return "";
  }
}

export class ReplayBackend implements ChatBackend {
  private nextCall = 0;
  private nextCompaction = 0;

  constructor(
    private readonly recording: Recording,
    private readonly log: ReplayLog,
    /** Cancels the replayed run (the record stopped here, or ran out). */
    private readonly cancel: (reason: string) => void,
  ) {}

  async *streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent> {
    if (request.purpose === "compaction") {
      yield* this.compaction();
      return;
    }
    const call = this.recording.llmCalls[this.nextCall++];
    if (!call) {
      this.log.miss("llm_call", `model call #${this.nextCall} is not in the record (it has ${this.recording.llmCalls.length})`);
      this.cancel("the record has no more model calls");
      throw new LlmError("cancelled", "Replay: the record has no more model calls");
    }
    this.log.llmCalls += 1;
    for (const payload of call.retries) request.onRetry?.(payload);
    for (const part of call.parts) {
      if (request.signal?.aborted) return;
      yield part;
    }
    if (call.end.kind === "error") {
      const { errorKind, message, retryable, details, retryAfterMs } = call.end;
      throw new LlmError(errorKind as LlmErrorKind, message, { retryable, details, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
    }
    if (call.end.kind === "cut") {
      this.cancel("the recorded run stopped during this model call");
      throw new LlmError("cancelled", "Replay: the recorded run stopped during this model call");
    }
  }

  private async *compaction(): AsyncIterable<ChatStreamEvent> {
    const recorded = this.recording.compactions[this.nextCompaction++];
    if (!recorded) {
      this.log.miss("compaction", `compaction #${this.nextCompaction} is not in the record`);
      throw new LlmError("llm_error", "Replay: this compaction is not in the record");
    }
    if (recorded.kind === "failed") throw new LlmError("llm_error", recorded.error);
    this.log.llmCalls += 1;
    yield { type: "text_delta", text: compactionText(recorded.artifactPath) };
    yield { type: "completed", finish_reason: "stop" };
  }
}

/**
 * The run's registry as seen by the gate (same tools, same kinds, same specs), whose dispatch
 * returns the recorded result instead of running the tool. Tools the record used but this process
 * does not know (a library user's custom tools) count as custom tools.
 */
export class ReplayRegistry extends ToolRegistry {
  /** Tool names the record called. */
  private readonly recordedNames: ReadonlySet<string>;

  constructor(
    private readonly base: ToolRegistry,
    private readonly recording: Recording,
    private readonly log: ReplayLog,
    private readonly cancel: (reason: string) => void,
  ) {
    super();
    this.recordedNames = new Set(recording.events.flatMap((e) => (e.type === "tool_call_requested" ? [e.payload.tool || e.payload.name || ""] : [])));
  }

  override get(name: string) {
    return this.base.get(name);
  }

  override kindOf(name: string): ToolKind {
    const kind = this.base.kindOf(name);
    if (kind !== "unregistered") return kind;
    return this.recordedNames.has(name) ? "custom" : kind;
  }

  override list() {
    return this.base.list();
  }

  override specs() {
    return this.base.specs();
  }

  override async dispatch(name: string, _args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResultPayload> {
    const recorded = this.recording.toolResults.get(ctx.callId);
    if (recorded) {
      this.log.toolResults += 1;
      // The recorded run was cancelled while this tool ran: cancel at the same point.
      if (recorded.error_kind === "cancelled" && this.recording.terminal?.type === "run_cancelled") this.cancel("the recorded run was cancelled during this tool");
      return structuredClone(recorded);
    }
    const stoppedHere = this.recording.events.some((e) => e.type === "tool_call_started" && (e.payload as { call_id?: string }).call_id === ctx.callId);
    if (stoppedHere) {
      this.cancel("the recorded run stopped while this tool ran");
      return errorResult("cancelled", "cancelled by user");
    }
    this.log.miss("tool_result", `no recorded result for ${name} call "${ctx.callId}"`);
    return errorResult("unknown", `Replay: no recorded result for ${name} call "${ctx.callId}"`, { tool: name, replay_miss: true });
  }
}

/** Repeats the recorded decision for each approval key, in order. */
export class ReplayApprovalProvider implements ApprovalProvider {
  private readonly used = new Map<string, number>();

  constructor(
    private readonly recording: Recording,
    private readonly log: ReplayLog,
    private readonly cancel: (reason: string) => void,
  ) {}

  async requestApproval(request: ApprovalRequest): Promise<ApprovalDecision> {
    const decisions = this.recording.approvals.get(request.approval_key) ?? [];
    const index = this.used.get(request.approval_key) ?? 0;
    this.used.set(request.approval_key, index + 1);
    const decision = decisions[index];
    if (decision === "approved" || decision === "approved_for_session" || decision === "denied" || decision === "abort") return decision;
    if (this.recording.undecidedApprovals.has(request.approval_key)) {
      this.cancel("the recorded run stopped while waiting for this approval");
      return "abort";
    }
    this.log.miss("approval", `no recorded decision for ${request.tool} (approval key ${request.approval_key.slice(0, 12)}…): denied`);
    return "denied";
  }
}

/** Gives the recorded answer for each human request. */
export class ReplayHumanIO implements HumanIO {
  constructor(
    private readonly recording: Recording,
    private readonly log: ReplayLog,
  ) {}

  async requestHumanInput(request: HumanInputRequest): Promise<string> {
    const answer = this.recording.humanAnswers.get(request.callId);
    if (answer !== undefined) return answer;
    this.log.miss("human_answer", `no recorded answer for "${request.question}" (call ${request.callId})`);
    throw new Error(`Replay: no recorded answer for call "${request.callId}"`);
  }
}
