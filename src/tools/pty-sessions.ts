/**
 * The in-process PTY exec sessions of one run (spec 8.1 `ExecSessionManager`), behind the
 * `ExecSessions` interface that `exec_command` / `write_stdin` use.
 *
 * Each session is a program on its own pseudo-terminal (`spawnPty`: a new session and process
 * group). What it prints between two reads is kept in a bounded tail buffer (1 MiB by default), so
 * a chatty program nobody polls cannot grow memory; a read returns at most `maxOutputBytes` of
 * that tail. A UTF-8 character split across two reads is held back until it is complete. Once the
 * program has exited and its output is drained, the next read reports the exit code and the
 * session is gone. `close` kills the whole process group (SIGTERM, 200 ms, SIGKILL).
 */
import { statSync } from "node:fs";
import { constants } from "node:os";
import { TailBuffer, spawnPty, type PtyExit, type PtyProcess } from "../sandbox/spawn.ts";
import { RuntimeError } from "../util/errors.ts";
import type { ExecSessions, ExecSpawnRequest, ExecSpawnResult, ExecWriteRequest, ExecWriteResult } from "./exec-sessions.ts";

/** Output kept per session between two reads (the tail; the head is dropped and reported as truncated). */
export const DEFAULT_SESSION_BUFFER_BYTES = 1024 * 1024;

/** Longest delay a timer accepts; larger values would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

export interface InProcessExecSessionsOptions {
  /** Tail bytes kept per session between reads (default 1 MiB). */
  maxBufferedBytes?: number;
  /** Delay between SIGTERM and SIGKILL on close (default 200 ms). */
  killGraceMs?: number;
}

/** Small chunks are copied together up to this size before they enter the tail buffer. */
const STAGE_BYTES = 16 * 1024;

/**
 * What a session printed since the last read: a bounded tail plus a held-back partial character.
 * A program that prints a byte at a time yields tiny chunks; they are staged into one block first,
 * so the tail buffer holds few chunks and memory stays near its byte limit.
 */
class SessionOutput {
  private buffer: TailBuffer;
  private readonly stage = new Uint8Array(STAGE_BYTES);
  private staged = 0;
  /** Bytes of an incomplete UTF-8 character held back from the previous read. */
  private carry = new Uint8Array(0);

  constructor(private readonly limit: number) {
    this.buffer = new TailBuffer(limit);
  }

  push(bytes: Uint8Array): void {
    if (this.staged + bytes.length > STAGE_BYTES) this.flush();
    if (bytes.length >= STAGE_BYTES) {
      this.buffer.push(bytes);
      return;
    }
    this.stage.set(bytes, this.staged);
    this.staged += bytes.length;
  }

  private flush(): void {
    if (this.staged === 0) return;
    this.buffer.push(this.stage.slice(0, this.staged));
    this.staged = 0;
  }

  /** Take the output so far: its last `max` bytes decoded (UTF-8, replacement), and whether any was dropped. */
  take(final: boolean, max: number): { stdout: string; truncated: boolean } {
    this.flush();
    const buffer = this.buffer;
    this.buffer = new TailBuffer(this.limit);
    let bytes = buffer.bytes();
    let cut = buffer.truncated;
    // The held-back bytes precede this output only when nothing in between was dropped.
    if (!cut && this.carry.length > 0) bytes = new Uint8Array(Buffer.concat([this.carry, bytes]));
    this.carry = new Uint8Array(0);
    if (!final) {
      const held = incompleteUtf8Tail(bytes);
      if (held > 0) {
        this.carry = bytes.slice(bytes.length - held);
        bytes = bytes.subarray(0, bytes.length - held);
      }
    }
    if (bytes.length > max) {
      bytes = bytes.subarray(bytes.length - max);
      cut = true;
    }
    const stdout = new TextDecoder("utf-8", { ignoreBOM: true }).decode(cut ? fromCharBoundary(bytes) : bytes);
    return { stdout, truncated: cut };
  }
}

