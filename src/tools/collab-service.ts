/**
 * The sub-agent manager (spec 8.3 with the TESTED semantics of 8.6): children are started by an
 * injected runner, so the same service backs a run's in-process children (Agent runs, see
 * src/core/child-agent.ts) and the runtime server's children (builtinChildRunner).
 *
 * A child is live (`running`, `waiting_human`) until its runner settles or it is closed, then it
 * moves to the terminal table (`completed`, `failed`, `cancelled`). Closing a live child aborts
 * its runner's signal and marks it `cancelled` at once; what the runner reports afterwards is
 * ignored (except its run id and WAL locator). Waiting is promise-based: no polling.
 */
import { RuntimeError } from "../util/errors.ts";
import type { ChildSnapshot, ChildStatus, CollabManager, CollabSpawnRequest } from "./collab.ts";

export type ChildTerminalStatus = Extract<ChildStatus, "completed" | "failed" | "cancelled">;

/** What a runner reports when its child is done. */
export interface ChildOutcome {
  finalOutput: string;
  /** Default `completed`. */
  status?: ChildTerminalStatus;
  /** Why a `failed` child failed (default: `finalOutput`). */
  error?: string;
  runId?: string;
  walLocator?: string;
}

/** Messages sent to a child with `send_input`, in order. */
export interface ChildInbox {
  /** The next message; rejects when the child is cancelled (or `signal` aborts). */
  next(options?: { signal?: AbortSignal }): Promise<string>;
}

export interface ChildRunContext {
  /** The child id (32 lowercase hex). */
  id: string;
  /** The child profile id (`CollabSpawnRequest.agentType`). */
  agentType: string;
  /** `CollabSpawnRequest.options`, untouched ({} when none). */
  options: Readonly<Record<string, unknown>>;
  /** Aborted when the child is closed or the service closes all children. */
  signal: AbortSignal;
  inbox: ChildInbox;
  /** Report `waiting_human` with the question (a string) or back to `running` (null). */
  setWaitingHuman(question: string | null): void;
  /** Ask for the next message as a human answer: `waiting_human` while waiting, then `running`. */
  waitForInput(question: string, options?: { signal?: AbortSignal }): Promise<string>;
  /**
   * Report the child's own run and WAL. Call it before the runner's first `await` so the
   * snapshot `spawn` returns already carries them.
   */
  setRun(run: { runId: string; walLocator: string }): void;
}

/** Runs one child to its end; throwing makes the child `failed`. */
export type ChildRunner = (message: string, ctx: ChildRunContext) => Promise<ChildOutcome>;

export interface CollabServiceOptions {
  runner: ChildRunner;
  /** How long `closeAll` waits for cancelled runners to settle (ms, default 5000). */
  settleTimeoutMs?: number;
}

/** A FIFO of messages with waiting readers. */
class MessageQueue implements ChildInbox {
  private readonly messages: string[] = [];
  private readonly readers: { resolve: (message: string) => void; reject: (error: unknown) => void }[] = [];

  constructor(private readonly cancelled: AbortSignal) {
    cancelled.addEventListener("abort", () => {
      for (const reader of this.readers.splice(0)) reader.reject(abortError(cancelled));
    }, { once: true });
  }

  push(message: string): void {
    const reader = this.readers.shift();
    if (reader) reader.resolve(message);
    else this.messages.push(message);
  }

  next(options: { signal?: AbortSignal } = {}): Promise<string> {
    const signal = options.signal;
    if (this.cancelled.aborted) return Promise.reject(abortError(this.cancelled));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.messages.length > 0) return Promise.resolve(this.messages.shift()!);
    return new Promise<string>((resolve, reject) => {
      const reader = {
        resolve: (message: string) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(message);
        },
        reject: (error: unknown) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        const index = this.readers.indexOf(reader);
        if (index >= 0) this.readers.splice(index, 1);
        reject(abortError(signal!));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.readers.push(reader);
    });
  }
}

function abortError(signal: AbortSignal): RuntimeError {
  return new RuntimeError("cancelled", "The sub-agent was cancelled", { cause: signal.reason });
}

interface LiveChild {
  snapshot: ChildSnapshot;
  controller: AbortController;
  inbox: MessageQueue;
  terminal: PromiseWithResolvers<void>;
}

