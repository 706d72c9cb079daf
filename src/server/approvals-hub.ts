/**
 * The approvals hub of `serve` (spec 12.5, decisions.md item 11): the approval provider of every
 * run this process executes, and the list of approvals waiting for a person.
 *
 * - Entries are keyed by (run_id, approval_key). `providerFor(runId)` registers an entry per
 *   request, reusing an undecided one for the same key (a sub-agent sharing the parent's provider
 *   and asking the same thing waits on the same entry), waits at most the request's `timeoutMs`
 *   (then the entry is removed and the gate records `denied`/`timeout`), stops waiting when the
 *   gate aborts, and always removes its own entry at the end.
 * - `decide(runId, key, decision)`: no pending entry → 404 "approval not found" (checked before
 *   the decision); the decision is trimmed and case-insensitive: approved, approved_for_session
 *   (aliases approved-session, approved_for_sess), denied, abort; anything else → 400 kind
 *   `validation` "invalid decision" and the entry stays pending.
 * - Restart: approvals found in WALs at start-up (no process waits on them any more) are added
 *   as *dormant* entries. Deciding one hands it to the dormant handler (the run manager), which
 *   records the decision in the WAL and resumes the run in this process; `preseed` makes the
 *   resumed run's gate get that decision at once for the same key.
 */
import { z } from "zod";
import { ApprovalDecision, type ApprovalProvider, type ApprovalRequest, type ApprovalRequestOptions } from "../safety/approvals.ts";
import type { ApprovalsHub as ApprovalsHubContract } from "./context.ts";
import { HttpError } from "./errors.ts";
import type { WalPendingApproval } from "./run-summary.ts";

export const PendingApproval = z.object({
  run_id: z.string(),
  approval_key: z.string(),
  tool: z.string(),
  summary: z.string(),
  request: z.record(z.string(), z.unknown()),
  age_ms: z.number().int().nonnegative(),
});
export type PendingApproval = z.infer<typeof PendingApproval>;

const ALIASES: Readonly<Record<string, ApprovalDecision>> = {
  approved: "approved",
  approved_for_session: "approved_for_session",
  "approved-session": "approved_for_session",
  approved_for_sess: "approved_for_session",
  denied: "denied",
  abort: "abort",
};

/** The decision a client sent, or null when it is not one (trimmed, case-insensitive, aliases). */
export function parseDecision(value: unknown): ApprovalDecision | null {
  if (typeof value !== "string") return null;
  return ALIASES[value.trim().toLowerCase()] ?? null;
}

/** Records the decision of an approval found in a WAL and resumes its run. */
export type DormantDecisionHandler = (approval: WalPendingApproval, decision: ApprovalDecision) => Promise<void>;

interface Entry {
  runId: string;
  key: string;
  tool: string;
  summary: string;
  request: Record<string, unknown>;
  createdAt: number;
  /** Resolvers of the provider calls waiting on this entry (live entries). */
  waiters: Set<(decision: ApprovalDecision) => void>;
  /** Set for an approval rebuilt from a WAL after a restart. */
  dormant: WalPendingApproval | null;
}

export interface ApprovalsHubOptions {
  /** Epoch milliseconds (default Date.now). */
  now?: () => number;
}

export class ApprovalsHub implements ApprovalsHubContract {
  private readonly entries = new Map<string, Map<string, Entry>>();
  private readonly preseeded = new Map<string, Map<string, ApprovalDecision>>();
  private readonly now: () => number;
  private dormantHandler: DormantDecisionHandler | null = null;

