import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { goneWithin, killLeftovers } from "../../test/support/processes.ts";
import { envWrappingAdapter, fakeSandboxAdapter, makeToolContext, registryWith, tempDirs, testConfig, type ToolContextOptions } from "../../test/support/tool-context.ts";
import { RuntimeError } from "../util/errors.ts";
import { execCommandTool } from "./exec-command.ts";
import { InProcessExecSessions } from "./pty-sessions.ts";
import { writeStdinTool } from "./write-stdin.ts";

const newDir = tempDirs("sr-exec-command-");
const registry = registryWith(execCommandTool, writeStdinTool);
const managers: InProcessExecSessions[] = [];
const pids: number[] = [];

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.closeAll()));
  killLeftovers(pids.splice(0));
});

interface Setup extends Partial<ToolContextOptions> {
  /** false: a run without an exec sessions manager. */
  sessions?: boolean;
}

/** A tool context with a fresh in-process sessions manager (tracked for clean-up). */
function setup(options: Setup = {}) {
  const workspaceRoot = options.workspaceRoot ?? newDir();
  const { ctx } = makeToolContext({ ...options, workspaceRoot });
  const sessions = new InProcessExecSessions();
  managers.push(sessions);
  if (options.sessions !== false) ctx.services!.execSessions = sessions;
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = await registry.dispatch(name, args, ctx);
    for (const pid of sessions.pids().values()) pids.push(pid);
    return result as typeof result & { data: Record<string, any> };
  };
  return { workspaceRoot, ctx, sessions, exec: (args: Record<string, unknown>) => call("exec_command", args), write: (args: Record<string, unknown>) => call("write_stdin", args) };
}

const noSandbox = { requested: "inherit", effective: "none", adapter: null, active: false, profile: "dev" };
const restricted = testConfig({ sandbox: { default_policy: "restricted" } });

describe("exec_command / write_stdin: provider schema", () => {
  test("forbids unknown keys and lists the spec's arguments", () => {
    const [exec, write] = registry.specs().map((s) => s.function.parameters as Record<string, any>);
    expect(exec!.additionalProperties).toBe(false);
    expect(exec!.required).toEqual(["cmd"]);
    expect(Object.keys(exec!.properties)).toEqual(["cmd", "workdir", "yield_time_ms", "max_output_tokens", "tty", "sandbox", "sandbox_permissions", "justification"]);
    expect(write!.additionalProperties).toBe(false);
    expect(write!.required).toEqual(["session_id"]);
    expect(Object.keys(write!.properties)).toEqual(["session_id", "chars", "yield_time_ms", "max_output_tokens"]);
  });
});

