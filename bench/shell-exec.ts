/**
 * The cost of the gate and executor: one `shell_exec` of `true` through evaluate (guard -> policy)
 * and the registry dispatch (validation, workspace cwd, executor, result), against a bare
 * `Bun.spawn(["true"])` in the same process. Figures only.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childBaseEnv, readProcessEnv } from "../src/config/env.ts";
import { loadConfig } from "../src/config/load.ts";
import { evaluateToolCall } from "../src/safety/tool-gate.ts";
import { builtinRegistry } from "../src/tools/builtins.ts";
import { row, stats } from "./lib.ts";

export async function benchShellExec(): Promise<void> {
  const ws = mkdtempSync(join(tmpdir(), "sr-bench-shell-"));
  try {
    const { config } = loadConfig({ workspaceRoot: ws, discover: false, dotenv: false, env: {}, overlays: [] });
    const safety = { ...config.safety, allowlist: ["true"] };
    const registry = builtinRegistry(["shell_exec"]);
    const baseEnv = childBaseEnv(readProcessEnv());
    const services = { config, humanIO: null, secrets: [], homeDir: null, baseEnv, credentials: {}, sandboxAdapter: null };
    const signal = new AbortController().signal;
    const n = 200;

    const bare: number[] = [];
    const gated: number[] = [];
    for (let i = 0; i < n + 10; i++) {
      let t = performance.now();
      const child = Bun.spawn(["true"], { cwd: ws, env: baseEnv, stdout: "pipe", stderr: "pipe" });
      await child.exited;
      if (i >= 10) bare.push(performance.now() - t);

      t = performance.now();
      const args = { argv: ["true"] };
      const decision = evaluateToolCall("shell_exec", args, { kind: "builtin", safety, workspaceRoot: ws, homeDir: null });
      if (decision.action !== "allow") throw new Error(`the gate did not allow true: ${decision.reason}`);
      const result = await registry.dispatch("shell_exec", args, { workspaceRoot: ws, runId: "bench", callId: `c${i}`, signal, env: {}, emit: async () => {}, services });
      if (!result.ok) throw new Error(`shell_exec true failed: ${result.stderr}`);
      if (i >= 10) gated.push(performance.now() - t);
    }
    const base = stats(bare);
    console.log("\nshell_exec overhead (in process, `true`)");
    console.log(row("Bun.spawn(['true']) (baseline)", base));
    console.log(row("gate + shell_exec dispatch of true", stats(gated), base));
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

if (import.meta.main) await benchShellExec();
