import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { goneWithin, killLeftovers } from "../../test/support/processes.ts";
import {
  envWrappingAdapter,
  fakeSandboxAdapter,
  makeToolContext,
  tempDirs,
  testConfig,
  registryWith,
  type ToolContextOptions,
} from "../../test/support/tool-context.ts";
import { RuntimeError } from "../util/errors.ts";
import { shellExecTool } from "./shell-exec.ts";

const newDir = tempDirs("sr-shell-exec-");
const registry = registryWith(shellExecTool);
const restricted = testConfig({ sandbox: { default_policy: "restricted" } });

async function run(args: Record<string, unknown>, options: Partial<ToolContextOptions> = {}) {
  const workspaceRoot = options.workspaceRoot ?? newDir();
  const { ctx } = makeToolContext({ ...options, workspaceRoot });
  return registry.dispatch("shell_exec", args, ctx);
}

const noSandbox = { requested: "inherit", effective: "none", adapter: null, active: false, profile: "dev" };

describe("shell_exec: provider schema", () => {
  test("forbids unknown keys, requires argv and offers only inherit or restricted", () => {
    const parameters = registry.specs()[0]!.function.parameters as Record<string, any>;
    expect(parameters.additionalProperties).toBe(false);
    expect(parameters.required).toEqual(["argv"]);
    expect(Object.keys(parameters.properties)).toEqual(["argv", "cwd", "env", "timeout_ms", "sandbox", "sandbox_permissions", "justification", "tty"]);
    expect(parameters.properties.sandbox.description).toContain('"restricted"');
    expect(parameters.properties.sandbox.description).not.toContain("none");
  });
});

describe("shell_exec: success", () => {
  test("returns the executor's output with sandbox evidence", async () => {
    const r = await run({ argv: ["/bin/sh", "-c", "echo out; echo err >&2"] });
    expect(r).toMatchObject({ ok: true, stdout: "out\n", stderr: "err\n", exit_code: 0, truncated: false, retryable: false, data: { sandbox: noSandbox } });
    expect(r.error_kind).toBeUndefined();
    expect(r.duration_ms).toBeGreaterThanOrEqual(0);
  });

  test("resolves cwd under the workspace root", async () => {
    const root = newDir();
    mkdirSync(join(root, "sub", "dir"), { recursive: true });
    const r = await run({ argv: ["pwd"], cwd: "sub/dir" }, { workspaceRoot: root });
    expect(r.stdout).toBe(`${join(root, "sub", "dir")}\n`);
  });

  test("runs with the base env, overlaid by the run env store, overlaid by the call's env", async () => {
    const r = await run(
      { argv: ["/bin/sh", "-c", 'echo "$A $B $C"'], env: { C: "call" } },
      { baseEnv: { PATH: "/usr/bin:/bin", A: "base", B: "base", C: "base" }, env: { B: "run", C: "run" } },
    );
    expect(r.stdout).toBe("base run call\n");
  });

  test("redacts secrets in stdout and stderr", async () => {
    const r = await run({ argv: ["/bin/sh", "-c", "echo token=s3cr3t-value; echo s3cr3t-value >&2"] }, { secrets: ["s3cr3t-value"] });
    expect(r.stdout).toBe("token=<redacted>\n");
    expect(r.stderr).toBe("<redacted>\n");
  });

  test("accepts tty, justification and sandbox_permissions, and null optional fields", async () => {
    const r = await run({ argv: ["true"], tty: true, justification: "check", sandbox_permissions: "require_escalated", cwd: null, env: null });
    expect(r.ok).toBe(true);
  });

  test("reports truncated output", async () => {
    const r = await run({ argv: ["seq", "1", "100000"] });
    expect(r.truncated).toBe(true);
    expect(r.stdout.startsWith("...<truncated>\n")).toBe(true);
  });
});

