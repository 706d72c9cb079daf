import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { goneWithin, killLeftovers, liveGroupMembers } from "../../test/support/processes.ts";
import { spawnPty, type PtyProcess } from "./spawn.ts";

const env = { PATH: "/usr/bin:/bin" };
const started: PtyProcess[] = [];
const pids: number[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.close()));
  killLeftovers(pids.splice(0));
});

function start(script: string, extraEnv: Record<string, string> = {}) {
  const chunks: Uint8Array[] = [];
  const pty = spawnPty(["/bin/sh", "-c", script], { cwd: "/", env: { ...env, ...extraEnv }, onData: (bytes) => chunks.push(bytes) });
  started.push(pty);
  pids.push(pty.pid);
  return { pty, output: () => new TextDecoder().decode(Buffer.concat(chunks)) };
}

/** pgrp, session and controlling tty of a live process (/proc/<pid>/stat fields 5, 6 and 7). */
function procIds(pid: number): { pgrp: number; session: number; ttyNr: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { pgrp: Number(fields[2]), session: Number(fields[3]), ttyNr: Number(fields[4]) };
}

async function until(predicate: () => boolean, ms = 3_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(10);
  }
}

describe("spawnPty", () => {
  test("starts the program as the leader of its own session and process group, on a terminal", async () => {
    const { pty, output } = start("tty; exec sleep 30");
    await until(() => output().includes("/dev/pts/"));
    const ids = procIds(pty.pid);
    expect(ids.pgrp).toBe(pty.pid);
    expect(ids.session).toBe(pty.pid);
    expect(ids.ttyNr).not.toBe(0);
  });

  test("passes input through the terminal and reports the exit code once output is drained", async () => {
    const { pty, output } = start("printf 'name? '; read x; echo \"got $x\"; exit 3");
    await until(() => output().includes("name? "));
    expect(pty.write("alice\r")).toBe(true);
    expect(await pty.exited).toEqual({ exitCode: 3, signal: null });
    expect(output()).toContain("got alice");
    expect(pty.write("late\r")).toBe(false);
  });

  test("passes only the given environment", async () => {
    const { pty, output } = start('echo "[$HOME][$ONLY]"', { ONLY: "yes" });
    await pty.exited;
    expect(output()).toBe("[][yes]\r\n");
  });

  test("reports the signal that ended the program", async () => {
    const { pty } = start("kill -TERM $$");
    expect(await pty.exited).toEqual({ exitCode: null, signal: "SIGTERM" });
  });

  test("close kills the whole process group, a background grandchild too", async () => {
    const { pty, output } = start("sleep 300 & echo \"bg=$!\"; wait");
    await until(() => /bg=\d+/.test(output()));
    const grandchild = Number(/bg=(\d+)/.exec(output())![1]);
    pids.push(grandchild);
    expect(liveGroupMembers(pty.pid)).toContain(grandchild);
    await pty.close();
    expect(await goneWithin(grandchild)).toBe(true);
    expect(await goneWithin(pty.pid)).toBe(true);
    expect(liveGroupMembers(pty.pid)).toEqual([]);
  });

  test("when the leader exits, the rest of its group goes too, a SIGHUP-immune job included", async () => {
    const { pty, output } = start("nohup sleep 300 >/dev/null 2>&1 & echo \"bg=$!\"; sleep 0.1; exit 0");
    await pty.exited;
    const grandchild = Number(/bg=(\d+)/.exec(output())![1]);
    pids.push(grandchild);
    expect(grandchild).toBeGreaterThan(0);
    expect(await goneWithin(grandchild)).toBe(true);
  });

  test("close escalates to SIGKILL when the program ignores SIGTERM", async () => {
    const { pty, output } = start("trap '' TERM; echo ready; while :; do sleep 0.05; done");
    await until(() => output().includes("ready"));
    await pty.close(100);
    expect(await goneWithin(pty.pid)).toBe(true);
    expect((await pty.exited).signal).toBe("SIGKILL");
  });

  test("throws when the program cannot start", () => {
    expect(() => spawnPty(["/nonexistent/program"], { cwd: "/", env, onData: () => {} })).toThrow(/ENOENT|no such file/i);
  });
});