  constructor(options: ApprovalsHubOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** The approval provider of one run. */
  providerFor(runId: string): ApprovalProvider {
    return { requestApproval: (request, opts) => this.request(runId, request, opts) };
  }

  /** Pending approvals of a run, oldest first (an unknown run has none). */
  listPending(runId: string): PendingApproval[] {
    const now = this.now();
    return [...(this.entries.get(runId)?.values() ?? [])]
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((e) => ({ run_id: e.runId, approval_key: e.key, tool: e.tool, summary: e.summary, request: e.request, age_ms: Math.max(0, Math.floor(now - e.createdAt)) }));
  }

  hasPending(runId: string): boolean {
    return (this.entries.get(runId)?.size ?? 0) > 0;
  }

  /** Whether the run's pending approvals were rebuilt from its WAL (nobody waits on them in-process). */
  hasDormant(runId: string): boolean {
    return [...(this.entries.get(runId)?.values() ?? [])].some((e) => e.dormant !== null);
  }

  /** Runs with at least one pending approval. */
  runsWithPending(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * Answer a pending approval. Live: the waiting gate gets the decision. Dormant: the dormant
   * handler records it and resumes the run (when it fails, the entry is pending again).
   */
  async decide(runId: string, key: string, decision: unknown): Promise<ApprovalDecision> {
    const entry = this.entries.get(runId)?.get(key);
    if (!entry) throw new HttpError("not_found", "approval not found", { run_id: runId, approval_key: key });
    const parsed = parseDecision(decision);
    if (parsed === null) {
      throw new HttpError("validation", "invalid decision", {
        decision: typeof decision === "string" ? decision : JSON.stringify(decision ?? null),
        allowed: ["approved", "approved_for_session", "denied", "abort"],
      });
    }
    this.remove(entry);
    if (entry.dormant) {
      if (!this.dormantHandler) {
        this.put(entry);
        throw new HttpError("internal", `Cannot resume run ${JSON.stringify(runId)}: no run manager handles restarted approvals`);
      }
      try {
        await this.dormantHandler(entry.dormant, parsed);
      } catch (error) {
        this.put(entry);
        throw error;
      }
      return parsed;
    }
    for (const wake of [...entry.waiters]) wake(parsed);
    return parsed;
  }

  /** The run manager's handler for dormant approvals. */
  setDormantHandler(handler: DormantDecisionHandler): void {
    this.dormantHandler = handler;
  }

  /** Add an approval found in a WAL (ignored when the run already has that key pending). */
  addDormant(approval: WalPendingApproval): void {
    if (this.entries.get(approval.run_id)?.has(approval.approval_key)) return;
    const at = Date.parse(approval.requested_at);
    this.put({
      runId: approval.run_id,
      key: approval.approval_key,
      tool: approval.tool,
      summary: approval.summary,
      request: approval.request,
      createdAt: Number.isFinite(at) ? at : this.now(),
      waiters: new Set(),
      dormant: approval,
    });
  }

  /** The next request for `key` in this run is answered `decision` at once (a resumed run). */
  preseed(runId: string, key: string, decision: ApprovalDecision): void {
    let map = this.preseeded.get(runId);
    if (!map) this.preseeded.set(runId, (map = new Map()));
    map.set(key, decision);
  }

  /** Forget a run's dormant entries and pre-seeded decisions (live entries end with their waiters). */
  clearRun(runId: string, options: { keepDormant?: boolean } = {}): void {
    this.preseeded.delete(runId);
    if (options.keepDormant) return;
    for (const entry of [...(this.entries.get(runId)?.values() ?? [])]) if (entry.dormant) this.remove(entry);
  }

  private request(runId: string, request: ApprovalRequest, opts: ApprovalRequestOptions): Promise<ApprovalDecision> {
    const seeded = this.preseeded.get(runId);
    const early = seeded?.get(request.approval_key);
    if (early !== undefined) {
      seeded!.delete(request.approval_key);
      if (seeded!.size === 0) this.preseeded.delete(runId);
      return Promise.resolve(early);
    }
    let entry = this.entries.get(runId)?.get(request.approval_key);
    if (entry?.dormant) {
      this.remove(entry); // the run is live again: this request replaces the rebuilt one
      entry = undefined;
    }
    if (!entry) {
      entry = {
        runId,
        key: request.approval_key,
        tool: request.tool,
        summary: request.summary,
        request: request.details,
        createdAt: this.now(),
        waiters: new Set(),
        dormant: null,
      };
      this.put(entry);
    }
    const target = entry;
    return new Promise<ApprovalDecision>((resolve) => {
      const finish = (decision: ApprovalDecision) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener("abort", onAbort);
        target.waiters.delete(finish);
        if (target.waiters.size === 0) this.remove(target);
        resolve(decision);
      };
      // Timeout or an abandoned wait: nobody takes the answer; the gate records timeout/cancel.
      const onAbort = () => finish("denied");
      const timer = setTimeout(() => finish("denied"), Math.max(1, opts.timeoutMs));
      target.waiters.add(finish);
      if (opts.signal?.aborted) onAbort();
      else opts.signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  private put(entry: Entry): void {
    let map = this.entries.get(entry.runId);
    if (!map) this.entries.set(entry.runId, (map = new Map()));
    map.set(entry.key, entry);
  }

  private remove(entry: Entry): void {
    const map = this.entries.get(entry.runId);
    if (map?.get(entry.key) !== entry) return;
    map.delete(entry.key);
    if (map.size === 0) this.entries.delete(entry.runId);
  }
}
