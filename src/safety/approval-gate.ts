/**
 * The approval flow of spec 5.4 as data. For one `ask` decision the gate computes the key, answers
 * from the session cache, or emits `approval_requested`, asks the provider under a timeout and an
 * AbortSignal, emits `approval_decided`, and keeps the session cache and the per-key denial
 * counters (loop guard). It owns no event stream: events go through the injected `emit`, awaited,
 * so the engine's WAL order is exactly requested → (provider) → decided.
 */
import { RuntimeError } from "../util/errors.ts";
import { computeApprovalKey } from "./approval-key.ts";
import { ApprovalDecision, approvalSummary, type ApprovalProvider, type ApprovalReason, type ApprovalRequest } from "./approvals.ts";
import { isPlainObject } from "./python-compat.ts";

export const DEFAULT_APPROVAL_TIMEOUT_MS = 60000;
/** Denials of the same key that end the run (`approval_denied`). */
export const LOOP_GUARD_THRESHOLD = 2;

export type ApprovalEventType = "approval_requested" | "approval_decided";
export type ApprovalEmit = (type: ApprovalEventType, payload: Record<string, unknown>) => void | Promise<void>;

export interface ApprovalGateOptions {
  provider?: ApprovalProvider | null;
  /** `safety.approval_timeout_ms`; anything but a positive number gives 60000. */
  timeoutMs?: number | null;
  emit: ApprovalEmit;
  /** Approved-for-session keys; pass the Agent's set to share it across runs. */
  sessionCache?: Set<string>;
  loopGuardThreshold?: number;
}

export interface ApprovalAsk {
  tool: string;
  /** The sanitized request (spec 5.6). */
  request: Record<string, unknown>;
  /** Defaults to `approvalSummary(tool, request)`. */
  summary?: string;
}

export interface ApprovalOutcome {
  decision: ApprovalDecision;
  reason: ApprovalReason;
  approvalKey: string;
  summary: string;
  /** Whether `approval_requested` was emitted (false for a cached key). */
  emitRequested: boolean;
  /** Whether `approval_decided` was emitted (false only when `cancelled`). */
  emitDecided: boolean;
  /** True when the signal aborted the wait: the decision is `abort`, nothing was decided. */
  cancelled: boolean;
  /** Denials of this key so far, this one included. */
  denialCount: number;
  /** The key has been denied `loopGuardThreshold` times: the run must fail with `approval_denied`. */
  loopGuardTripped: boolean;
}

export interface ApprovalMemorySnapshot {
  sessionKeys: string[];
  denialCounts: Record<string, number>;
}

const TIMED_OUT = Symbol("timed out");
const CANCELLED = Symbol("cancelled");

export class ApprovalGate {
  readonly timeoutMs: number;
  private readonly provider: ApprovalProvider | null;
  private readonly emit: ApprovalEmit;
  private readonly sessionCache: Set<string>;
  private readonly denials = new Map<string, number>();
  private readonly threshold: number;

  constructor(options: ApprovalGateOptions) {
    const t = options.timeoutMs;
    this.timeoutMs = typeof t === "number" && Number.isFinite(t) && t >= 1 ? Math.floor(t) : DEFAULT_APPROVAL_TIMEOUT_MS;
    this.provider = options.provider ?? null;
    this.emit = options.emit;
    this.sessionCache = options.sessionCache ?? new Set();
    this.threshold = options.loopGuardThreshold ?? LOOP_GUARD_THRESHOLD;
  }