describe("exec_command + write_stdin", () => {
  test("drive an interactive program to its end: prompt, answer, exit code, session gone", async () => {
    const { exec, write } = setup();
    const started = await exec({ cmd: 'printf "name? "; read name; echo "hello $name"; exit 3', yield_time_ms: 300 });
    expect(started).toMatchObject({ ok: true, stdout: "name? ", stderr: "", truncated: false, data: { session_id: 1, running: true, sandbox: noSandbox } });
    expect(started.exit_code).toBeUndefined();
    expect(started.error_kind).toBeUndefined();

    const answered = await write({ session_id: 1, chars: "alice\r", yield_time_ms: 5_000 });
    expect(answered.stdout).toContain("alice\r\n"); // the terminal echoes what was typed
    expect(answered.stdout).toContain("hello alice\r\n");
    expect(answered).toMatchObject({ ok: false, exit_code: 3, error_kind: "exit_code", data: { session_id: null, running: false } });

    const after = await write({ session_id: 1 });
    expect(after).toMatchObject({ ok: false, error_kind: "not_found", stderr: "session not found" });
  });

  test("a poll without chars returns only the new output", async () => {
    const { exec, write } = setup();
    await exec({ cmd: "echo first; read x; echo second; exec sleep 30", yield_time_ms: 300 });
    const typed = await write({ session_id: 1, chars: "go\r", yield_time_ms: 300 });
    expect(typed.stdout).toBe("go\r\nsecond\r\n");
    const polled = await write({ session_id: 1, chars: "", yield_time_ms: 100 });
    expect(polled).toMatchObject({ ok: true, stdout: "", data: { session_id: 1, running: true } });
  });

  test("a short command finishing within the first yield reports running false and no session id", async () => {
    const { exec, sessions } = setup();
    const r = await exec({ cmd: "echo hi", yield_time_ms: 5_000 });
    expect(r).toMatchObject({ ok: true, stdout: "hi\r\n", exit_code: 0, data: { session_id: null, running: false, sandbox: noSandbox } });
    expect(sessions.size).toBe(0);
  });

  test("a non-zero exit within the first yield is exit_code", async () => {
    const { exec } = setup();
    const r = await exec({ cmd: "exit 4", yield_time_ms: 5_000 });
    expect(r).toMatchObject({ ok: false, exit_code: 4, error_kind: "exit_code", data: { session_id: null, running: false } });
  });

  test("max_output_tokens 1 keeps at most 1024 bytes of 20000 characters", async () => {
    const { exec } = setup();
    const r = await exec({ cmd: "head -c 20000 /dev/zero | tr '\\0' x; echo; echo END", yield_time_ms: 5_000, max_output_tokens: 1 });
    expect(r.truncated).toBe(true);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(1024);
    expect(r.stdout.endsWith("xx\r\nEND\r\n")).toBe(true);
  });

  test("runs in workdir with the base env overlaid by the run env store", async () => {
    const root = newDir();
    mkdirSync(join(root, "sub"));
    const { exec } = setup({ workspaceRoot: root, baseEnv: { PATH: "/usr/bin:/bin", A: "base", B: "base" }, env: { B: "run" } });
    const r = await exec({ cmd: 'pwd; echo "$A $B"', workdir: "sub", yield_time_ms: 5_000 });
    expect(r.stdout).toBe(`${join(root, "sub")}\r\nbase run\r\n`);
  });

  test("redacts secrets in the output", async () => {
    const { exec } = setup({ secrets: ["s3cr3t-value"] });
    const r = await exec({ cmd: "echo token=s3cr3t-value", yield_time_ms: 5_000 });
    expect(r.stdout).toBe("token=<redacted>\r\n");
  });

  test("accepts tty, justification and sandbox_permissions", async () => {
    const { exec } = setup();
    const r = await exec({ cmd: "true", tty: false, justification: "check", sandbox_permissions: "require_escalated", yield_time_ms: 5_000 });
    expect(r.ok).toBe(true);
  });

  test("a cancelled run stops waiting and closes the session it started", async () => {
    const controller = new AbortController();
    const { exec, sessions } = setup({ signal: controller.signal });
    const pending = exec({ cmd: "exec sleep 30", yield_time_ms: 20_000 });
    await Bun.sleep(200);
    const [pid] = [...sessions.pids().values()];
    controller.abort();
    const r = await pending;
    expect(r).toMatchObject({ ok: false, error_kind: "cancelled" });
    expect(sessions.size).toBe(0);
    expect(await goneWithin(pid!)).toBe(true);
  });
});

