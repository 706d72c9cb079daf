/**
 * Per-run wake-ups for WAL readers (the SSE feed). The run manager calls `notify(runId)` from the
 * Agent's event hook, i.e. after the event is in the WAL; readers wait here instead of polling.
 *
 * A notification carries no data: readers read the WAL from their own offset, so a slow reader
 * never holds events in memory and never makes the run wait. Each waiter is one resolver; a
 * version counter per run closes the gap between "read to the end" and "start waiting".
 */

export interface WaitOptions {
  /** Give up after this long (resolves false). */
  timeoutMs: number;
  signal?: AbortSignal;
}

export class RunNotifier {
  private readonly versions = new Map<string, number>();
  private readonly waiters = new Map<string, Set<() => void>>();

  /** The current version of a run; pass it to `wait` after reading. */
  version(runId: string): number {
    return this.versions.get(runId) ?? 0;
  }

  /** Wake every reader of the run. */
  notify(runId: string): void {
    this.versions.set(runId, this.version(runId) + 1);
    const waiting = this.waiters.get(runId);
    if (!waiting) return;
    this.waiters.delete(runId);
    for (const wake of waiting) wake();
  }

  /** Forget a run's counter (its readers are woken first). */
  forget(runId: string): void {
    this.notify(runId);
    this.versions.delete(runId);
  }

  /** Readers currently waiting on a run. */
  waiting(runId: string): number {
    return this.waiters.get(runId)?.size ?? 0;
  }

  /**
   * Resolve true on the next notification after `since` (at once when one already happened),
   * false on timeout or abort.
   */
  wait(runId: string, since: number, options: WaitOptions): Promise<boolean> {
    if (this.version(runId) !== since) return Promise.resolve(true);
    if (options.signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      let set = this.waiters.get(runId);
      if (!set) this.waiters.set(runId, (set = new Set()));
      const done = (woken: boolean) => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        const current = this.waiters.get(runId);
        current?.delete(wake);
        if (current?.size === 0) this.waiters.delete(runId);
        resolve(woken);
      };
      const wake = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), Math.max(0, options.timeoutMs));
      options.signal?.addEventListener("abort", onAbort, { once: true });
      set.add(wake);
    });
  }
}
