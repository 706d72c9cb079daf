/**
 * Overlay discovery (spec 1.3): `<workspace>/config/runtime.yaml` when it exists, then each entry of
 * `SKILLS_RUNTIME_SDK_CONFIG_PATHS` (split on `,` and `;`), then explicit `--config` paths.
 * Relative entries resolve against the workspace root; duplicates keep their first position.
 */
import { existsSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { ENV, type EnvMap } from "./env.ts";
import { resolveInWorkspace } from "./paths.ts";

function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export function discoverOverlayPaths(workspaceRoot: string, env: EnvMap, explicit: readonly string[] = []): string[] {
  const candidates: string[] = [];
  const runtimeYaml = join(workspaceRoot, "config", "runtime.yaml");
  if (existsSync(runtimeYaml)) candidates.push(runtimeYaml);
  for (const entry of (env[ENV.configPaths] ?? "").split(/[,;]/)) {
    const trimmed = entry.trim();
    if (trimmed !== "") candidates.push(resolveInWorkspace(workspaceRoot, trimmed, env));
  }
  for (const entry of explicit) candidates.push(resolveInWorkspace(workspaceRoot, entry, env));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const path of candidates) {
    const key = canonical(path);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(path);
  }
  return out;
}