/** A copy of a snapshot with only the fields its status carries. */
function publicSnapshot(snapshot: ChildSnapshot): ChildSnapshot {
  const { final_output, error, question, ...rest } = snapshot;
  return {
    ...rest,
    ...(snapshot.status === "completed" && final_output !== undefined ? { final_output } : {}),
    ...(snapshot.status === "failed" && error !== undefined ? { error } : {}),
    ...(snapshot.status === "waiting_human" && question !== undefined ? { question } : {}),
  };
}

export class CollabService implements CollabManager {
  readonly kind = "in_process";
  private readonly runner: ChildRunner;
  private readonly settleTimeoutMs: number;
  private readonly live = new Map<string, LiveChild>();
  private readonly terminal = new Map<string, ChildSnapshot>();
  /** Runner promises not yet settled (a closed child's runner may still be winding down). */
  private readonly settling = new Set<Promise<void>>();

  constructor(options: CollabServiceOptions) {
    this.runner = options.runner;
    this.settleTimeoutMs = options.settleTimeoutMs ?? 5_000;
  }

  /** How many children are live (running or waiting_human). */
  get liveCount(): number {
    return this.live.size;
  }

  async spawn(request: CollabSpawnRequest): Promise<ChildSnapshot> {
    const message = typeof request.message === "string" ? request.message : "";
    if (message.trim() === "") throw new RuntimeError("validation", "Cannot spawn a sub-agent: the message is empty");
    const id = crypto.randomUUID().replaceAll("-", "");
    const agentType = request.agentType?.trim() || "default";
    const controller = new AbortController();
    const child: LiveChild = {
      snapshot: { id, agent_type: agentType, status: "running" },
      controller,
      inbox: new MessageQueue(controller.signal),
      terminal: Promise.withResolvers<void>(),
    };
    this.live.set(id, child);
    const ctx = this.contextFor(child, request.options ?? {});
    let running: Promise<ChildOutcome>;
    try {
      running = this.runner(message, ctx);
    } catch (error) {
      running = Promise.reject(error);
    }
    const settled = running.then(
      (outcome) => this.settle(child, outcome),
      (error) => this.settle(child, { status: "failed", finalOutput: "", error: error instanceof Error ? error.message : String(error) }),
    );
    this.settling.add(settled);
    void settled.finally(() => this.settling.delete(settled));
    return publicSnapshot(child.snapshot);
  }

  async wait(ids: readonly string[], timeoutMs?: number | null, options: { signal?: AbortSignal } = {}): Promise<ChildSnapshot[]> {
    if (!Array.isArray(ids) || ids.length === 0) throw new RuntimeError("validation", "Cannot wait for sub-agents: ids is empty");
    const unknown = [...new Set(ids.filter((id) => !this.live.has(id) && !this.terminal.has(id)))];
    if (unknown.length > 0) {
      throw new RuntimeError("not_found", `Cannot wait for sub-agents: unknown ids: ${JSON.stringify(unknown)}`, { details: { ids: unknown } });
    }
    const pending = [...new Set(ids)].flatMap((id) => {
      const child = this.live.get(id);
      return child ? [child.terminal.promise] : [];
    });
    if (pending.length > 0) await untilDone(Promise.all(pending), timeoutMs ?? null, options.signal);
    return ids.map((id) => this.snapshotOf(id)!);
  }

  async sendInput(id: string, message: string): Promise<void> {
    if (typeof message !== "string" || message === "") throw new RuntimeError("validation", `Cannot send input to sub-agent "${id}": the message is empty`);
    const child = this.live.get(id);
    if (!child) throw new RuntimeError("not_found", `Cannot send input to sub-agent "${id}": agent not found`, { details: { id } });
    child.inbox.push(message);
  }

  async close(id: string): Promise<void> {
    const child = this.live.get(id);
    if (child) return this.cancel(child);
    if (this.terminal.has(id)) return;
    throw new RuntimeError("not_found", `Cannot close sub-agent "${id}": child not found`, { details: { id } });
  }

  async resume(id: string): Promise<ChildSnapshot> {
    const snapshot = this.snapshotOf(id);
    if (!snapshot) throw new RuntimeError("not_found", `Cannot resume sub-agent "${id}": child not found`, { details: { id } });
    if (snapshot.status === "cancelled") {
      throw new RuntimeError("not_found", `Cannot resume sub-agent "${id}": child not found (it was cancelled)`, { details: { id, status: "cancelled" } });
    }
    return snapshot;
  }

