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
 *
 * `spawnPty` starts a program on a pseudo-terminal for exec sessions (spec 8.1): same rules (argv,
 * explicit env, the process group is what gets killed), output handed to a callback as it arrives.
 *
 * `spawnDetached` starts a daemon (the runtime server) in its own session with its output appended
 * to log files.
 */
import { closeSync, openSync } from "node:fs";

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

// ---------------------------------------------------------------------------------------------
// PTY processes (exec sessions, spec 8.1)

export interface PtySpawnOptions {
  cwd: string;
  /** The complete environment of the child. Nothing is inherited implicitly. */
  env: Record<string, string>;
  cols?: number;
  rows?: number;
  /** Output of the child (the PTY merges stdout and stderr), in arrival order. */
  onData: (bytes: Uint8Array) => void;
  /** Called once, when `exited` settles. */
  onExit?: (exit: PtyExit) => void;
  /** After the leader exits, how long to wait for the PTY to report end of output (default 200 ms). */
  drainGraceMs?: number;
}

export interface PtyExit {
  /** Null when a signal ended the process. */
  exitCode: number | null;
  /** Signal name when the process was killed by a signal. */
  signal: string | null;
}

export interface PtyProcess {
  /** The leader's pid, which is also its process group and session id. */
  readonly pid: number;
  /** Write to the PTY (strings as UTF-8). Returns false when the terminal is already closed. */
  write(data: string | Uint8Array): boolean;
  /** Signal the whole process group (no-op once it is gone). */
  kill(signal: NodeJS.Signals): void;
  /**
   * Settles when the leader has exited, the rest of its group was killed and its output is
   * drained (PTY end of file, or `drainGraceMs` passed); the terminal is closed by then.
   */
  readonly exited: Promise<PtyExit>;
  /** SIGTERM to the group, wait `graceMs` (default 200), SIGKILL, wait again; always closes the terminal. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Start `argv` on a new pseudo-terminal: the child is a session and process group leader with
 * the PTY as its controlling terminal (stdin, stdout and stderr). Throws when the program cannot
 * start (e.g. ENOENT).
 */
export function spawnPty(argv: readonly string[], options: PtySpawnOptions): PtyProcess {
  if (argv.length === 0) throw new TypeError("spawnPty: argv must not be empty");
  let markEof!: () => void;
  const eof = new Promise<void>((resolve) => (markEof = resolve));
  const child = Bun.spawn([...argv], {
    cwd: options.cwd,
    env: options.env,
    terminal: {
      cols: options.cols ?? 80,
      rows: options.rows ?? 24,
      data: (_terminal, bytes) => options.onData(bytes),
      exit: () => markEof(),
    },
  });
  const terminal = child.terminal!;
  const closeTerminal = () => {
    markEof();
    if (!terminal.closed) terminal.close();
  };
  let leaderExited = false;
  const exited = (async (): Promise<PtyExit> => {
    await child.exited;
    leaderExited = true;
    // The leader is gone; nothing of its group outlives it (a SIGHUP-immune background job included).
    killGroup(child.pid, "SIGKILL", false);
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([eof, new Promise((done) => (graceTimer = setTimeout(done, options.drainGraceMs ?? 200)))]);
    clearTimeout(graceTimer);
    closeTerminal();
    const exit = { exitCode: child.signalCode ? null : child.exitCode, signal: child.signalCode ? String(child.signalCode) : null };
    options.onExit?.(exit);
    return exit;
  })();
  const settledWithin = async (ms: number): Promise<boolean> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]);
    clearTimeout(timer);
    return done;
  };
  return {
    pid: child.pid,
    write(data) {
      if (terminal.closed) return false;
      try {
        terminal.write(data);
        return true;
      } catch {
        return false; // closed meanwhile
      }
    },
    kill(signal) {
      killGroup(child.pid, signal, !leaderExited);
    },
    exited,
    async close(graceMs = 200) {
      if (!leaderExited) {
        killGroup(child.pid, "SIGTERM");
        if (!(await settledWithin(graceMs))) {
          killGroup(child.pid, "SIGKILL", !leaderExited);
          await settledWithin(graceMs);
        }
      }
      closeTerminal();
      await settledWithin(graceMs);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Detached daemons (the runtime server, spec 8.4)

export interface DetachedSpawnOptions {
  cwd: string;
  /** The complete environment of the daemon. Nothing is inherited implicitly. */
  env: Record<string, string>;
  /** stdout and stderr are appended to these files (created mode 0600 when missing). */
  stdoutPath: string;
  stderrPath: string;
}

export interface DetachedProcess {
  pid: number;
  /** Settles with the exit code (null: killed by a signal) if the daemon exits while we still run. */
  exited: Promise<number | null>;
}

/**
 * Start a daemon that outlives us: a new session (setsid), stdin ignored, stdout/stderr appended
 * to log files, not keeping our event loop alive. Throws when the program cannot start.
 */
export function spawnDetached(argv: readonly string[], options: DetachedSpawnOptions): DetachedProcess {
  if (argv.length === 0) throw new TypeError("spawnDetached: argv must not be empty");
  const out = openSync(options.stdoutPath, "a", 0o600);
  const err = openSync(options.stderrPath, "a", 0o600);
  try {
    const child = Bun.spawn([...argv], {
      cwd: options.cwd,
      env: options.env,
      stdin: "ignore",
      stdout: out,
      stderr: err,
      detached: true,
    });
    child.unref();
    return { pid: child.pid, exited: child.exited.then(() => (child.signalCode ? null : child.exitCode)) };
  } finally {
    closeSync(out);
    closeSync(err);
  }
}
