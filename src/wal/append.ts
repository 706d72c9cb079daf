/**
 * The JSONL WAL (spec 3.4): one event per line in `<run_dir>/events.jsonl`, append-only, written
 * exactly as the reference writes it, with our `seq` added. `append` returns the line's 0-based
 * index, and the written line carries it as `seq`.
 *
 * Indices stay unique across processes: every append takes the cross-process lock (lock.ts),
 * compares the file's (inode, size, mtime) with what it saw after its own last write, and if
 * another writer changed the file, counts the non-blank lines again (only the new bytes when the
 * file just grew). Every append is written in full with `write(2)`; only terminal events (or
 * `forceFsync`) are fsynced.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readSync, realpathSync, statSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { AgentEvent } from "../events/schema.ts";
import { RuntimeError } from "../util/errors.ts";
import { needsFsync, type AppendOptions, type WalBackend } from "./backend.ts";
import { serializeWalEvent } from "./line.ts";
import { createWalLock, withWalLock, withWalLockSync, DEFAULT_LOCK_TIMEOUT_MS, type WalLock } from "./lock.ts";
import type { WalLockOptions } from "./lock.ts";
import { walLockPath, walPath } from "./paths.ts";
import { readWalFile, streamWalFile, type WalReadWarning } from "./read.ts";

export interface FileSignature {
  ino: number;
  size: number;
  mtimeNs: bigint;
}

/** The file operations the WAL performs; injectable to count fsyncs or simulate failures. */
export interface WalFs {
  open(path: string, flags: "a" | "r"): number;
  close(fd: number): void;
  write(fd: number, data: Uint8Array, offset: number, length: number): number;
  read(fd: number, buffer: Uint8Array, position: number): number;
  fsync(fd: number): void;
  /** The signature of the file at `path`, or null when it does not exist. */
  stat(path: string): FileSignature | null;
}

export const nodeWalFs: WalFs = {
  open: (path, flags) => openSync(path, flags),
  close: (fd) => closeSync(fd),
  write: (fd, data, offset, length) => writeSync(fd, data, offset, length),
  read: (fd, buffer, position) => readSync(fd, buffer, 0, buffer.length, position),
  fsync: (fd) => fsyncSync(fd),
  stat: (path) => {
    const st = statSync(path, { bigint: true, throwIfNoEntry: false });
    return st ? { ino: Number(st.ino), size: Number(st.size), mtimeNs: st.mtimeNs } : null;
  },
};

export interface JsonlWalOptions {
  fs?: WalFs;
  lock?: WalLockOptions;
  /** Validate events against the schema before writing (default true). */
  validate?: boolean;
  /** Receives reader warnings from `iterEvents` / `readEvents`. */
  onWarning?: (warning: WalReadWarning) => void;
}

const NEWLINE = 0x0a;
const encoder = new TextEncoder();

/** Whitespace as Python's `str.strip()` sees it, for the ASCII range. */
function isBlankByte(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d) || (byte >= 0x1c && byte <= 0x1f);
}

