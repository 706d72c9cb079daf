/**
 * `shell_exec` (spec 4.3 #1): run an argv in the workspace through the executor, inside the OS
 * sandbox when the effective policy is `restricted`. `shell` and `shell_command` are wrappers
 * around `runShellExec`.
 *
 * Sandbox handling (spec 4.3 "shell_exec sandbox handling", 6.1, 6.5): requested = the `sandbox`
 * argument lower-cased (default `inherit`); effective = `sandbox.default_policy` when inherit.
 * Effective `restricted` without an adapter, or an adapter that cannot prepare the command, is
 * `sandbox_denied` and nothing runs: never a silent fallback. Every result past argument
 * validation carries `data.sandbox = {requested, effective, adapter, active, profile}`; when no
 * adapter exists, the denial says why (`services.sandboxUnavailable`, from the start-up probe).
 */
import { statSync } from "node:fs";
import { z } from "zod";
import { redactString } from "../util/redact.ts";
import { describeError } from "../util/errors.ts";
import description from "./shell-exec.md" with { type: "text" };
import { DEFAULT_TIMEOUT_MS, commandEnv, runCommand, type CommandResult } from "./executor.ts";
import { errorResult, type ToolContext, type ToolDefinition, type ToolServices } from "./registry.ts";
import type { ToolResultPayload } from "../events/tool-result.ts";
import { resolveWorkspacePath } from "./workspace-path.ts";

const SANDBOX_POLICIES = ["inherit", "restricted"] as const;
type RequestedSandbox = (typeof SANDBOX_POLICIES)[number];

/** Per-call `sandbox`: inherit or restricted, any case. `none` is refused (decisions.md item 14). */
export const SandboxArg = z
  .string()
  .refine((value) => (SANDBOX_POLICIES as readonly string[]).includes(value.trim().toLowerCase()), {
    error: (issue) =>
      `Invalid sandbox policy ${JSON.stringify(issue.input)}: a tool call may request only "inherit" or "restricted"; ` +
      "an operator changes the policy with the config key sandbox.default_policy",
  });

/** Arguments shared by shell_exec, shell and shell_command (besides the command and its cwd). */
export const commonShellArgs = {
  env: z.record(z.string(), z.string()).nullish().describe("Environment variables to add or override"),
  timeout_ms: z.number().int().min(1).nullish().describe(`Time limit in milliseconds (default ${DEFAULT_TIMEOUT_MS})`),
  sandbox: SandboxArg.nullish().describe('OS sandbox for this command: "inherit" (the configured default) or "restricted"'),
  sandbox_permissions: z.string().nullish().describe('"require_escalated" asks the user to approve this call'),
  justification: z.string().nullish().describe("Why this command is needed (shown when approval is asked)"),
};

export const ShellExecArgs = z.strictObject({
  argv: z.array(z.string()).min(1).describe('The program and its arguments, e.g. ["pytest", "-q"]'),
  cwd: z.string().nullish().describe("Working directory, relative to the workspace root (default: the root)"),
  ...commonShellArgs,
  tty: z.boolean().nullish().describe("Accepted for compatibility; no terminal is allocated"),
});
export type ShellExecArgs = z.infer<typeof ShellExecArgs>;

export interface SandboxEvidence {
  requested: RequestedSandbox;
  effective: "none" | "restricted";
  adapter: string | null;
  active: boolean;
  /** `sandbox.profile` (dev | balanced | prod): what `restricted` means for this run. */
  profile: string;
}

export function sandboxEvidence(requestedArg: string | null | undefined, services: ToolServices): SandboxEvidence {
  const requested = (requestedArg ?? "inherit").trim().toLowerCase() as RequestedSandbox;
  const effective = requested === "inherit" ? services.config.sandbox.default_policy : "restricted";
  const adapter = services.sandboxAdapter;
  return {
    requested,
    effective,
    adapter: adapter?.name ?? null,
    active: effective === "restricted" && adapter !== null,
    profile: services.config.sandbox.profile,
  };
}

/** The `sandbox_denied` text when no adapter exists: the reference's sentence, then why and the fix when known. */
export function noAdapterMessage(argv0: string, services: ToolServices): string {
  const why = services.sandboxUnavailable;
  if (!why) return "Sandbox is required but no sandbox adapter is configured.";
  return `Sandbox is required but no sandbox adapter is usable: cannot run "${argv0}" under sandbox "restricted" because ${why.reason}.${why.fix ? ` Fix: ${why.fix}` : ""}`;
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function commandPayload(result: CommandResult, sandbox: SandboxEvidence, secrets: readonly string[]): ToolResultPayload {
  return {
    ok: result.ok,
    stdout: redactString(result.stdout, secrets),
    stderr: redactString(result.stderr, secrets),
    ...(result.exitCode === null ? {} : { exit_code: result.exitCode }),
    duration_ms: result.durationMs,
    truncated: result.truncated,
    data: { sandbox },
    ...(result.errorKind ? { error_kind: result.errorKind } : {}),
    retryable: false,
  };
}

/** Run validated shell_exec arguments; `tool` names the calling tool in messages. */
export async function runShellExec(
  args: ShellExecArgs,
  ctx: ToolContext,
  { tool = "shell_exec", readOnlyPaths }: { tool?: string; readOnlyPaths?: readonly string[] } = {},
): Promise<ToolResultPayload> {
  const services = ctx.services;
  if (!services) {
    return errorResult("validation", `Cannot run ${tool}: the tool context has no run services (config, base environment, sandbox)`);
  }
  // Throws permission when the path leaves the workspace.
  const cwd = args.cwd == null ? ctx.workspaceRoot : await resolveWorkspacePath(ctx.workspaceRoot, args.cwd);
  if (!isDirectory(cwd)) {
    return errorResult("validation", `Cannot run ${tool} in "${args.cwd ?? cwd}": the working directory does not exist or is not a directory`);
  }
  const env = commandEnv(ctx, args.env);
  const sandbox = sandboxEvidence(args.sandbox, services);
  let prepared = { argv: [...args.argv], env, cwd };
  if (sandbox.effective === "restricted") {
    const adapter = services.sandboxAdapter;
    if (!adapter) {
      return errorResult("sandbox_denied", redactString(noAdapterMessage(args.argv[0]!, services), services.secrets), { sandbox });
    }
    try {
      const overlayEnv = { ...ctx.env, ...(args.env ?? {}) };
      prepared = adapter.prepare(prepared.argv, { cwd, env, workspaceRoot: ctx.workspaceRoot, overlayEnv, readOnlyPaths });
    } catch (error) {
      return errorResult("sandbox_denied", redactString(describeError(error), services.secrets), { sandbox });
    }
  }
  const result = await runCommand({
    argv: prepared.argv,
    cwd: prepared.cwd,
    env: prepared.env,
    timeoutMs: args.timeout_ms ?? DEFAULT_TIMEOUT_MS,
    signal: ctx.signal,
  });
  return commandPayload(result, sandbox, services.secrets);
}

export const shellExecTool: ToolDefinition<ShellExecArgs> = {
  name: "shell_exec",
  description,
  parameters: ShellExecArgs,
  handler: (args, ctx) => runShellExec(args, ctx),
};