interface Session {
  pty: PtyProcess;
  output: SessionOutput;
  /** Set when the program has exited and its output is drained. */
  exit: PtyExit | null;
  finished: Promise<void>;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** How many bytes at the end of `bytes` start a UTF-8 character that is not complete yet. */
export function incompleteUtf8Tail(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let back = 1; back <= Math.min(3, end); back++) {
    const byte = bytes[end - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Drop continuation bytes at the start of a cut stream, so decoding does not begin with U+FFFD. */
function fromCharBoundary(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < 3 && start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start += 1;
  return bytes.subarray(start);
}

/** The exit code as the reference reports it: -N when signal N ended the process. */
function exitCodeOf(exit: PtyExit): number | null {
  if (exit.signal === null) return exit.exitCode;
  return -(constants.signals[exit.signal as NodeJS.Signals] ?? 0) || null;
}

function checkCount(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RuntimeError("validation", `Cannot write to exec session: ${name} must be a number >= 0, got ${value}`);
  }
}

export class InProcessExecSessions implements ExecSessions {
  readonly kind = "in_process";
  private readonly sessions = new Map<number, Session>();
  private nextId = 1;
  private readonly maxBufferedBytes: number;
  private readonly killGraceMs: number;

  constructor(options: InProcessExecSessionsOptions = {}) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_SESSION_BUFFER_BYTES;
    this.killGraceMs = options.killGraceMs ?? 200;
  }

  /** Number of open sessions (finished ones count until they are read or closed). */
  get size(): number {
    return this.sessions.size;
  }

  has(sessionId: number): boolean {
    return this.sessions.has(sessionId);
  }

  /** Process group leader pids of the open sessions, by session id. */
  pids(): Map<number, number> {
    return new Map([...this.sessions].map(([id, session]) => [id, session.pty.pid]));
  }

  async spawn(request: ExecSpawnRequest): Promise<ExecSpawnResult> {
    const { argv, cwd, env } = request;
    if (argv.length === 0 || argv[0] === "") throw new RuntimeError("validation", "Cannot start exec session: argv is empty");
    if (!isDirectory(cwd)) {
      throw new RuntimeError("validation", `Cannot start "${argv[0]}" in "${cwd}": the working directory does not exist or is not a directory`);
    }
    const output = new SessionOutput(this.maxBufferedBytes);
    let pty: PtyProcess;
    try {
      pty = spawnPty(argv, { cwd, env, onData: (bytes) => output.push(bytes) });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      const code = (error as { code?: unknown })?.code;
      if (code === "ENOENT") throw new RuntimeError("not_found", `Cannot start "${argv[0]}": executable not found (${detail})`, { cause: error });
      throw new RuntimeError("unknown", `Cannot start "${argv[0]}": ${detail}`, { cause: error });
    }
    const session: Session = { pty, output, exit: null, finished: Promise.resolve() };
    session.finished = pty.exited.then((exit) => void (session.exit = exit));
    const sessionId = this.nextId++;
    this.sessions.set(sessionId, session);
    return { sessionId, createdAtMs: Date.now(), pid: pty.pid };
  }

  async write(request: ExecWriteRequest): Promise<ExecWriteResult> {
    const { sessionId, chars, yieldTimeMs, maxOutputBytes } = request;
    checkCount("yield_time_ms", yieldTimeMs);
    checkCount("max_output_bytes", maxOutputBytes);
    const session = this.sessions.get(sessionId);
    if (!session) throw new RuntimeError("not_found", "session not found");
    if (chars) session.pty.write(new TextEncoder().encode(chars));
    if (!session.exit) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([session.finished, new Promise((done) => (timer = setTimeout(done, Math.min(yieldTimeMs, MAX_TIMER_MS))))]);
      clearTimeout(timer);
    }
    // `exit` is read once: output that arrives after this point belongs to the next read.
    const exit = session.exit;
    const output = session.output.take(exit !== null, maxOutputBytes);
    if (exit && this.sessions.get(sessionId) === session) this.sessions.delete(sessionId);
    return { ...output, stderr: "", exitCode: exit ? exitCodeOf(exit) : null, running: exit === null };
  }

  async close(sessionId: number): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    this.sessions.delete(sessionId);
    await session.pty.close(this.killGraceMs);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
  }
}