function sameSignature(a: FileSignature | null, b: FileSignature | null): boolean {
  if (a === null || b === null) return a === b;
  return a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

export class JsonlWal implements WalBackend {
  readonly path: string;
  private readonly fs: WalFs;
  private readonly lock: WalLock;
  private readonly validate: boolean;
  private readonly lockTimeoutMs: number;
  private readonly onWarning: ((warning: WalReadWarning) => void) | undefined;
  private fd: number | null = null;
  private fdIno = -1;
  private tail: Promise<unknown> = Promise.resolve();
  // What the file looked like after our last look at it.
  private observed: FileSignature | null = null;
  private scanned = false;
  private completeLines = 0;
  private partialHasContent = false;
  private lastByteIsNewline = true;

  constructor(path: string, options: JsonlWalOptions = {}) {
    this.path = resolve(path);
    this.fs = options.fs ?? nodeWalFs;
    this.validate = options.validate ?? true;
    this.onWarning = options.onWarning;
    this.lockTimeoutMs = options.lock?.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    mkdirSync(dirname(this.path), { recursive: true });
    this.lock = createWalLock(walLockPath(this.path), options.lock);
  }

  /** The WAL of `runId` under `workspaceRoot` (run id validated). */
  static forRun(workspaceRoot: string, runId: string, options: JsonlWalOptions = {}): JsonlWal {
    return new JsonlWal(walPath(workspaceRoot, runId), options);
  }

  /** The absolute path of the file, symlinks resolved when it exists (spec 3.4). */
  locator(): string {
    try {
      return realpathSync(this.path);
    } catch {
      return this.path;
    }
  }

  /** Append one event; appends from this object are written in call order. */
  append(event: AgentEvent, options: AppendOptions = {}): Promise<number> {
    let checked: AgentEvent;
    try {
      checked = this.check(event);
    } catch (error) {
      return Promise.reject(error);
    }
    const run = () => withWalLock(this.lock, () => this.writeLocked(checked, options), { timeoutMs: this.lockTimeoutMs });
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Append one event now, blocking until the cross-process lock is free. */
  appendSync(event: AgentEvent, options: AppendOptions = {}): number {
    const checked = this.check(event);
    return withWalLockSync(this.lock, () => this.writeLocked(checked, options));
  }

  async *iterEvents(runId?: string): AsyncGenerator<AgentEvent> {
    yield* streamWalFile(this.path, { runId, onWarning: this.onWarning });
  }

  /** All events at once (sync), optionally of one run. */
  readEvents(runId?: string): AgentEvent[] {
    return readWalFile(this.path, { runId, onWarning: this.onWarning });
  }

  close(): void {
    if (this.fd !== null) this.fs.close(this.fd);
    this.fd = null;
    this.lock.close();
  }

  private check(event: AgentEvent): AgentEvent {
    if (!this.validate) return event;
    const parsed = AgentEvent.safeParse(event);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RuntimeError("validation", `Cannot append event "${String(event?.type)}" to "${this.path}": ${issue?.path.join(".") ?? ""} ${issue?.message ?? "invalid"}`.trim());
    }
    return parsed.data;
  }

  /** Runs with the lock held. */
  private writeLocked(event: AgentEvent, options: AppendOptions): number {
    const current = this.fs.stat(this.path);
    if (!this.scanned || !sameSignature(current, this.observed)) this.rescan(current);
    const index = this.completeLines + (this.partialHasContent ? 1 : 0);
    // A line left unterminated by a crashed writer is closed first, so ours stays a line of its own.
    const text = (this.lastByteIsNewline ? "" : "\n") + serializeWalEvent(event, index) + "\n";
    const fd = this.openForAppend(current);
    const bytes = encoder.encode(text);
    let offset = 0;
    while (offset < bytes.length) offset += this.fs.write(fd, bytes, offset, bytes.length - offset);
    if (needsFsync(event.type, options)) this.fs.fsync(fd);
    this.completeLines = index + 1;
    this.partialHasContent = false;
    this.lastByteIsNewline = true;
    this.observed = this.fs.stat(this.path);
    return index;
  }

  private openForAppend(current: FileSignature | null): number {
    if (this.fd !== null && current !== null && current.ino === this.fdIno) return this.fd;
    // First append, or the file was replaced/removed since we opened it.
    if (this.fd !== null) this.fs.close(this.fd);
    this.fd = this.fs.open(this.path, "a");
    this.fdIno = this.fs.stat(this.path)?.ino ?? -1;
    return this.fd;
  }

  /** Count non-blank lines: only the new bytes when the same file just grew, else all of it. */
  private rescan(current: FileSignature | null): void {
    const previous = this.observed;
    const grewInPlace = this.scanned && previous !== null && current !== null && current.ino === previous.ino && current.size > previous.size;
    if (!grewInPlace) {
      this.completeLines = 0;
      this.partialHasContent = false;
      this.lastByteIsNewline = true;
    }
    this.scanned = true;
    this.observed = current;
    if (current === null || current.size === 0) return;
    const start = grewInPlace && previous ? previous.size : 0;
    const fd = this.fs.open(this.path, "r");
    try {
      const buffer = new Uint8Array(64 * 1024);
      let position = start;
      for (;;) {
        const n = this.fs.read(fd, buffer, position);
        if (n <= 0) break;
        for (let i = 0; i < n; i++) {
          const byte = buffer[i]!;
          if (byte === NEWLINE) {
            if (this.partialHasContent) this.completeLines += 1;
            this.partialHasContent = false;
          } else if (!this.partialHasContent && !isBlankByte(byte)) {
            this.partialHasContent = true;
          }
        }
        this.lastByteIsNewline = buffer[n - 1] === NEWLINE;
        position += n;
      }
    } finally {
      this.fs.close(fd);
    }
  }
}
