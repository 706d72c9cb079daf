import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { goneWithin, killLeftovers } from "../../test/support/processes.ts";
import {
  registryWith,
  envWrappingAdapter,
  fakeSandboxAdapter,
  makeToolContext,
  tempDirs,
  testConfig,
  type ToolContextOptions,
} from "../../test/support/tool-context.ts";
import { shellCommandTool } from "./shell-command.ts";

const newDir = tempDirs("sr-shell-command-");
const registry = registryWith(shellCommandTool);

async function run(args: Record<string, unknown>, options: Partial<ToolContextOptions> = {}) {
  const { ctx } = makeToolContext({ ...options, workspaceRoot: options.workspaceRoot ?? newDir() });
  return registry.dispatch("shell_command", args, ctx);
}

describe("shell_command", () => {
  test("runs a command line with pipes and variables through /bin/sh", async () => {
    const root = newDir();
    mkdirSync(join(root, "sub"));
    const r = await run({ command: 'printf "b\\na\\n" | sort; echo "$GREETING from $(basename "$PWD")" >&2', workdir: "sub", env: { GREETING: "héllo" } }, { workspaceRoot: root });
    expect(r).toMatchObject({
      ok: true,
      stdout: "a\nb\n",
      stderr: "héllo from sub\n",
      exit_code: 0,
      data: { sandbox: { requested: "inherit", effective: "none", adapter: null, active: false } },
    });
  });

  test("hands the whole command line to the sandbox adapter as one argv element", async () => {
    const seen: string[][] = [];
    const adapter = fakeSandboxAdapter("Recorder", (argv, { cwd, env }) => {
      seen.push([...argv]);
      return { argv: [...argv], cwd, env };
    });
    const r = await run({ command: "echo one; echo two", sandbox: "restricted" }, { sandboxAdapter: adapter });
    expect(seen).toEqual([["/bin/sh", "-lc", "echo one; echo two"]]);
    expect(r).toMatchObject({ ok: true, stdout: "one\ntwo\n", data: { sandbox: { active: true, adapter: "Recorder" } } });
  });

  test("redacts secrets in the output", async () => {
    const r = await run({ command: "echo key=$API_TOKEN" }, { env: { API_TOKEN: "tok-123456" }, secrets: ["tok-123456"] });
    expect(r.stdout).toBe("key=<redacted>\n");
  });

  test("an empty command, a list command or unknown arguments are validation errors", async () => {
    for (const args of [{ command: "" }, { command: ["ls"] }, { command: "true", argv: ["x"] }, { command: "true", timeout_ms: 1.5 }]) {
      expect((await run(args)).error_kind).toBe("validation");
    }
  });

  test("sandbox none is a validation error naming sandbox.default_policy", async () => {
    const r = await run({ command: "true", sandbox: "none" });
    expect(r.error_kind).toBe("validation");
    expect(r.stderr).toContain("sandbox.default_policy");
  });

  test("a workdir outside the workspace is a permission error", async () => {
    expect((await run({ command: "true", workdir: "/" })).error_kind).toBe("permission");
  });

  test("restricted without an adapter is sandbox_denied and runs nothing", async () => {
    const root = newDir();
    const r = await run({ command: "touch ran" }, { workspaceRoot: root, config: testConfig({ sandbox: { default_policy: "restricted" } }) });
    expect(r).toMatchObject({ error_kind: "sandbox_denied", stderr: "Sandbox is required but no sandbox adapter is configured." });
    expect(existsSync(join(root, "ran"))).toBe(false);
  });

  test("a failing command line is exit_code (127 for an unknown command)", async () => {
    const r = await run({ command: "sr-no-such-command-xyz" });
    expect(r).toMatchObject({ ok: false, error_kind: "exit_code", exit_code: 127 });
  });

  test("a timeout kills background jobs of the command line too", async () => {
    const r = await run({ command: "sleep 30 & echo $!; sleep 31", timeout_ms: 300 });
    const pid = Number(r.stdout.trim());
    try {
      expect(r).toMatchObject({ ok: false, error_kind: "timeout" });
      expect(await goneWithin(pid)).toBe(true);
    } finally {
      killLeftovers([pid]);
    }
  });

  test("an abort is cancelled", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    expect((await run({ command: "sleep 30" }, { signal: ac.signal })).error_kind).toBe("cancelled");
  });

  test("a sandbox wrapper whose binary is missing is not_found", async () => {
    const adapter = fakeSandboxAdapter("MissingWrapper", (argv, { cwd, env }) => ({ argv: ["sr-no-such-bwrap", ...argv], cwd, env }));
    const r = await run({ command: "true", sandbox: "restricted" }, { sandboxAdapter: adapter });
    expect(r.error_kind).toBe("not_found");
  });

  test("a sandbox wrapper that cannot be executed is unknown", async () => {
    const root = newDir();
    const wrapper = join(root, "wrapper");
    writeFileSync(wrapper, "#!/bin/sh\nexec \"$@\"\n");
    chmodSync(wrapper, 0o600);
    const adapter = fakeSandboxAdapter("BadWrapper", (argv, { cwd, env }) => ({ argv: [wrapper, ...argv], cwd, env }));
    const r = await run({ command: "true", sandbox: "restricted" }, { workspaceRoot: root, sandboxAdapter: adapter });
    expect(r.error_kind).toBe("unknown");
  });

  test("the env-wrapping adapter is used under an effective restricted policy", async () => {
    const r = await run({ command: "echo $SANDBOXED" }, {
      config: testConfig({ sandbox: { default_policy: "restricted" } }),
      sandboxAdapter: envWrappingAdapter("Wrapped"),
    });
    expect(r).toMatchObject({ ok: true, stdout: "Wrapped\n", data: { sandbox: { requested: "inherit", effective: "restricted", active: true } } });
  });
});
