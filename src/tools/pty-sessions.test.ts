import { afterEach, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { goneWithin, killLeftovers, liveGroupMembers } from "../../test/support/processes.ts";
import { tempDirs } from "../../test/support/tool-context.ts";
import { RuntimeError } from "../util/errors.ts";
import { InProcessExecSessions, incompleteUtf8Tail, type InProcessExecSessionsOptions } from "./pty-sessions.ts";

const env = { PATH: "/usr/bin:/bin" };
const newDir = tempDirs("sr-pty-sessions-");
const managers: InProcessExecSessions[] = [];
const pids: number[] = [];

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.closeAll()));
  killLeftovers(pids.splice(0));
});

function manager(options: InProcessExecSessionsOptions = {}): InProcessExecSessions {
  const m = new InProcessExecSessions(options);
  managers.push(m);
  return m;
}

async function sh(m: InProcessExecSessions, script: string, extraEnv: Record<string, string> = {}, cwd = newDir()) {
  const spawned = await m.spawn({ argv: ["/bin/sh", "-c", script], cwd, env: { ...env, ...extraEnv } });
  pids.push(spawned.pid);
  return spawned;
}

const read = (m: InProcessExecSessions, sessionId: number, options: { chars?: string; yieldTimeMs?: number; maxOutputBytes?: number } = {}) =>
  m.write({ sessionId, chars: options.chars ?? "", yieldTimeMs: options.yieldTimeMs ?? 50, maxOutputBytes: options.maxOutputBytes ?? 65_536 });

async function rejection(promise: Promise<unknown>): Promise<RuntimeError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof RuntimeError)) throw new Error(`expected a RuntimeError, got ${String(error)}`);
  return error;
}

/** Wait until `path` exists, then a little longer for output still in flight. */
async function fileAppears(path: string, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!existsSync(path)) {
    if (performance.now() > deadline) throw new Error(`${path} did not appear`);
    await Bun.sleep(20);
  }
  await Bun.sleep(200);
}

/** Poll until the collected output contains `text` (or the session ends). */
async function readUntil(m: InProcessExecSessions, sessionId: number, text: string): Promise<string> {
  let seen = "";
  for (let i = 0; i < 100 && !seen.includes(text); i++) {
    const r = await read(m, sessionId, { yieldTimeMs: 50 });
    seen += r.stdout;
    if (!r.running) break;
  }
  return seen;
}

describe("InProcessExecSessions.spawn", () => {
  test("numbers sessions from 1 per manager", async () => {
    const a = manager();
    const b = manager();
    expect((await sh(a, "sleep 30")).sessionId).toBe(1);
    expect((await sh(a, "sleep 30")).sessionId).toBe(2);
    expect((await sh(b, "sleep 30")).sessionId).toBe(1);
    expect(a.size).toBe(2);
    expect([...a.pids().keys()]).toEqual([1, 2]);
  });

  test("refuses an empty argv and a working directory that is not a directory", async () => {
    const m = manager();
    expect((await rejection(m.spawn({ argv: [], cwd: newDir(), env }))).kind).toBe("validation");
    const missing = `${newDir()}/missing`;
    const error = await rejection(m.spawn({ argv: ["/bin/true"], cwd: missing, env }));
    expect(error.kind).toBe("validation");
    expect(error.message).toContain(missing);
    expect(m.size).toBe(0);
  });

  test("a missing program is not_found", async () => {
    const m = manager();
    expect((await rejection(m.spawn({ argv: ["/nonexistent/program"], cwd: newDir(), env }))).kind).toBe("not_found");
  });
});

