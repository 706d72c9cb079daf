/**
 * The ONLY caller of `Bun.spawn` in skills-runtime.
 *
 * argv arrays only; an explicit env (callers pass an allowlisted map); cwd; a time limit with
 * SIGTERM -> grace -> SIGKILL sent to the whole process group; output kept in bounded tail buffers;
 * cancellation through an AbortSignal. Exit code, signal, timeout and truncation come back as data.
 *
 * The run ends when the group leader exits, not when its pipes close: a background grandchild
 * (`sleep 100 &`) keeps stdout open, so after the leader is gone the rest of its process group is
 * killed and output is read for at most `drainGraceMs` more (a process that left the group with
 * `setsid` may hold the pipe forever).
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
  /** After the leader exits, how long to keep reading output still in flight (default 200 ms). */
  drainGraceMs?: number;
}

export interface SpawnResult {
  exitCode: number | null;
  /** Signal name when the process was killed by a signal. */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** The kept tail bytes of each stream, undecoded, and whether each lost its head (for callers with their own caps). */
  raw: { stdout: Uint8Array; stderr: Uint8Array; stdoutCut: boolean; stderrCut: boolean };
  /** True when any output was dropped because a cap was reached. */
  truncated: boolean;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  pid: number;
}

/** Longest delay a timer accepts; larger values would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

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

  bytes(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.chunks));
  }

  text(): string {
    return new TextDecoder().decode(this.bytes());
  }
}

interface Drain {
  done: Promise<void>;
  /** Stop reading (cancels the pending read); `done` then settles. */
  stop(): void;
}

function drain(stream: ReadableStream<Uint8Array> | null | undefined, buffer: TailBuffer): Drain {
  if (!stream) return { done: Promise.resolve(), stop: () => {} };
  const reader = stream.getReader();
  const done = (async () => {
    try {
      for (;;) {
        const { done: ended, value } = await reader.read();
        if (ended) return;
        buffer.push(value);
      }
    } catch {
      // the stream errored or was cancelled: keep what was read
    }
  })();
  return { done, stop: () => void reader.cancel().catch(() => {}) };
}

/** Signal the process group; fall back to the leader itself only while it is known to be alive. */
function killGroup(pid: number, signal: NodeJS.Signals, leaderAlive = true): void {
  try {
    process.kill(-pid, signal);
  } catch {
    if (!leaderAlive) return; // its pid may already belong to someone else
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
        }, Math.min(options.timeoutMs, MAX_TIMER_MS));
  const onAbort = () => {
    cancelled = true;
    stop();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  const drains = [drain(child.stdout, out), drain(child.stderr, err)];
  try {
    await child.exited;
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
  // The leader is gone; make sure nothing of its group outlives it.
  killGroup(child.pid, "SIGKILL", false);
  if (killTimer) clearTimeout(killTimer);
  const drained = Promise.all(drains.map((d) => d.done));
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([drained, new Promise((done) => (graceTimer = setTimeout(done, options.drainGraceMs ?? 200)))]);
  clearTimeout(graceTimer);
  for (const d of drains) d.stop();
  await drained;
  return {
    exitCode: child.signalCode ? null : child.exitCode,
    signal: child.signalCode ? String(child.signalCode) : null,
    stdout: out.text(),
    stderr: err.text(),
    raw: { stdout: out.bytes(), stderr: err.bytes(), stdoutCut: out.truncated, stderrCut: err.truncated },
    truncated: out.truncated || err.truncated,
    timedOut,
    cancelled,
    durationMs: Math.round(performance.now() - started),
    pid: child.pid,
  };
}