describe("exec_command / write_stdin: errors", () => {
  test("write_stdin to an unknown session is not_found", async () => {
    const { write } = setup();
    expect(await write({ session_id: 42, chars: "x" })).toMatchObject({ ok: false, error_kind: "not_found", stderr: "session not found" });
  });

  test('sandbox "none" is a validation error and nothing runs', async () => {
    const { exec, sessions, workspaceRoot } = setup();
    const r = await exec({ cmd: "touch ran", sandbox: "none" });
    expect(r).toMatchObject({ ok: false, error_kind: "validation" });
    expect(r.stderr).toContain('"none"');
    expect(sessions.size).toBe(0);
    expect(existsSync(join(workspaceRoot, "ran"))).toBe(false);
  });

  test("sandbox is case-insensitive", async () => {
    const { exec } = setup();
    const r = await exec({ cmd: "true", sandbox: "INHERIT", yield_time_ms: 5_000 });
    expect(r).toMatchObject({ ok: true, data: { sandbox: { requested: "inherit" } } });
  });

  test("restricted without an adapter is sandbox_denied and nothing runs", async () => {
    const { exec, sessions, workspaceRoot } = setup();
    const r = await exec({ cmd: "touch ran", sandbox: "restricted", yield_time_ms: 1_000 });
    expect(r).toMatchObject({
      ok: false,
      error_kind: "sandbox_denied",
      stderr: "Sandbox is required but no sandbox adapter is configured.",
      data: { sandbox: { requested: "restricted", effective: "restricted", adapter: null, active: false } },
    });
    expect(sessions.size).toBe(0);
    await Bun.sleep(100);
    expect(existsSync(join(workspaceRoot, "ran"))).toBe(false);
  });

  test("a restricted default policy without an adapter says why when the probe knew", async () => {
    const { exec } = setup({ config: restricted, sandboxUnavailable: { reason: "bwrap is missing", fix: "Install bubblewrap." } });
    const r = await exec({ cmd: "true" });
    expect(r.error_kind).toBe("sandbox_denied");
    expect(r.stderr).toContain("because bwrap is missing. Fix: Install bubblewrap.");
  });

  test("restricted runs the command through the adapter", async () => {
    const adapter = envWrappingAdapter();
    const { exec } = setup({ config: restricted, sandboxAdapter: adapter });
    const r = await exec({ cmd: 'echo "[$SANDBOXED]"', yield_time_ms: 5_000 });
    expect(adapter.calls).toBe(1);
    expect(r).toMatchObject({ ok: true, stdout: "[FakeSandboxAdapter]\r\n", data: { sandbox: { effective: "restricted", adapter: "FakeSandboxAdapter", active: true } } });
  });

  test("an adapter that refuses the command is sandbox_denied with its reason", async () => {
    const adapter = fakeSandboxAdapter("RefusingAdapter", () => {
      throw new RuntimeError("sandbox_denied", "cannot fence this");
    });
    const { exec, sessions } = setup({ sandboxAdapter: adapter });
    const r = await exec({ cmd: "true", sandbox: "restricted" });
    expect(r).toMatchObject({ ok: false, error_kind: "sandbox_denied", stderr: "cannot fence this" });
    expect(sessions.size).toBe(0);
  });

  test("a workdir that is not a directory is validation; one outside the workspace is permission", async () => {
    const { exec, workspaceRoot } = setup();
    writeFileSync(join(workspaceRoot, "file.txt"), "x");
    expect(await exec({ cmd: "true", workdir: "file.txt" })).toMatchObject({ ok: false, error_kind: "validation" });
    expect(await exec({ cmd: "true", workdir: "missing" })).toMatchObject({ ok: false, error_kind: "validation" });
    expect(await exec({ cmd: "true", workdir: "../.." })).toMatchObject({ ok: false, error_kind: "permission" });
  });

  test("without an exec sessions manager both tools are validation errors", async () => {
    const { exec, write } = setup({ sessions: false });
    expect(await exec({ cmd: "true" })).toMatchObject({ ok: false, error_kind: "validation", stderr: "exec_command requires an exec sessions manager" });
    expect(await write({ session_id: 1 })).toMatchObject({ ok: false, error_kind: "validation", stderr: "write_stdin requires an exec sessions manager" });
  });

  test("bad arguments are validation errors", async () => {
    const { exec, write } = setup();
    expect((await exec({ cmd: "true", yield_time_ms: -1 })).error_kind).toBe("validation");
    expect((await exec({ cmd: "true", max_output_tokens: 0 })).error_kind).toBe("validation");
    expect((await exec({ cmd: "true", env: { A: "1" } })).error_kind).toBe("validation");
    expect((await write({ session_id: 0 })).error_kind).toBe("validation");
    expect((await write({ session_id: 1.5 })).error_kind).toBe("validation");
  });
});
