/**
 * Process checks for tests that kill process groups (Linux /proc). A zombie counts as gone: a
 * container's init may be slow to reap orphans.
 */
import { readFileSync, readdirSync } from "node:fs";

function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // fields after "(comm)": state, ppid, pgrp, ...
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

export function isAlive(pid: number): boolean {
  const fields = statFields(pid);
  return fields !== null && fields[0] !== "Z";
}

/** A killed process needs a moment to finish exiting; poll for up to `ms`. */
export async function goneWithin(pid: number, ms = 2_000): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (isAlive(pid)) {
    if (performance.now() > deadline) return false;
    await Bun.sleep(20);
  }
  return true;
}

/** Live (non-zombie) processes whose process group is `pgid`. */
export function liveGroupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && fields[0] !== "Z" && Number(fields[2]) === pgid) out.push(Number(entry));
  }
  return out;
}

/** Wait until no live process is left in group `pgid`; returns the stragglers after `ms`. */
export async function groupGoneWithin(pgid: number, ms = 2_000): Promise<number[]> {
  const deadline = performance.now() + ms;
  for (;;) {
    const left = liveGroupMembers(pgid);
    if (left.length === 0 || performance.now() > deadline) return left;
    await Bun.sleep(20);
  }
}

/** Kill the listed pids that are still alive (test clean-up of processes the test started). */
export function killLeftovers(pids: readonly number[]): void {
  for (const pid of pids) {
    if (!isAlive(pid)) continue;
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
}
