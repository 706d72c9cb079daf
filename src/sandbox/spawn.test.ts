import { describe, expect, test } from "bun:test";
import { goneWithin, isAlive } from "../../test/support/processes.ts";
import { TailBuffer, runProcess } from "./spawn.ts";

const env = { PATH: "/usr/bin:/bin" };

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
    expect(await goneWithin(grandchild)).toBe(true);
  });

  test("returns when the leader exits even if a background grandchild holds the pipe", async () => {
    const started = performance.now();
    const r = await runProcess(["/bin/sh", "-c", "sleep 100 & echo $!"], { env, timeoutMs: 20_000 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(r).toMatchObject({ exitCode: 0, timedOut: false });
    const grandchild = Number(r.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    // the rest of the leader's process group does not outlive it
    expect(await goneWithin(grandchild)).toBe(true);
  });

  test("stops reading after a grace period when a process outside the group keeps the pipe open", async () => {
    const started = performance.now();
    // the pause lets the background job reach setsid before the leader exits
    const r = await runProcess(["/bin/sh", "-c", "setsid sleep 100 & echo $!; sleep 0.3; echo done"], { env, drainGraceMs: 100 });
    const escaped = Number(r.stdout.split("\n")[0]);
    try {
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(isAlive(escaped)).toBe(true); // it really escaped the group kill and still holds the pipe
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toEndWith("done\n");
    } finally {
      if (escaped > 0 && isAlive(escaped)) process.kill(escaped, "SIGKILL");
    }
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
