/**
 * Preloaded by `bun test` (bunfig.toml): the whole suite runs with TMPDIR set to one fresh
 * directory, so every temp workspace of every test lives under it. After the last test, any process
 * still running that belongs to the suite fails the run — a process whose working directory,
 * command line or environment names that directory (PTY sessions, sandboxed commands, runtime
 * daemons: they all run in a temp workspace), or one still descending from this test process.
 * Leftovers are listed, then killed (they are the suite's own), and the directory is removed.
 *
 * Linux only (/proc); elsewhere the check is skipped with a printed reason.
 */
import { afterAll } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { join } from "node:path";

const suiteTmp = mkdtempSync(join(process.env.TMPDIR ?? "/tmp", "sr-suite-"));
process.env.TMPDIR = suiteTmp;

interface Leftover {
  pid: number;
  why: string;
  cmdline: string;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return null;
  }
}

function parentOf(pid: number): number | null {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[0] === "Z" ? null : Number(fields[1]);
}

function descendsFromUs(pid: number): boolean {
  let current: number | null = pid;
  for (let hops = 0; current !== null && current > 1 && hops < 64; hops++) {
    current = parentOf(current);
    if (current === process.pid) return true;
  }
  return false;
}

function leftovers(): Leftover[] {
  const out: Leftover[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid || parentOf(pid) === null) continue; // self, gone or a zombie
    const cmdline = (read(`/proc/${pid}/cmdline`) ?? "").replaceAll("\0", " ").trim();
    let cwd = "";
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      // Not ours to inspect.
    }
    const environ = read(`/proc/${pid}/environ`) ?? "";
    if (cwd.startsWith(suiteTmp)) out.push({ pid, why: `cwd ${cwd}`, cmdline });
    else if (cmdline.includes(suiteTmp)) out.push({ pid, why: "command line names the suite's temp dir", cmdline });
    else if (environ.includes(suiteTmp)) out.push({ pid, why: "environment names the suite's temp dir", cmdline });
    else if (descendsFromUs(pid)) out.push({ pid, why: "still a child of the test process", cmdline });
  }
  return out;
}

afterAll(async () => {
  if (!existsSync("/proc/self/stat")) {
    console.warn("suite-guard: leftover-process check skipped (no /proc on this platform)");
    return;
  }
  // Processes killed by the last tests may need a moment to finish exiting.
  let left = leftovers();
  for (let waited = 0; left.length > 0 && waited < 3000; waited += 100) {
    await Bun.sleep(100);
    left = leftovers();
  }
  for (const { pid } of left) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  rmSync(suiteTmp, { recursive: true, force: true });
  if (left.length > 0) {
    const list = left.map((p) => `  pid ${p.pid} (${p.why}): ${p.cmdline.slice(0, 200)}`).join("\n");
    throw new Error(`The test suite left ${left.length} process(es) running (now killed):\n${list}`);
  }
});
