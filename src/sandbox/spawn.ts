/**
 * The ONLY caller of `Bun.spawn` in skills-runtime.
 *
 * argv arrays only; an explicit env (callers pass an allowlisted map); cwd; a time limit with
 * SIGTERM -> grace -> SIGKILL sent to the whole process group; output kept in bounded tail buffers;
 * cancellation through an AbortSignal. Exit code, signal, timeout and truncation come back as data.
 */

export interface SpawnOptions {
  cwd?: string;
  /** The complete environment of the child. Nothing is inherited implicitly. */
  env: Record<string, string>;
  /** Kill the process group after this many milliseconds. */
  timeoutMs?: number;
  /** Delay between SIGTERM and SIGKILL (default 200 ms). */
  killGraceMs?: number;
  signal?: AbortSignal;
  stdin?: string | Uint8Array;
  /** Tail bytes kept per stream (default 64 KiB). */
  maxStreamBytes?: number;
}

export interface SpawnResult {
  exitCode: number | null;
  /** Signal name when the process was killed by a signal. */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** True when any output was dropped because a cap was reached. */
  truncated: boolean;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  pid: number;
}

/** Keeps the last `limit` bytes written to it. */
export class TailBuffer {
  private chunks: Uint8Array[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly limit: number) {}

  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.size += chunk.byteLength;
    while (this.size > this.limit && this.chunks.length > 0) {
      const first = this.chunks[0]!;
      const excess = this.size - this.limit;
      this.truncated = true;
      if (first.byteLength <= excess) {
        this.chunks.shift();
        this.size -= first.byteLength;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  text(): string {
    return new TextDecoder().decode(Buffer.concat(this.chunks));
  }
}

async function drain(stream: ReadableStream<Uint8Array> | null | undefined, buffer: TailBuffer): Promise<void> {
  if (!stream) return;
  for await (const chunk of stream) buffer.push(chunk);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Run `argv` to completion. Never throws for a non-zero exit; throws only when the program cannot start. */
export async function runProcess(argv: readonly string[], options: SpawnOptions): Promise<SpawnResult> {
  if (argv.length === 0) throw new TypeError("runProcess: argv must not be empty");
  const started = performance.now();
  const limit = options.maxStreamBytes ?? 64 * 1024;
  const out = new TailBuffer(limit);
  const err = new TailBuffer(limit);
  const child = Bun.spawn([...argv], {
    cwd: options.cwd,
    env: options.env,
    stdin: options.stdin === undefined ? "ignore" : new Blob([options.stdin as string]),
    stdout: "pipe",
    stderr: "pipe",
    detached: true,
  });
  let timedOut = false;
  let cancelled = false;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    killGroup(child.pid, "SIGTERM");
    killTimer = setTimeout(() => killGroup(child.pid, "SIGKILL"), options.killGraceMs ?? 200);
  };
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          stop();
        }, options.timeoutMs);
  const onAbort = () => {
    cancelled = true;
    stop();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await Promise.all([drain(child.stdout, out), drain(child.stderr, err), child.exited]);
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
  // The leader is gone; make sure nothing of its group outlives it.
  killGroup(child.pid, "SIGKILL");
  if (killTimer) clearTimeout(killTimer);
  return {
    exitCode: child.signalCode ? null : child.exitCode,
    signal: child.signalCode ? String(child.signalCode) : null,
    stdout: out.text(),
    stderr: err.text(),
    truncated: out.truncated || err.truncated,
    timedOut,
    cancelled,
    durationMs: Math.round(performance.now() - started),
    pid: child.pid,
  };
}
