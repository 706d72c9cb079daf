/**
 * A safety descriptor for a custom tool, declared by the host that registers it (the reference has
 * no such API: its custom tools always use the by-name policy). Without one a custom tool is gated
 * by `tool_allowlist` / `tool_denylist` / `mode`, as in the reference.
 */
import { evaluateCommandRisk } from "./guard.ts";
import type { ToolSafetyDescriptor } from "./descriptors.ts";
import { sanitizeGenericArgs, type ToolArgs } from "./sanitize.ts";

export interface CustomToolSafety {
  /**
   * `custom` (default): by-name policy; `file`: mode-based like `file_write`; `shell`: the command
   * policy (allowlist, denylist, guard) on `argv(args)`; `none`: never gated.
   */
  category?: "none" | "custom" | "file" | "shell";
  /** For `shell`: the command the call will run. */
  argv?: (args: ToolArgs) => string[];
  /** What events and approval requests show (default: arguments with `env` values hidden and secrets redacted). */
  sanitize?: (args: ToolArgs) => Record<string, unknown>;
}

/** The descriptor the gate uses for a custom tool that declared its safety. */
export function descriptorFromSafety(safety: CustomToolSafety): ToolSafetyDescriptor {
  const category = safety.category ?? "custom";
  return {
    category,
    sanitize(args, ctx) {
      const request = safety.sanitize ? safety.sanitize(args) : sanitizeGenericArgs(args, ctx.secrets ?? []);
      if (category !== "shell") return { request, shell: null };
      const argv = safety.argv ? safety.argv(args).map(String) : [];
      const risk = evaluateCommandRisk(argv.length > 0 ? argv : [""], { workspaceRoot: ctx.workspaceRoot, homeDir: ctx.homeDir, cwd: null });
      return { request: { ...request, argv, risk: { risk_level: risk.risk_level, reason: risk.reason } }, shell: { argv, risk, commandText: null, cwd: null } };
    },
  };
}
