import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { goneWithin, isAlive, killLeftovers } from "../../test/support/processes.ts";
import { tempDirs } from "../../test/support/tool-context.ts";
import { spawnDetached } from "../sandbox/spawn.ts";
import { readExecRegistry, updateExecRegistry, type RegistryFiles } from "./exec-registry.ts";
import { MARKER_ENV, environmentHas, reapOrphans } from "./reaper.ts";

const tempDir = tempDirs("sr-reaper-");
const started: number[] = [];
afterEach(() => killLeftovers(started.splice(0)));

const MARKER = "a1b2c3d4e5f60718";

/** A `sleep` in its own session, like a PTY session of a dead server; `marker` goes into its env. */
function sleeper(dir: string, marker: string | null): number {
  const env: Record<string, string> = { PATH: "/usr/bin:/bin", ...(marker ? { [MARKER_ENV]: marker } : {}) };
  const child = spawnDetached(["sleep", "30"], { cwd: dir, env, stdoutPath: "/dev/null", stderrPath: "/dev/null" });
  started.push(child.pid);
  return child.pid;
}

function files(dir: string): RegistryFiles {
  return { path: join(dir, "exec_registry.json"), tmpPath: join(dir, "exec_registry.tmp"), workspaceRoot: dir };
}

const entry = (pid: number) => ({ pid, pgid: pid, created_at_ms: Date.now(), argv: ["sleep", "30"], cwd: "/", marker: MARKER });

describe("environmentHas", () => {
  test("finds an exact NAME=value in a live process's environment", async () => {
    const dir = tempDir();
    const pid = sleeper(dir, MARKER);
    await Bun.sleep(50);
    expect(await environmentHas(pid, `${MARKER_ENV}=${MARKER}`)).toBe(true);
    expect(await environmentHas(pid, `${MARKER_ENV}=${MARKER.slice(0, 8)}`)).toBe(false);
    expect(await environmentHas(pid, `${MARKER_ENV}=ffffffffffffffff`)).toBe(false);
  });
});

describe("reapOrphans", () => {
  test("kills a registered process carrying the marker and keeps one without it", async () => {
    const dir = tempDir();
    const ours = sleeper(dir, MARKER);
    const stranger = sleeper(dir, null);
    await Bun.sleep(50);
    const f = files(dir);
    updateExecRegistry(f, (r) => {
      r.exec_sessions["1"] = entry(ours);
      r.exec_sessions["2"] = entry(stranger);
    });

    const result = await reapOrphans(f);

    expect(result).toEqual({ ok: true, killed: 1, skipped: 1, kept: 1, errors: [] });
    expect(await goneWithin(ours, 2_000)).toBe(true);
    expect(isAlive(stranger)).toBe(true);
    const left = readExecRegistry(f).exec_sessions;
    expect(Object.keys(left)).toEqual(["2"]);
    expect(left["2"]).toMatchObject({ pid: stranger, needs_manual_cleanup: true });
    expect(left["2"]!.last_seen_alive_ms).toBeGreaterThan(0);
  });

  test("a dead pid counts as killed and is dropped; pid <= 0 is skipped", async () => {
    const dir = tempDir();
    const dead = sleeper(dir, MARKER);
    process.kill(dead, "SIGKILL");
    expect(await goneWithin(dead, 2_000)).toBe(true);
    const f = files(dir);
    updateExecRegistry(f, (r) => {
      r.exec_sessions["1"] = entry(dead);
      r.exec_sessions["2"] = entry(0);
    });
    expect(await reapOrphans(f)).toEqual({ ok: true, killed: 1, skipped: 1, kept: 0, errors: [] });
    expect(readExecRegistry(f).exec_sessions).toEqual({});
  });

  test("a process that ignores SIGTERM is killed with SIGKILL", async () => {
    const dir = tempDir();
    const env = { PATH: "/usr/bin:/bin", [MARKER_ENV]: MARKER };
    const child = spawnDetached(["/bin/sh", "-c", "trap '' TERM; while :; do sleep 0.05; done"], { cwd: dir, env, stdoutPath: "/dev/null", stderrPath: "/dev/null" });
    started.push(child.pid);
    await Bun.sleep(100);
    const f = files(dir);
    updateExecRegistry(f, (r) => void (r.exec_sessions["1"] = entry(child.pid)));
    const t0 = performance.now();
    expect(await reapOrphans(f, { termWaitMs: 300 })).toMatchObject({ ok: true, killed: 1 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
    expect(await goneWithin(child.pid, 2_000)).toBe(true);
  });
});