describe("shell_exec: sandbox", () => {
  test("the sandbox argument is case-insensitive", async () => {
    const r = await run({ argv: ["true"], sandbox: " Restricted " });
    expect(r.error_kind).toBe("sandbox_denied");
    expect(r.data?.sandbox).toEqual({ requested: "restricted", effective: "restricted", adapter: null, active: false, profile: "dev" });
  });

  test("refuses sandbox none and says how an operator changes policy", async () => {
    const r = await run({ argv: ["true"], sandbox: "none" });
    expect(r).toMatchObject({ ok: false, error_kind: "validation" });
    expect(r.stderr).toContain('Invalid sandbox policy "none"');
    expect(r.stderr).toContain("sandbox.default_policy");
    expect(r.data?.sandbox).toBeUndefined();
  });

  test("restricted without an adapter is sandbox_denied and runs nothing", async () => {
    const root = newDir();
    const r = await run({ argv: ["touch", "ran"] }, { workspaceRoot: root, config: restricted });
    expect(r).toMatchObject({ ok: false, error_kind: "sandbox_denied", stderr: "Sandbox is required but no sandbox adapter is configured." });
    expect(r.data?.sandbox).toEqual({ requested: "inherit", effective: "restricted", adapter: null, active: false, profile: "dev" });
    expect(existsSync(join(root, "ran"))).toBe(false);
  });

  test("restricted without an adapter says why and how to fix it when the probe knows", async () => {
    const root = newDir();
    const sandboxUnavailable = { reason: 'bwrap executable "bwrap" not found on PATH', fix: "Install bubblewrap." };
    const r = await run({ argv: ["touch", "ran"], sandbox: "restricted" }, { workspaceRoot: root, sandboxUnavailable });
    expect(r).toMatchObject({ ok: false, error_kind: "sandbox_denied" });
    expect(r.stderr).toBe(
      'Sandbox is required but no sandbox adapter is usable: cannot run "touch" under sandbox "restricted" because bwrap executable "bwrap" not found on PATH. Fix: Install bubblewrap.',
    );
    expect(existsSync(join(root, "ran"))).toBe(false);
  });

  test("the evidence names the configured sandbox profile", async () => {
    const config = testConfig({ sandbox: { profile: "prod", default_policy: "restricted" } });
    const r = await run({ argv: ["/bin/sh", "-c", "echo $SANDBOXED"] }, { config, sandboxAdapter: envWrappingAdapter("Fence") });
    expect(r.data?.sandbox).toEqual({ requested: "inherit", effective: "restricted", adapter: "Fence", active: true, profile: "prod" });
  });

  test("the adapter receives the run env store and the call's env as the explicit overlay", async () => {
    let seen: Record<string, string> | undefined;
    const adapter = fakeSandboxAdapter("Recorder", (argv, options) => {
      seen = options.overlayEnv ? { ...options.overlayEnv } : undefined;
      return { argv: [...argv], cwd: options.cwd, env: options.env };
    });
    await run({ argv: ["true"], sandbox: "restricted", env: { B: "call" } }, { sandboxAdapter: adapter, env: { A: "run", B: "run" }, baseEnv: { PATH: "/usr/bin:/bin", C: "base" } });
    expect(seen).toEqual({ A: "run", B: "call" });
  });

  test("an adapter that refuses is sandbox_denied with its message", async () => {
    const root = newDir();
    const adapter = fakeSandboxAdapter("RefusingAdapter", () => {
      throw new RuntimeError("sandbox_denied", "Cannot sandbox: cwd must be within workspace_root");
    });
    const r = await run({ argv: ["touch", "ran"], sandbox: "restricted" }, { workspaceRoot: root, sandboxAdapter: adapter });
    expect(r).toMatchObject({ error_kind: "sandbox_denied", stderr: "Cannot sandbox: cwd must be within workspace_root" });
    expect(r.data?.sandbox).toEqual({ requested: "restricted", effective: "restricted", adapter: "RefusingAdapter", active: true, profile: "dev" });
    expect(existsSync(join(root, "ran"))).toBe(false);
  });

  test("an effective restricted policy runs the command through the adapter", async () => {
    const adapter = envWrappingAdapter();
    const r = await run({ argv: ["/bin/sh", "-c", "echo $SANDBOXED"] }, { config: restricted, sandboxAdapter: adapter });
    expect(r).toMatchObject({ ok: true, stdout: "FakeSandboxAdapter\n" });
    expect(r.data?.sandbox).toEqual({ requested: "inherit", effective: "restricted", adapter: "FakeSandboxAdapter", active: true, profile: "dev" });
  });

  test("an adapter is reported but not used when the effective policy is none", async () => {
    const adapter = envWrappingAdapter();
    const r = await run({ argv: ["/bin/sh", "-c", 'echo "[$SANDBOXED]"'] }, { sandboxAdapter: adapter });
    expect(r.stdout).toBe("[]\n");
    expect(adapter.calls).toBe(0);
    expect(r.data?.sandbox).toEqual({ requested: "inherit", effective: "none", adapter: "FakeSandboxAdapter", active: false, profile: "dev" });
  });
});

