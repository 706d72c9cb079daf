/**
 * The cost of the fence: `shell_exec` of `true` unsandboxed against the same call with
 * `sandbox: "restricted"` under each bubblewrap profile, through the registry dispatch (in
 * process). Absolute figures per call and the ratio to the unsandboxed call. Figures only.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config/load.ts";
import type { SandboxProfile } from "../src/config/schema.ts";
import { createSandboxAdapter } from "../src/sandbox/create.ts";
import { builtinRegistry } from "../src/tools/builtins.ts";
import type { ToolServices } from "../src/tools/registry.ts";
import { row, stats, type Stats } from "./lib.ts";

const PATH = "/usr/local/bin:/usr/bin:/bin";

async function timeCalls(ws: string, services: ToolServices, sandbox: "inherit" | "restricted", n: number): Promise<Stats> {
  const registry = builtinRegistry(["shell_exec"]);
  const signal = new AbortController().signal;
  const samples: number[] = [];
  for (let i = 0; i < n + 5; i++) {
    const started = performance.now();
    const result = await registry.dispatch("shell_exec", { argv: ["true"], sandbox }, { workspaceRoot: ws, runId: "bench", callId: `c${i}`, signal, env: {}, emit: async () => {}, services });
    if (!result.ok) throw new Error(`shell_exec true (${sandbox}) failed: ${result.stderr}`);
    if (i >= 5) samples.push(performance.now() - started);
  }
  return stats(samples);
}

export async function benchSandbox(): Promise<void> {
  const ws = realpathSync(mkdtempSync(join(tmpdir(), "sr-bench-sandbox-")));
  try {
    mkdirSync(join(ws, ".git"));
    console.log("\nsandbox cost (shell_exec of `true`, in process)");
    let baseline: Stats | undefined;
    for (const profile of ["dev", "balanced", "prod"] as SandboxProfile[]) {
      const { config } = loadConfig({ workspaceRoot: ws, discover: false, dotenv: false, env: {}, overlays: [{ data: { sandbox: { profile, default_policy: "none" } } }] });
      const selection = await createSandboxAdapter(config, { workspaceRoot: ws, pathEnv: PATH });
      const services: ToolServices = { config, humanIO: null, secrets: [], homeDir: null, baseEnv: { PATH }, credentials: {}, sandboxAdapter: selection.adapter };
      if (!baseline) {
        baseline = await timeCalls(ws, services, "inherit", 100);
        console.log(row("unsandboxed (baseline)", baseline));
      }
      if (!selection.adapter) {
        console.log(`restricted: skipped (${selection.unavailable?.reason})`);
        return;
      }
      console.log(row(`restricted, ${profile} (${selection.adapter.name.replace("SandboxAdapter", "")})`, await timeCalls(ws, services, "restricted", 100), baseline));
    }
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

if (import.meta.main) await benchSandbox();
