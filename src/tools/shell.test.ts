import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
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
import { shellTool } from "./shell.ts";

const newDir = tempDirs("sr-shell-");
const registry = registryWith(shellTool);

async function run(args: Record<string, unknown>, options: Partial<ToolContextOptions> = {}) {
  const { ctx } = makeToolContext({ ...options, workspaceRoot: options.workspaceRoot ?? newDir() });
  return registry.dispatch("shell", args, ctx);
}

describe("shell", () => {
  test("runs command[] in workdir with shell_exec's result shape", async () => {
    const root = newDir();
    mkdirSync(join(root, "sub"));
    const r = await run({ command: ["/bin/sh", "-c", "pwd; echo err >&2"], workdir: "sub" }, { workspaceRoot: root });
    expect(r).toMatchObject({
      ok: true,
      stdout: `${join(root, "sub")}\n`,
      stderr: "err\n",
      exit_code: 0,
      truncated: false,
      data: { sandbox: { requested: "inherit", effective: "none", adapter: null, active: false } },
    });
  });

  test("redacts secrets in stdout and stderr", async () => {
    const r = await run({ command: ["/bin/sh", "-c", "echo $K; echo $K >&2"], env: { K: "hunter2-secret" } }, { secrets: ["hunter2-secret"] });
    expect(r.stdout).toBe("<redacted>\n");
    expect(r.stderr).toBe("<redacted>\n");
  });

  test("passes a restricted sandbox through the adapter", async () => {
    const r = await run({ command: ["/bin/sh", "-c", "echo $SANDBOXED"], sandbox: "RESTRICTED" }, { sandboxAdapter: envWrappingAdapter("Fence") });
    expect(r).toMatchObject({ ok: true, stdout: "Fence\n", data: { sandbox: { requested: "restricted", effective: "restricted", adapter: "Fence", active: true } } });
  });

  test("unknown arguments (shell_exec's names, tty) are a validation error", async () => {
    for (const args of [{ command: ["true"], cwd: "." }, { command: ["true"], tty: true }, { argv: ["true"] }, { command: [] }]) {
      const r = await run(args);
      expect(r).toMatchObject({ ok: false, error_kind: "validation" });
    }
  });

  test("sandbox none is a validation error naming sandbox.default_policy", async () => {
    const r = await run({ command: ["true"], sandbox: "None" });
    expect(r.error_kind).toBe("validation");
    expect(r.stderr).toContain("sandbox.default_policy");
  });

  test("a workdir outside the workspace is a permission error", async () => {
    const r = await run({ command: ["true"], workdir: "../.." });
    expect(r.error_kind).toBe("permission");
  });

  test("restricted without an adapter is sandbox_denied", async () => {
    const root = newDir();
    const r = await run({ command: ["touch", "ran"] }, { workspaceRoot: root, config: testConfig({ sandbox: { default_policy: "restricted" } }) });
    expect(r).toMatchObject({ error_kind: "sandbox_denied", stderr: "Sandbox is required but no sandbox adapter is configured." });
    expect(existsSync(join(root, "ran"))).toBe(false);
  });

  test("a non-zero exit is exit_code", async () => {
    expect(await run({ command: ["/bin/sh", "-c", "exit 2"] })).toMatchObject({ ok: false, error_kind: "exit_code", exit_code: 2 });
  });

  test("a timeout is timeout and kills the children", async () => {
    const r = await run({ command: ["/bin/sh", "-c", "sleep 30 & echo $!; exec sleep 31"], timeout_ms: 300 });
    const pid = Number(r.stdout.trim());
    try {
      expect(r.error_kind).toBe("timeout");
      expect(await goneWithin(pid)).toBe(true);
    } finally {
      killLeftovers([pid]);
    }
  });

  test("an abort is cancelled", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    expect((await run({ command: ["sleep", "30"] }, { signal: ac.signal })).error_kind).toBe("cancelled");
  });

  test("a missing binary is not_found", async () => {
    expect((await run({ command: ["sr-no-such-binary-xyz"] })).error_kind).toBe("not_found");
  });

  test("a command that cannot be executed is unknown", async () => {
    const root = newDir();
    writeFileSync(join(root, "data.txt"), "not a program\n");
    const r = await run({ command: ["./data.txt"] }, { workspaceRoot: root });
    expect(r.error_kind).toBe("unknown");
  });

  test("an adapter failure is sandbox_denied with its message", async () => {
    const adapter = fakeSandboxAdapter("Broken", () => {
      throw new Error("bwrap vanished");
    });
    const r = await run({ command: ["true"], sandbox: "restricted" }, { sandboxAdapter: adapter });
    expect(r).toMatchObject({ error_kind: "sandbox_denied", stderr: "bwrap vanished" });
  });
});