describe("InProcessExecSessions.write", () => {
  test("drives an interactive program, then reports its exit code and forgets the session", async () => {
    const m = manager();
    const { sessionId } = await sh(m, 'printf "name? "; read name; echo "hello $name"; exit 3');
    const prompt = await read(m, sessionId, { yieldTimeMs: 300 });
    expect(prompt).toMatchObject({ stdout: "name? ", running: true, exitCode: null, stderr: "", truncated: false });
    const answer = await read(m, sessionId, { chars: "alice\r", yieldTimeMs: 5_000 });
    expect(answer.stdout).toContain("hello alice");
    expect(answer).toMatchObject({ running: false, exitCode: 3 });
    expect(m.has(sessionId)).toBe(false);
    const gone = await rejection(read(m, sessionId));
    expect(gone.kind).toBe("not_found");
    expect(gone.message).toBe("session not found");
  });

  test("returns as soon as the program has exited instead of waiting out the yield time", async () => {
    const m = manager();
    const { sessionId } = await sh(m, "echo hi");
    const started = performance.now();
    const r = await read(m, sessionId, { yieldTimeMs: 20_000 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(r).toMatchObject({ stdout: "hi\r\n", running: false, exitCode: 0 });
  });

  test("waits the whole yield time while the program runs", async () => {
    const m = manager();
    const { sessionId } = await sh(m, "echo one; sleep 0.2; echo two; exec sleep 30");
    const r = await read(m, sessionId, { yieldTimeMs: 600 });
    expect(r.stdout).toBe("one\r\ntwo\r\n");
    expect(r.running).toBe(true);
  });

  test("merges stderr into the output and reports a signal as a negative exit code", async () => {
    const m = manager();
    const { sessionId } = await sh(m, "echo err >&2; kill -TERM $$");
    const r = await read(m, sessionId, { yieldTimeMs: 5_000 });
    expect(r).toMatchObject({ stdout: "err\r\n", stderr: "", running: false, exitCode: -15 });
  });

  test("runs with exactly the given environment", async () => {
    const m = manager();
    const { sessionId } = await sh(m, 'echo "[$HOME][$ONLY]"', { ONLY: "yes" });
    expect((await read(m, sessionId, { yieldTimeMs: 5_000 })).stdout).toBe("[][yes]\r\n");
  });

  test("an unknown session is not_found and bad numbers are validation errors", async () => {
    const m = manager();
    expect((await rejection(read(m, 7))).kind).toBe("not_found");
    const { sessionId } = await sh(m, "sleep 30");
    expect((await rejection(read(m, sessionId, { yieldTimeMs: -1 }))).kind).toBe("validation");
    expect((await rejection(read(m, sessionId, { maxOutputBytes: -1 }))).kind).toBe("validation");
    expect(m.has(sessionId)).toBe(true);
  });

  test("keeps only the last maxOutputBytes, starting on a character boundary", async () => {
    const m = manager();
    // 6000 x "é" (2 bytes each), then an end marker: the last 1024 bytes start inside an "é"
    const { sessionId } = await sh(m, "i=0; while [ $i -lt 6000 ]; do printf '\\303\\251'; i=$((i+1)); done; echo END");
    const r = await read(m, sessionId, { yieldTimeMs: 10_000, maxOutputBytes: 1024 });
    expect(r.truncated).toBe(true);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(1024);
    expect(r.stdout.endsWith("END\r\n")).toBe(true);
    expect(r.stdout.startsWith("é")).toBe(true);
    expect(r.stdout).not.toContain("\uFFFD");
  });

  test("maxOutputBytes 0 keeps nothing and says output was dropped", async () => {
    const m = manager();
    const { sessionId } = await sh(m, "echo something");
    expect(await read(m, sessionId, { yieldTimeMs: 5_000, maxOutputBytes: 0 })).toMatchObject({ stdout: "", truncated: true, running: false, exitCode: 0 });
    const quiet = await sh(m, "exit 0");
    expect(await read(m, quiet.sessionId, { yieldTimeMs: 5_000, maxOutputBytes: 0 })).toMatchObject({ stdout: "", truncated: false, running: false });
  });

  test("holds back a UTF-8 character split across two reads until it is complete", async () => {
    const m = manager();
    const { sessionId } = await sh(m, "printf 'a\\303'; sleep 0.5; printf '\\251b'");
    const first = await read(m, sessionId, { yieldTimeMs: 250 });
    expect(first).toMatchObject({ stdout: "a", running: true });
    const second = await read(m, sessionId, { yieldTimeMs: 5_000 });
    expect(second).toMatchObject({ stdout: "éb", running: false });
  });

  test("small and large chunks come back whole and in order", async () => {
    const m = manager();
    const { sessionId } = await sh(m, "for c in a b c; do printf $c; sleep 0.02; done; head -c 40000 /dev/zero | tr '\\0' y; printf z");
    const r = await read(m, sessionId, { yieldTimeMs: 10_000, maxOutputBytes: 1024 * 1024 });
    expect(r).toMatchObject({ running: false, truncated: false });
    expect(r.stdout).toBe(`abc${"y".repeat(40_000)}z`);
  });

  test("memory stays bounded: output nobody reads keeps only the buffer's tail", async () => {
    const m = manager({ maxBufferedBytes: 64 * 1024 });
    // ~2 MB of numbered lines while nobody reads, then the program waits
    const dir = newDir();
    const { sessionId } = await sh(m, "seq 1 300000; echo DONE; touch printed; exec sleep 30", {}, dir);
    await fileAppears(join(dir, "printed"));
    const r = await read(m, sessionId, { yieldTimeMs: 0, maxOutputBytes: 10 * 1024 * 1024 });
    expect(r.running).toBe(true);
    expect(r.truncated).toBe(true);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(64 * 1024);
    expect(r.stdout.endsWith("300000\r\nDONE\r\n")).toBe(true);
  });

  test("the default buffer keeps at most 1 MiB between reads", async () => {
    const m = manager();
    const dir = newDir();
    const { sessionId } = await sh(m, "head -c 3000000 /dev/zero | tr '\\0' x; echo; echo DONE; touch printed; exec sleep 30", {}, dir);
    await fileAppears(join(dir, "printed"));
    const r = await read(m, sessionId, { yieldTimeMs: 0, maxOutputBytes: 10 * 1024 * 1024 });
    expect(r.truncated).toBe(true);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(1024 * 1024);
    expect(Buffer.byteLength(r.stdout)).toBeGreaterThan(1000 * 1024);
    expect(r.stdout.endsWith("DONE\r\n")).toBe(true);
  });
});

describe("InProcessExecSessions.close", () => {
  test("kills the session's whole process group, a background grandchild too, and forgets it", async () => {
    const m = manager();
    const { sessionId, pid } = await sh(m, 'sleep 300 & echo "bg=$!"; wait');
    const seen = await readUntil(m, sessionId, "bg=");
    const grandchild = Number(/bg=(\d+)/.exec(seen)![1]);
    pids.push(grandchild);
    expect(liveGroupMembers(pid)).toContain(grandchild);
    await m.close(sessionId);
    expect(await goneWithin(grandchild)).toBe(true);
    expect(await goneWithin(pid)).toBe(true);
    expect(m.has(sessionId)).toBe(false);
    expect((await rejection(read(m, sessionId))).kind).toBe("not_found");
  });

  test("an unknown id is a no-op", async () => {
    const m = manager();
    const { sessionId, pid } = await sh(m, "sleep 30");
    await m.close(sessionId + 1);
    expect(m.has(sessionId)).toBe(true);
    expect(liveGroupMembers(pid)).toContain(pid);
  });

  test("closeAll ends every session", async () => {
    const m = manager();
    const a = await sh(m, "sleep 30");
    const b = await sh(m, "trap '' TERM; echo ready; while :; do sleep 0.05; done");
    expect(await readUntil(m, b.sessionId, "ready")).toContain("ready");
    const started = performance.now();
    await m.closeAll();
    // b ignores SIGTERM: it took the SIGKILL after the grace period
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(m.size).toBe(0);
    expect(await goneWithin(a.pid)).toBe(true);
    expect(await goneWithin(b.pid)).toBe(true);
  });
});

describe("incompleteUtf8Tail", () => {
  test("counts the bytes of a trailing character that is not complete", () => {
    const bytes = (...values: number[]) => new Uint8Array(values);
    expect(incompleteUtf8Tail(bytes(0x61))).toBe(0);
    expect(incompleteUtf8Tail(bytes(0x61, 0xc3))).toBe(1);
    expect(incompleteUtf8Tail(bytes(0xc3, 0xa9))).toBe(0);
    expect(incompleteUtf8Tail(bytes(0xe2, 0x82))).toBe(2);
    expect(incompleteUtf8Tail(bytes(0xe2, 0x82, 0xac))).toBe(0);
    expect(incompleteUtf8Tail(bytes(0xf0, 0x9f, 0x98))).toBe(3);
    expect(incompleteUtf8Tail(bytes(0xf0, 0x9f, 0x98, 0x80))).toBe(0);
    expect(incompleteUtf8Tail(bytes())).toBe(0);
  });
});
