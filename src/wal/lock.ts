/**
 * Cross-process lock around WAL appends (spec 3.4, decisions "Platform choices").
 *
 * Primary strategy, `flock`: an advisory `flock(2)` on `events.jsonl.lock`, called through
 * `bun:ffi`. This is what the reference does on the same file, so our processes and the
 * reference's exclude each other; the kernel drops the lock when a holder dies, so there is no
 * stale lock to recover. The lock file is never deleted.
 *
 * Fallback, `exclusive-create` (no usable libc, e.g. Windows): `events.jsonl.lock.excl` created
 * with O_EXCL and holding `<pid> <token>`; removed on release. A holder whose pid is gone, or a
 * lock older than `staleAfterMs`, is stale: it is renamed aside, checked to be the same file
 * (inode and content), and deleted. A distinct name keeps it from ever meeting a flock file.
 *
 * Holders never await while holding the lock: `withWalLock` / `withWalLockSync` take the lock,
 * run a synchronous critical section and release it in the same tick. (A flock is per open file
 * description, so an await inside the section would let a second section on the same fd in.)
 */
import { dlopen, FFIType } from "bun:ffi";
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { RuntimeError } from "../util/errors.ts";

export type WalLockStrategy = "flock" | "exclusive-create";

export interface WalLock {
  readonly strategy: WalLockStrategy;
  /** The file the lock lives in. */
  readonly path: string;
  /** Take the lock if it is free; never blocks. */
  tryAcquire(): boolean;
  /** Block until the lock is held. */
  acquireSync(): void;
  release(): void;
  close(): void;
}

export interface WalLockOptions {
  /** `auto` (default) uses flock when libc can be loaded, else exclusive-create. */
  strategy?: "auto" | WalLockStrategy;
  /** How long exclusive-create `acquireSync()` waits before failing (default 30 s); flock waits in the kernel. */
  timeoutMs?: number;
  /** exclusive-create only: a lock older than this is stale even if its pid exists (default 60 s). */
  staleAfterMs?: number;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 30_000;
const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;

type FlockFn = (fd: number, operation: number) => number;
let flockFn: FlockFn | null | undefined;

/** libc's `flock`, or null when it cannot be loaded on this platform. */
export function loadFlock(): FlockFn | null {
  if (flockFn !== undefined) return flockFn;
  flockFn = null;
  if (process.platform === "win32") return null;
  const candidates =
    process.platform === "darwin"
      ? ["libc.dylib", "/usr/lib/libSystem.B.dylib"]
      : ["libc.so.6", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1"];
  for (const name of candidates) {
    try {
      const lib = dlopen(name, { flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 } });
      flockFn = lib.symbols.flock as FlockFn;
      break;
    } catch {
      // try the next name
    }
  }
  return flockFn;
}

class FlockLock implements WalLock {
  readonly strategy = "flock" as const;
  private fd: number | null;
  constructor(
    readonly path: string,
    private readonly flock: FlockFn,
  ) {
    this.fd = openSync(path, "a+");
  }
  private handle(): number {
    if (this.fd === null) throw new RuntimeError("unknown", `Cannot lock WAL "${this.path}": the lock is closed`);
    return this.fd;
  }
  acquireSync(): void {
    const fd = this.handle();
    for (let attempt = 0; attempt < 100; attempt++) if (this.flock(fd, LOCK_EX) === 0) return;
    throw new RuntimeError("unknown", `Cannot lock WAL "${this.path}": flock failed`);
  }
  tryAcquire(): boolean {
    return this.flock(this.handle(), LOCK_EX | LOCK_NB) === 0;
  }
  release(): void {
    if (this.fd !== null) this.flock(this.fd, LOCK_UN);
  }
  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd); // closing drops the flock too
    this.fd = null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

class ExclusiveCreateLock implements WalLock {
  readonly strategy = "exclusive-create" as const;
  private heldToken: string | null = null;
  constructor(
    readonly path: string,
    private readonly timeoutMs: number,
    private readonly staleAfterMs: number,
  ) {}

