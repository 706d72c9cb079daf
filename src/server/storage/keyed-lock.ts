/**
 * A per-key async mutex: calls for the same key run one after another in arrival order, calls
 * for different keys run concurrently. It makes read-modify-write of one session's files safe
 * within this process (spec 12.2: runs_count increments under a per-session lock).
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => done);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with a call running or waiting (for tests and diagnostics). */
  get size(): number {
    return this.tails.size;
  }
}
