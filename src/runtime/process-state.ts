/**
 * Is a process still there? `kill(pid, 0)` says yes for a zombie too, and an orphan whose parent
 * died waits as a zombie until init reaps it; on Linux `/proc/<pid>/stat` tells a zombie apart and
 * it counts as gone. EPERM means the process exists but belongs to someone else: alive.
 */
import { readFileSync } from "node:fs";

function procState(pid: number): string | null | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] ?? null;
  } catch (error) {
    // No such entry: gone (on Linux); no /proc at all: unknown.
    return (error as NodeJS.ErrnoException).code === "ENOENT" && hasProc() ? null : undefined;
  }
}

let procMounted: boolean | undefined;
function hasProc(): boolean {
  if (procMounted === undefined) {
    try {
      readFileSync("/proc/self/stat");
      procMounted = true;
    } catch {
      procMounted = false;
    }
  }
  return procMounted;
}

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const state = procState(pid);
  if (state === null) return false;
  if (state === "Z" || state === "X") return false;
  if (state !== undefined) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Signal a process group, falling back to the process itself. False when neither exists. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}
