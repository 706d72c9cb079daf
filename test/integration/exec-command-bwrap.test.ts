/**
 * exec_command under real bubblewrap (issue 7): a `restricted` PTY session runs inside the fence
 * (the workspace is /work, writes outside it fail) and its result says so; write_stdin talks to
 * the fenced program. Skipped, with the reason in each test name, when bwrap is not installed.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createSandboxAdapter } from "../../src/sandbox/create.ts";
import { execCommandTool } from "../../src/tools/exec-command.ts";
import { InProcessExecSessions } from "../../src/tools/pty-sessions.ts";
import { writeStdinTool } from "../../src/tools/write-stdin.ts";
import { goneWithin, killLeftovers } from "../support/processes.ts";
import { makeToolContext, registryWith, tempDirs, testConfig } from "../support/tool-context.ts";

const hasBwrap = Bun.which("bwrap") !== null;
const SKIP = hasBwrap ? "" : " (skipped: bwrap is not installed)";
const it = (name: string, fn: () => Promise<void>) => test.skipIf(!hasBwrap)(`${name}${SKIP}`, fn, 20_000);

const newDir = tempDirs("sr-exec-bwrap-");
const registry = registryWith(execCommandTool, writeStdinTool);
const PATH = "/usr/local/bin:/usr/bin:/bin";
const managers: InProcessExecSessions[] = [];
const pids: number[] = [];

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.closeAll()));
  killLeftovers(pids.splice(0));
});

async function fencedContext() {
  const workspaceRoot = newDir();
  const config = testConfig({ sandbox: { profile: "balanced", default_policy: "none" } });
  const selection = await createSandboxAdapter(config, { workspaceRoot, pathEnv: PATH });
  if (selection.adapter === null) throw new Error(`bwrap is installed but unusable here: ${selection.unavailable?.reason}`);
  const { ctx } = makeToolContext({ workspaceRoot, config, sandboxAdapter: selection.adapter, baseEnv: { PATH } });
  const sessions = new InProcessExecSessions();
  managers.push(sessions);
  ctx.services!.execSessions = sessions;
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = await registry.dispatch(name, args, ctx);
    for (const pid of sessions.pids().values()) pids.push(pid);
    return result as typeof result & { data: Record<string, any> };
  };
  return { workspaceRoot, sessions, call };
}

describe("exec_command under bubblewrap", () => {
  it("runs a restricted command inside the fence: the workspace is /work and writes outside it fail", async () => {
    const { workspaceRoot, call } = await fencedContext();
    const outside = join(newDir(), "escaped");
    const r = await call("exec_command", {
      cmd: `pwd; echo inside > made-inside; echo x > ${outside} || echo "outside write failed"`,
      sandbox: "restricted",
      yield_time_ms: 10_000,
    });
    expect(r.stdout).toContain("/work\r\n");
    expect(r.stdout).toContain("outside write failed");
    expect(r).toMatchObject({
      ok: true,
      exit_code: 0,
      data: { session_id: null, running: false, sandbox: { requested: "restricted", effective: "restricted", adapter: "BubblewrapSandboxAdapter", active: true } },
    });
    expect(readFileSync(join(workspaceRoot, "made-inside"), "utf8")).toBe("inside\n");
    expect(existsSync(outside)).toBe(false);
  });

  it("write_stdin talks to a fenced interactive program", async () => {
    const { call } = await fencedContext();
    const started = await call("exec_command", { cmd: 'printf "name? "; read name; echo "hello $name from $(pwd)"', sandbox: "restricted", yield_time_ms: 1_000 });
    expect(started).toMatchObject({ ok: true, data: { session_id: 1, running: true, sandbox: { active: true } } });
    expect(started.stdout).toContain("name? ");
    const answered = await call("write_stdin", { session_id: 1, chars: "bob\r", yield_time_ms: 10_000 });
    expect(answered.stdout).toContain("hello bob from /work");
    expect(answered).toMatchObject({ ok: true, exit_code: 0, data: { session_id: null, running: false } });
  });

  it("closing a fenced session ends bwrap and everything it started", async () => {
    const { sessions, call } = await fencedContext();
    const started = await call("exec_command", { cmd: "sleep 300 & echo started; wait", sandbox: "restricted", yield_time_ms: 1_000 });
    expect(started.data.running).toBe(true);
    const pid = sessions.pids().get(1)!;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).map(Number);
    expect(children.length).toBeGreaterThan(0);
    await sessions.close(1);
    expect(await goneWithin(pid)).toBe(true);
    for (const child of children) expect(await goneWithin(child)).toBe(true);
  });
});
