/**
 * `exec_registry.json` (spec 8.6): the PTY sessions the runtime server started, so that the next
 * server can find and kill them if this one dies without cleaning up. Each entry carries the
 * per-start marker the session's environment was given, which is how the reaper recognises the
 * process as ours.
 *
 * Written atomically (`exec_registry.tmp` + rename). An unreadable or invalid file reads as the
 * empty default: the registry is a best-effort record, never a reason to fail.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";

export const ExecRegistryEntry = z.object({
  pid: z.number().int(),
  pgid: z.number().int(),
  created_at_ms: z.number().int(),
  argv: z.array(z.string()),
  cwd: z.string(),
  marker: z.string(),
  /** Set by the reaper when the process is alive but could not be verified as ours. */
  needs_manual_cleanup: z.boolean().optional(),
  last_seen_alive_ms: z.number().int().optional(),
});
export type ExecRegistryEntry = z.infer<typeof ExecRegistryEntry>;

export const ExecRegistry = z.object({
  schema: z.literal(1),
  workspace_root: z.string(),
  exec_sessions: z.record(z.string(), ExecRegistryEntry),
  updated_at_ms: z.number().int(),
});
export type ExecRegistry = z.infer<typeof ExecRegistry>;

export interface RegistryFiles {
  path: string;
  tmpPath: string;
  workspaceRoot: string;
}

export function emptyRegistry(workspaceRoot: string, nowMs = Date.now()): ExecRegistry {
  return { schema: 1, workspace_root: workspaceRoot, exec_sessions: {}, updated_at_ms: nowMs };
}

export function readExecRegistry(files: RegistryFiles): ExecRegistry {
  try {
    const parsed = ExecRegistry.safeParse(JSON.parse(readFileSync(files.path, "utf8")));
    if (parsed.success) return parsed.data;
  } catch {
    // missing or not JSON: the default below
  }
  return emptyRegistry(files.workspaceRoot);
}

export function writeExecRegistry(files: RegistryFiles, registry: ExecRegistry): void {
  mkdirSync(dirname(files.path), { recursive: true });
  const value: ExecRegistry = { ...registry, updated_at_ms: Date.now() };
  writeFileSync(files.tmpPath, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(files.tmpPath, files.path);
}

/** Read, change and write back in one synchronous step (no interleaving inside this process). */
export function updateExecRegistry(files: RegistryFiles, change: (registry: ExecRegistry) => void): ExecRegistry {
  const registry = readExecRegistry(files);
  change(registry);
  writeExecRegistry(files, registry);
  return registry;
}
