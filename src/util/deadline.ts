/**
 * Bound a promise in time: `withDeadline(p, ms, what)` settles like `p`, or rejects with a
 * `DeadlineError` naming `what` after `ms` milliseconds. The underlying work is not cancelled (a
 * client library may have no way to); the caller stops waiting for it. The timer never keeps the
 * process alive.
 */
export class DeadlineError extends Error {
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number) {
    super(`${what} did not answer within ${timeoutMs} ms`);
    this.name = "DeadlineError";
    this.timeoutMs = timeoutMs;
  }
}

export function withDeadline<T>(promise: PromiseLike<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(what, timeoutMs)), timeoutMs);
    (timer as { unref?: () => void }).unref?.();
  });
  return Promise.race([Promise.resolve(promise), deadline]).finally(() => clearTimeout(timer));
}