  async closeAll(): Promise<void> {
    for (const child of [...this.live.values()]) this.cancel(child);
    if (this.settling.size === 0) return;
    const timer = Promise.withResolvers<void>();
    const handle = setTimeout(timer.resolve, this.settleTimeoutMs);
    try {
      await Promise.race([Promise.allSettled([...this.settling]), timer.promise]);
    } finally {
      clearTimeout(handle);
    }
  }

  /** The child's current snapshot (live or terminal), or undefined when unknown. */
  snapshotOf(id: string): ChildSnapshot | undefined {
    const snapshot = this.live.get(id)?.snapshot ?? this.terminal.get(id);
    return snapshot ? publicSnapshot(snapshot) : undefined;
  }

  private contextFor(child: LiveChild, options: Readonly<Record<string, unknown>>): ChildRunContext {
    const isLive = () => this.live.get(child.snapshot.id) === child;
    const setWaitingHuman = (question: string | null) => {
      if (!isLive()) return;
      child.snapshot.status = question === null ? "running" : "waiting_human";
      if (question === null) delete child.snapshot.question;
      else child.snapshot.question = question;
    };
    return {
      id: child.snapshot.id,
      agentType: child.snapshot.agent_type,
      options,
      signal: child.controller.signal,
      inbox: child.inbox,
      setWaitingHuman,
      waitForInput: async (question, options) => {
        setWaitingHuman(question);
        try {
          return await child.inbox.next(options);
        } finally {
          setWaitingHuman(null);
        }
      },
      setRun: ({ runId, walLocator }) => {
        child.snapshot.run_id = runId;
        child.snapshot.wal_locator = walLocator;
      },
    };
  }

  /** Close: abort the runner and mark the child cancelled now. */
  private cancel(child: LiveChild): void {
    this.finish(child, { ...child.snapshot, status: "cancelled" });
    child.controller.abort(new RuntimeError("cancelled", `Sub-agent "${child.snapshot.id}" was closed`));
  }

  /** The runner settled: a live child takes the reported status; a closed one only its run details. */
  private settle(child: LiveChild, outcome: ChildOutcome): void {
    const run = {
      ...(outcome.runId ? { run_id: outcome.runId } : {}),
      ...(outcome.walLocator ? { wal_locator: outcome.walLocator } : {}),
    };
    const id = child.snapshot.id;
    if (this.live.get(id) !== child) {
      const closed = this.terminal.get(id);
      if (closed) Object.assign(closed, run);
      return;
    }
    const status: ChildTerminalStatus = child.controller.signal.aborted ? "cancelled" : (outcome.status ?? "completed");
    const { question: _question, ...base } = child.snapshot;
    const snapshot: ChildSnapshot = { ...base, ...run, status };
    if (status === "completed") snapshot.final_output = String(outcome.finalOutput ?? "");
    if (status === "failed") snapshot.error = outcome.error ?? String(outcome.finalOutput ?? "");
    this.finish(child, snapshot);
  }

  private finish(child: LiveChild, snapshot: ChildSnapshot): void {
    const { question: _question, ...terminal } = snapshot;
    this.live.delete(child.snapshot.id);
    this.terminal.set(child.snapshot.id, terminal);
    child.terminal.resolve();
  }
}

/** Resolves when `done` does, when `timeoutMs` passes (null: never) or rejects when `signal` aborts. */
async function untilDone(done: Promise<unknown>, timeoutMs: number | null, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) throw new RuntimeError("cancelled", "Cannot wait for sub-agents: the wait was cancelled", { cause: signal.reason });
  const stop = Promise.withResolvers<void>();
  const handle = timeoutMs === null ? undefined : setTimeout(stop.resolve, Math.max(0, timeoutMs));
  const onAbort = () => stop.reject(new RuntimeError("cancelled", "Cannot wait for sub-agents: the wait was cancelled", { cause: signal!.reason }));
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await Promise.race([done, stop.promise]);
  } finally {
    if (handle !== undefined) clearTimeout(handle);
    signal?.removeEventListener("abort", onAbort);
  }
}
