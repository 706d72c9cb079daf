/**
 * The Agent's default OS sandbox (issue 5): without an injected adapter, a run uses the adapter
 * `sandbox.os` selects (bubblewrap here), and when none is usable a restricted call's result says
 * why. Both through the real engine, a fake LLM and the builtin shell_exec.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { makeAgent, one, readWal, replyText, replyTools, tempWorkspaces } from "../support/engine.ts";

const workspace = tempWorkspaces("engine-sandbox-");
const hasBwrap = Bun.which("bwrap") !== null;

async function runShell(config: Record<string, unknown>, argv: string[]) {
  const ws = workspace();
  const { agent } = makeAgent({
    workspaceRoot: ws,
    builtinTools: ["shell_exec"],
    config: { safety: { mode: "allow" }, ...config },
    baseEnv: { PATH: "/usr/local/bin:/usr/bin:/bin" },
    script: [replyTools([{ id: "c1", name: "shell_exec", args: { argv } }]), replyText("done")],
  });
  const result = await agent.run("run it");
  const finished = one(readWal(result.walLocator), "tool_call_finished");
  return { ws, result: finished.payload.result as Record<string, any> };
}

describe("Agent default sandbox", () => {
  test.skipIf(!hasBwrap)(`a balanced run sandboxes shell_exec in bubblewrap without any adapter passed in${hasBwrap ? "" : " (skipped: bwrap is not installed)"}`, async () => {
    const { ws, result } = await runShell({ sandbox: { profile: "balanced" } }, ["/bin/sh", "-c", "pwd; echo $HOME; touch made-inside"]);
    expect(result).toMatchObject({ ok: true, stdout: "/work\n/tmp/home\n" });
    expect(result.data.sandbox).toEqual({ requested: "inherit", effective: "restricted", adapter: "BubblewrapSandboxAdapter", active: true, profile: "balanced" });
    expect(existsSync(join(ws, "made-inside"))).toBe(true);
  });

  test("with no usable adapter a restricted call is sandbox_denied naming the reason and the fix, and nothing runs", async () => {
    const { ws, result } = await runShell({ sandbox: { profile: "prod", os: { bubblewrap: { bwrap_path: "/nonexistent/bwrap" } } } }, ["touch", "ran"]);
    expect(result).toMatchObject({ ok: false, error_kind: "sandbox_denied" });
    expect(result.stderr).toContain('bwrap executable "/nonexistent/bwrap" not found');
    expect(result.stderr).toContain("Fix: Install bubblewrap");
    expect(result.data.sandbox).toEqual({ requested: "inherit", effective: "restricted", adapter: null, active: false, profile: "prod" });
    expect(existsSync(join(ws, "ran"))).toBe(false);
  });
});
