/**
 * Questions a live run asks a person (`ask_human`, `request_user_input`, context recovery, skill
 * env vars), answered over HTTP (`POST /api/v1/runs/{run_id}/human`).
 *
 * Design (differs from the reference, which gives Studio runs no HumanIO so they end with
 * `run_waiting_human`): every run gets a HumanIO from here. A question is held while the run stays
 * live (status `waiting_human`, no terminal event), so the Studio can answer inline and the tool
 * gets the answer as if typed. The wait is bounded (`timeoutMs`, or the request's own shorter
 * limit): when it expires — or the server shuts down — the question fails with `human_required`,
 * the tool result says so and the run ends with `run_waiting_human`; an answer after that resumes
 * the run (see the run manager). `request_user_input` asks one question at a time with call id
 * `<call_id>:<question id>`; an answer naming the bare call id takes the oldest of them.
 */
import type { HumanInputRequest, HumanIO } from "../tools/human-io.ts";
import { RuntimeError } from "../util/errors.ts";

export interface PendingHuman {
  run_id: string;
  call_id: string;
  question: string;
  choices: string[] | null;
  context: Record<string, unknown>;
  age_ms: number;
}

interface Waiting {
  runId: string;
  request: HumanInputRequest;
  createdAt: number;
  answer: (text: string) => void;
  fail: (error: Error) => void;
}

export interface HumanWaitsOptions {
  /** Longest live wait for an answer (default 10 minutes). */
  timeoutMs?: number;
  now?: () => number;
}

export const DEFAULT_HUMAN_WAIT_MS = 10 * 60 * 1000;

export class HumanWaits {
  readonly timeoutMs: number;
  private readonly waiting = new Map<string, Waiting[]>();
  /** Answers given while the run was not live: question text -> answer (used once). */
  private readonly preseeded = new Map<string, Map<string, string>>();
  private readonly now: () => number;

  constructor(options: HumanWaitsOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_HUMAN_WAIT_MS;
    this.now = options.now ?? Date.now;
  }

  /** The HumanIO of one run. */
  ioFor(runId: string): HumanIO {
    return { requestHumanInput: (request, options) => this.ask(runId, request, options?.signal) };
  }

  listPending(runId: string): PendingHuman[] {
    const now = this.now();
    return (this.waiting.get(runId) ?? []).map((w) => ({
      run_id: runId,
      call_id: w.request.callId,
      question: w.request.question,
      choices: w.request.choices,
      context: w.request.context,
      age_ms: Math.max(0, Math.floor(now - w.createdAt)),
    }));
  }

  hasPending(runId: string): boolean {
    return (this.waiting.get(runId)?.length ?? 0) > 0;
  }

  /** Give a live question its answer; false when no question of the run has that call id. */
  answer(runId: string, callId: string, answer: string): boolean {
    const list = this.waiting.get(runId) ?? [];
    const found = list.find((w) => w.request.callId === callId) ?? list.find((w) => w.request.callId.startsWith(`${callId}:`));
    if (!found) return false;
    found.answer(answer);
    return true;
  }

  /** Answer the next identical question of this run at once (a resumed run asking again). */
  preseed(runId: string, question: string, answer: string): void {
    let map = this.preseeded.get(runId);
    if (!map) this.preseeded.set(runId, (map = new Map()));
    map.set(question.trim(), answer);
  }

  /** End every live question of a run with `human_required` (server shutdown); the run then pauses. */
  release(runId: string, reason: string): void {
    for (const w of [...(this.waiting.get(runId) ?? [])]) w.fail(this.unanswered(runId, w.request, reason));
  }

  clearRun(runId: string): void {
    this.preseeded.delete(runId);
  }

  private unanswered(runId: string, request: HumanInputRequest, reason: string): RuntimeError {
    return new RuntimeError("human_required", `No answer to "${request.question}" (${reason}); answer it with POST /api/v1/runs/${runId}/human to resume the run`, {
      details: { question: request.question, call_id: request.callId },
    });
  }

  private ask(runId: string, request: HumanInputRequest, signal: AbortSignal | undefined): Promise<string> {
    const seeded = this.preseeded.get(runId);
    const early = seeded?.get(request.question.trim());
    if (early !== undefined) {
      seeded!.delete(request.question.trim());
      return Promise.resolve(early);
    }
    if (signal?.aborted) return Promise.reject(new RuntimeError("cancelled", "cancelled by user"));
    const limit = request.timeoutMs && request.timeoutMs > 0 ? Math.min(request.timeoutMs, this.timeoutMs) : this.timeoutMs;
    return new Promise<string>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const list = this.waiting.get(runId)?.filter((w) => w !== waiting) ?? [];
        if (list.length === 0) this.waiting.delete(runId);
        else this.waiting.set(runId, list);
      };
      const waiting: Waiting = {
        runId,
        request,
        createdAt: this.now(),
        answer: (text) => {
          done();
          resolve(text);
        },
        fail: (error) => {
          done();
          reject(error);
        },
      };
      const onAbort = () => waiting.fail(new RuntimeError("cancelled", "cancelled by user"));
      const timer = setTimeout(() => waiting.fail(this.unanswered(runId, request, `no answer within ${Math.round(limit / 1000)} s`)), limit);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.set(runId, [...(this.waiting.get(runId) ?? []), waiting]);
    });
  }
}