describe("shell_exec: errors", () => {
  test("unknown arguments are a validation error", async () => {
    const r = await run({ argv: ["true"], shell: true });
    expect(r).toMatchObject({ ok: false, error_kind: "validation" });
    expect(r.stderr).toContain("invalid arguments for shell_exec");
  });

  test("an empty argv or a timeout below 1 is a validation error", async () => {
    expect((await run({ argv: [] })).error_kind).toBe("validation");
    expect((await run({ argv: ["true"], timeout_ms: 0 })).error_kind).toBe("validation");
    expect((await run({ argv: "true" })).error_kind).toBe("validation");
  });

  test("a cwd that is not a directory is a validation error", async () => {
    const root = newDir();
    writeFileSync(join(root, "file.txt"), "x");
    for (const cwd of ["missing", "file.txt"]) {
      const r = await run({ argv: ["true"], cwd }, { workspaceRoot: root });
      expect(r).toMatchObject({ ok: false, error_kind: "validation" });
      expect(r.stderr).toContain(`in "${cwd}"`);
    }
  });

  test("a context without run services is a validation error", async () => {
    const r = await run({ argv: ["true"] }, { services: false });
    expect(r).toMatchObject({ ok: false, error_kind: "validation" });
    expect(r.stderr).toContain("no run services");
  });

  test("a cwd outside the workspace is a permission error, through .. or a symlink", async () => {
    const root = newDir();
    const outside = newDir();
    symlinkSync(outside, join(root, "link"));
    for (const cwd of ["..", "link", outside]) {
      const r = await run({ argv: ["touch", "ran"], cwd }, { workspaceRoot: root });
      expect(r).toMatchObject({ ok: false, error_kind: "permission" });
      expect(r.stderr).toContain("outside workspace_root");
    }
    expect(existsSync(join(outside, "ran"))).toBe(false);
  });

  test("a non-zero exit is exit_code with the exit code", async () => {
    const r = await run({ argv: ["/bin/sh", "-c", "echo no >&2; exit 4"] });
    expect(r).toMatchObject({ ok: false, error_kind: "exit_code", exit_code: 4, stderr: "no\n", data: { sandbox: noSandbox } });
  });

  test("a timeout kills the command and its children", async () => {
    const r = await run({ argv: ["/bin/sh", "-c", "sleep 30 & echo $!; exec sleep 31"], timeout_ms: 300 });
    const pid = Number(r.stdout.trim());
    try {
      expect(r).toMatchObject({ ok: false, error_kind: "timeout", data: { sandbox: noSandbox } });
      expect(r.exit_code).toBeUndefined();
      expect(await goneWithin(pid)).toBe(true);
    } finally {
      killLeftovers([pid]);
    }
  });

  test("aborting the run cancels the command", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const started = performance.now();
    const r = await run({ argv: ["sleep", "30"] }, { signal: ac.signal });
    expect(r).toMatchObject({ ok: false, error_kind: "cancelled" });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  test("a missing binary is not_found", async () => {
    const r = await run({ argv: ["sr-no-such-binary-xyz"] });
    expect(r).toMatchObject({ ok: false, error_kind: "not_found" });
    expect(r.stderr).toContain("sr-no-such-binary-xyz");
  });

  test("a file that cannot be executed is unknown", async () => {
    const root = newDir();
    writeFileSync(join(root, "script.sh"), "echo hi\n");
    chmodSync(join(root, "script.sh"), 0o644);
    const r = await run({ argv: ["./script.sh"] }, { workspaceRoot: root });
    expect(r).toMatchObject({ ok: false, error_kind: "unknown" });
  });
});
