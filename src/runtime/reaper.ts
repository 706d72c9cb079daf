/**
 * Orphan clean-up at server start (spec 8.6, the intended ProcessReaper): a server that died
 * without closing its PTY sessions left their processes running. Before the new server accepts
 * connections, every entry of `exec_registry.json` is checked:
 *
 * - pid <= 0: skipped and dropped;
 * - process gone: counted as killed and dropped;
 * - alive and its environment holds the entry's marker
 *   (`SKILLS_RUNTIME_SDK_RUNTIME_EXEC_SESSION_MARKER=<marker>`): SIGTERM to its process group, poll
 *   every 50 ms up to 0.6 s, then SIGKILL; counted as killed and dropped;
 * - alive but not verified (the pid was reused by an unrelated process, or its environment is not
 *   readable): left alone, kept with `needs_manual_cleanup` and `last_seen_alive_ms`.
 *
 * The environment is read from `/proc/<pid>/environ` on Linux and from `ps eww -p <pid>` elsewhere.
 * There is no fallback on the command line (the reference HEAD's argv[0] match could kill a stranger).
 */
import { readFileSync } from "node:fs";
import { runProcess } from "../sandbox/spawn.ts";
import { describeError } from "../util/errors.ts";
import { readExecRegistry, writeExecRegistry, type ExecRegistryEntry, type RegistryFiles } from "./exec-registry.ts";
import { isProcessAlive, signalGroup } from "./process-state.ts";
import type { OrphanCleanup } from "./protocol.ts";

export const MARKER_ENV = "SKILLS_RUNTIME_SDK_RUNTIME_EXEC_SESSION_MARKER";

export interface ReapOptions {
  /** PATH for `ps` where there is no /proc. */
  pathEnv?: string;
  /** How long to wait after SIGTERM before SIGKILL (default 600 ms). */
  termWaitMs?: number;
  pollMs?: number;
}

/** True when the process's environment has exactly the entry `NAME=value`; false when it has not or cannot be read. */
export async function environmentHas(pid: number, wanted: string, options: Pick<ReapOptions, "pathEnv"> = {}): Promise<boolean> {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(wanted);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") return false; // e.g. EACCES: not ours to read
    try {
      readFileSync("/proc/self/stat");
      return false; // /proc exists: the process is gone
    } catch {
      // no /proc: ask ps
    }
  }
  const ps = await runProcess(["ps", "eww", "-p", String(pid)], {
    env: { PATH: options.pathEnv ?? "/usr/bin:/bin:/usr/sbin:/sbin" },
    timeoutMs: 5_000,
    maxStreamBytes: 1024 * 1024,
  });
  return ps.exitCode === 0 && ps.stdout.split(/\s+/).includes(wanted);
}

async function terminate(pid: number, termWaitMs: number, pollMs: number): Promise<void> {
  signalGroup(pid, "SIGTERM");
  const deadline = performance.now() + termWaitMs;
  while (performance.now() < deadline) {
    if (!isProcessAlive(pid)) return;
    await Bun.sleep(pollMs);
  }
  signalGroup(pid, "SIGKILL");
  const killDeadline = performance.now() + termWaitMs;
  while (isProcessAlive(pid) && performance.now() < killDeadline) await Bun.sleep(pollMs);
  if (isProcessAlive(pid)) throw new Error("still alive after SIGKILL");
}

/** Clean up after a dead server; rewrites the registry with only the entries kept. */
export async function reapOrphans(files: RegistryFiles, options: ReapOptions = {}): Promise<OrphanCleanup> {
  const registry = readExecRegistry(files);
  const kept: Record<string, ExecRegistryEntry> = {};
  const result: OrphanCleanup = { ok: true, killed: 0, skipped: 0, kept: 0, errors: [] };
  for (const [id, entry] of Object.entries(registry.exec_sessions)) {
    if (entry.pid <= 0) {
      result.skipped += 1;
      continue;
    }
    if (!isProcessAlive(entry.pid)) {
      result.killed += 1;
      continue;
    }
    if (!entry.marker || !(await environmentHas(entry.pid, `${MARKER_ENV}=${entry.marker}`, options))) {
      result.skipped += 1;
      result.kept += 1;
      kept[id] = { ...entry, needs_manual_cleanup: true, last_seen_alive_ms: Date.now() };
      continue;
    }
    try {
      await terminate(entry.pgid > 0 ? entry.pgid : entry.pid, options.termWaitMs ?? 600, options.pollMs ?? 50);
      result.killed += 1;
    } catch (error) {
      result.errors.push(`Cannot kill orphan exec session ${id} (pid ${entry.pid}): ${describeError(error)}`);
      kept[id] = { ...entry, last_seen_alive_ms: Date.now() };
      result.kept += 1;
    }
  }
  result.ok = result.errors.length === 0;
  writeExecRegistry(files, { ...registry, exec_sessions: kept });
  return result;
}