  private tryOnce(): boolean {
    const token = `${process.pid} ${crypto.randomUUID()}\n`;
    let fd: number;
    try {
      fd = openSync(this.path, "wx");
    } catch (error) {
      if (errnoCode(error) !== "EEXIST") throw error;
      this.breakIfStale();
      return false;
    }
    try {
      writeSync(fd, token);
    } finally {
      closeSync(fd);
    }
    this.heldToken = token;
    return true;
  }

  /** Remove the lock file if its holder is gone (or it is too old); never remove a live lock. */
  private breakIfStale(): void {
    let content: string;
    let ino: number;
    let mtimeMs: number;
    try {
      content = readFileSync(this.path, "utf8");
      ({ ino, mtimeMs } = statSync(this.path));
    } catch (error) {
      if (errnoCode(error) === "ENOENT") return; // released meanwhile: retry at once
      throw error;
    }
    const pid = Number.parseInt(content.split(" ")[0] ?? "", 10);
    const holderGone = Number.isInteger(pid) && pid > 0 && content.endsWith("\n") && !pidAlive(pid);
    if (!holderGone && Date.now() - mtimeMs < this.staleAfterMs) return;
    const aside = `${this.path}.stale-${process.pid}-${crypto.randomUUID()}`;
    try {
      renameSync(this.path, aside);
    } catch (error) {
      if (errnoCode(error) === "ENOENT") return;
      throw error;
    }
    try {
      if (statSync(aside).ino === ino && readFileSync(aside, "utf8") === content) return;
      // We moved a lock taken after our check: put it back unless the slot was taken again.
      try {
        linkSync(aside, this.path);
      } catch {
        // the slot is taken; the moved holder's release will find its file gone and skip it
      }
    } finally {
      unlinkSync(aside);
    }
  }

  acquireSync(): void {
    const deadline = Date.now() + this.timeoutMs;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (!this.tryOnce()) {
      if (Date.now() > deadline) {
        throw new RuntimeError("timeout", `Cannot lock WAL "${this.path}": still held after ${this.timeoutMs} ms`);
      }
      Atomics.wait(pause, 0, 0, 1);
    }
  }
  tryAcquire(): boolean {
    return this.tryOnce();
  }
  release(): void {
    const token = this.heldToken;
    this.heldToken = null;
    if (token === null) return;
    try {
      if (readFileSync(this.path, "utf8") === token) unlinkSync(this.path);
    } catch (error) {
      if (errnoCode(error) !== "ENOENT") throw error;
    }
  }
  close(): void {
    this.release();
  }
}

/** Lock for the WAL whose lock file is `lockPath` (`events.jsonl.lock`). */
export function createWalLock(lockPath: string, options: WalLockOptions = {}): WalLock {
  const strategy = options.strategy ?? "auto";
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  if (strategy !== "exclusive-create") {
    const flock = loadFlock();
    if (flock) return new FlockLock(lockPath, flock);
    if (strategy === "flock") {
      throw new RuntimeError("unknown", `Cannot lock WAL "${lockPath}": flock is not available on ${process.platform}`);
    }
  }
  return new ExclusiveCreateLock(`${lockPath}.excl`, timeoutMs, options.staleAfterMs ?? 60_000);
}

/** Run `section` (synchronous) while holding `lock`, blocking until it is free. */
export function withWalLockSync<T>(lock: WalLock, section: () => T): T {
  lock.acquireSync();
  try {
    return section();
  } finally {
    lock.release();
  }
}

/**
 * Run `section` (synchronous) while holding `lock`. Waits by polling with short sleeps so the
 * event loop keeps running; the section runs in the same tick as the successful `tryAcquire`.
 */
export async function withWalLock<T>(lock: WalLock, section: () => T, options: { timeoutMs?: number } = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  while (!lock.tryAcquire()) {
    if (Date.now() > deadline) {
      throw new RuntimeError("timeout", `Cannot lock WAL "${lock.path}": still held by another process after ${timeoutMs} ms`);
    }
    await Bun.sleep(delay);
    delay = Math.min(delay * 2, 8);
  }
  try {
    return section();
  } finally {
    lock.release();
  }
}