  async request(ask: ApprovalAsk, opts: { signal?: AbortSignal } = {}): Promise<ApprovalOutcome> {
    const approvalKey = computeApprovalKey(ask.tool, ask.request);
    const summary = ask.summary ?? approvalSummary(ask.tool, ask.request);
    const base = { approvalKey, summary, cancelled: false, emitDecided: true };
    if (this.sessionCache.has(approvalKey)) {
      await this.emit("approval_decided", { approval_key: approvalKey, decision: "approved_for_session", reason: "cached" });
      return { ...base, decision: "approved_for_session", reason: "cached", emitRequested: false, ...this.count(approvalKey, false) };
    }
    await this.emit("approval_requested", { approval_key: approvalKey, tool: ask.tool, summary, request: ask.request });

    let decision: ApprovalDecision;
    let reason: ApprovalReason;
    if (this.provider === null) {
      decision = "denied";
      reason = "no_provider";
    } else {
      const request: ApprovalRequest = { approval_key: approvalKey, tool: ask.tool, summary, details: ask.request };
      const answer = await this.askProvider(this.provider, request, opts.signal);
      if (answer === CANCELLED) {
        return { ...base, decision: "abort", reason: "provider", emitRequested: true, emitDecided: false, cancelled: true, ...this.count(approvalKey, false) };
      }
      decision = answer === TIMED_OUT ? "denied" : answer;
      reason = answer === TIMED_OUT ? "timeout" : "provider";
    }
    await this.emit("approval_decided", { approval_key: approvalKey, decision, reason });
    if (decision === "approved_for_session") this.sessionCache.add(approvalKey);
    return { ...base, decision, reason, emitRequested: true, ...this.count(approvalKey, decision === "denied") };
  }

  private count(key: string, denied: boolean): { denialCount: number; loopGuardTripped: boolean } {
    const denialCount = (this.denials.get(key) ?? 0) + (denied ? 1 : 0);
    if (denied) this.denials.set(key, denialCount);
    return { denialCount, loopGuardTripped: denied && denialCount >= this.threshold };
  }

  private async askProvider(
    provider: ApprovalProvider,
    request: ApprovalRequest,
    signal: AbortSignal | undefined,
  ): Promise<ApprovalDecision | typeof TIMED_OUT | typeof CANCELLED> {
    if (signal?.aborted) return CANCELLED;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    const timedOut = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), this.timeoutMs);
    });
    const cancelled = new Promise<typeof CANCELLED>((resolve) => {
      onAbort = () => resolve(CANCELLED);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    try {
      const answered = provider.requestApproval(request, { timeoutMs: this.timeoutMs, signal: controller.signal });
      const result = await Promise.race([answered, timedOut, cancelled]);
      if (result === TIMED_OUT || result === CANCELLED) {
        answered.catch(() => undefined); // a late rejection must not surface as unhandled
        return result;
      }
      const parsed = ApprovalDecision.safeParse(result);
      if (!parsed.success) {
        throw new RuntimeError("unknown", `Approval provider returned an invalid decision ${JSON.stringify(result)} for tool "${request.tool}"`, {
          details: { tool: request.tool, approval_key: request.approval_key },
        });
      }
      return parsed.data;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener("abort", onAbort);
      controller.abort();
    }
  }

  /** Keys approved for the session (copy). */
  sessionKeys(): string[] {
    return [...this.sessionCache];
  }

  /** Restore approved-for-session keys (replay resume). */
  seedSessionApprovals(keys: Iterable<string>): void {
    for (const key of keys) this.sessionCache.add(key);
  }

  /** Restore denial counters (replay resume); counts add to the current ones. */
  seedDenialCounts(counts: Iterable<[string, number]> | Record<string, number>): void {
    const entries = Symbol.iterator in counts ? [...(counts as Iterable<[string, number]>)] : Object.entries(counts);
    for (const [key, n] of entries) if (Number.isInteger(n) && n > 0) this.denials.set(key, (this.denials.get(key) ?? 0) + n);
  }

  /**
   * Rebuild cache and counters from a run's events (spec 3.x replay): every
   * `approval_decided{approved_for_session}` key joins the cache, every `denied` one counts.
   */
  restoreFromEvents(events: Iterable<{ type: string; payload?: unknown }>): void {
    for (const event of events) {
      if (event.type !== "approval_decided" || !isPlainObject(event.payload)) continue;
      const key = event.payload.approval_key;
      if (typeof key !== "string") continue;
      if (event.payload.decision === "approved_for_session") this.sessionCache.add(key);
      else if (event.payload.decision === "denied") this.denials.set(key, (this.denials.get(key) ?? 0) + 1);
    }
  }

  snapshot(): ApprovalMemorySnapshot {
    return { sessionKeys: this.sessionKeys(), denialCounts: Object.fromEntries(this.denials) };
  }
}
