import { readFileSync } from "node:fs";
import { describe, expect, test } from "bun:test";
import { TailBuffer, runProcess } from "./spawn.ts";

const env = { PATH: "/usr/bin:/bin" };

/** Alive means present and not a zombie (a container's init may be slow to reap). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

describe("runProcess", () => {
  test("returns exit code and output as data", async () => {
    const r = await runProcess(["/bin/sh", "-c", "echo out; echo err >&2; exit 3"], { env });
    expect(r).toMatchObject({ exitCode: 3, signal: null, stdout: "out\n", stderr: "err\n", timedOut: false, truncated: false });
  });

  test("passes only the given environment", async () => {
    const r = await runProcess(["/bin/sh", "-c", "echo \"[$HOME][$ONLY]\""], { env: { ...env, ONLY: "yes" } });
    expect(r.stdout).toBe("[][yes]\n");
  });

  test("kills the whole process group on timeout", async () => {
    const marker = `sr-spawn-${process.pid}-${Date.now()}`;
    const r = await runProcess(["/bin/sh", "-c", `sleep 30 & echo $! ; exec sleep 31 # ${marker}`], { env, timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    const grandchild = Number(r.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    expect(isAlive(grandchild)).toBe(false);
  });

  test("cancels through an AbortSignal", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = await runProcess(["/bin/sleep", "20"], { env, signal: ac.signal });
    expect(r.cancelled).toBe(true);
    expect(r.signal).not.toBeNull();
  });

  test("keeps the tail of large output and says it truncated", async () => {
    const r = await runProcess(["/bin/sh", "-c", "seq 1 100000"], { env, maxStreamBytes: 1024 });
    expect(r.truncated).toBe(true);
    expect(r.stdout.length).toBeLessThanOrEqual(1024);
    expect(r.stdout.endsWith("100000\n")).toBe(true);
  });
});

describe("TailBuffer", () => {
  test("drops the oldest bytes beyond its limit", () => {
    const b = new TailBuffer(4);
    b.push(new TextEncoder().encode("abc"));
    b.push(new TextEncoder().encode("def"));
    expect(b.text()).toBe("cdef");
    expect(b.truncated).toBe(true);
  });
});
