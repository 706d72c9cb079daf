/**
 * At most N runs execute at once; the others wait their turn in arrival order (status `queued`).
 * A waiting run whose signal aborts gets a slot at once: it only records run_started and
 * run_cancelled, so cancelling a queued run never waits for the queue.
 */
export class RunSlots {
  private executing = 0;
  private readonly queue: (() => void)[] = [];

  constructor(readonly max: number) {}

  acquire(signal: AbortSignal): Promise<void> {
    if (this.executing < this.max || signal.aborted) {
      this.executing += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const start = () => {
        signal.removeEventListener("abort", onAbort);
        this.executing += 1;
        resolve();
      };
      const onAbort = () => {
        const at = this.queue.indexOf(start);
        if (at >= 0) this.queue.splice(at, 1);
        start();
      };
      this.queue.push(start);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  release(): void {
    this.executing -= 1;
    if (this.executing < this.max) this.queue.shift()?.();
  }
}
