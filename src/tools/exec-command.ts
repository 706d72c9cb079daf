/**
 * `exec_command` (spec 4.3 #4): start `/bin/sh -lc <cmd>` in a PTY session of the run's exec
 * sessions manager and return what it printed during the first `yield_time_ms`. A command that
 * finished by then reports its exit code (`session_id: null`); one still running reports its
 * `session_id` for `write_stdin`. Sandbox handling is shell_exec's: effective `restricted` runs
 * the command through the sandbox adapter or not at all (`sandbox_denied`).
 */
import { z } from "zod";
import type { ToolResultPayload } from "../events/tool-result.ts";
import { describeError, isRuntimeError } from "../util/errors.ts";
import { redactString } from "../util/redact.ts";
import description from "./exec-command.md" with { type: "text" };
import { maxOutputBytes, type ExecSessions, type ExecWriteRequest, type ExecWriteResult } from "./exec-sessions.ts";
import { commandEnv } from "./executor.ts";
import { errorResult, type ToolContext, type ToolDefinition, type ToolServices } from "./registry.ts";
import { commonShellArgs, isDirectory, noAdapterMessage, sandboxEvidence } from "./shell-exec.ts";
import { resolveWorkspacePath } from "./workspace-path.ts";

export const DEFAULT_YIELD_TIME_MS = 50;

/** The output-window arguments `exec_command` and `write_stdin` share. */
export const sessionOutputArgs = {
  yield_time_ms: z
    .number()
    .int()
    .min(0)
    .nullish()
    .describe(`How long to wait for output before returning, in milliseconds (default ${DEFAULT_YIELD_TIME_MS})`),
  max_output_tokens: z.number().int().min(1).nullish().describe("Return at most about this many tokens of output (the end is kept)"),
};

export const ExecCommandArgs = z.strictObject({
  cmd: z.string().min(1).describe('The command line, run by /bin/sh in a terminal, e.g. "python3 -i"'),
  workdir: z.string().nullish().describe("Working directory, relative to the workspace root (default: the root)"),
  ...sessionOutputArgs,
  tty: z.boolean().nullish().describe("Accepted for compatibility; the command always gets a terminal"),
  sandbox: commonShellArgs.sandbox,
  sandbox_permissions: commonShellArgs.sandbox_permissions,
  justification: commonShellArgs.justification,
});
export type ExecCommandArgs = z.infer<typeof ExecCommandArgs>;

export const CANCELLED = Symbol("cancelled");

/** `sessions.write`, or CANCELLED as soon as the run is cancelled (the write itself ends at its deadline). */
export async function writeUnlessCancelled(sessions: ExecSessions, request: ExecWriteRequest, signal: AbortSignal): Promise<ExecWriteResult | typeof CANCELLED> {
  if (signal.aborted) return CANCELLED;
  let onAbort: () => void = () => {};
  const aborted = new Promise<typeof CANCELLED>((resolve) => {
    onAbort = () => resolve(CANCELLED);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([sessions.write(request), aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** The tool result of one read from a session: running (with its id) or finished (with its exit code). */
export function sessionPayload(
  sessionId: number,
  result: ExecWriteResult,
  { secrets, durationMs, data = {} }: { secrets: readonly string[]; durationMs: number; data?: Record<string, unknown> },
): ToolResultPayload {
  const ok = result.running || result.exitCode === 0;
  return {
    ok,
    stdout: redactString(result.stdout, secrets),
    stderr: redactString(result.stderr, secrets),
    ...(result.running || result.exitCode === null ? {} : { exit_code: result.exitCode }),
    duration_ms: durationMs,
    truncated: result.truncated,
    data: { session_id: result.running ? sessionId : null, running: result.running, ...data },
    ...(ok ? {} : { error_kind: "exit_code" }),
    retryable: false,
  };
}

async function runExecCommand(args: ExecCommandArgs, ctx: ToolContext): Promise<ToolResultPayload> {
  const started = performance.now();
  const services = ctx.services;
  if (!services) return errorResult("validation", "Cannot run exec_command: the tool context has no run services (config, base environment, sandbox)");
  const sessions = services.execSessions;
  if (!sessions) return errorResult("validation", "exec_command requires an exec sessions manager");
  // Throws permission when the path leaves the workspace.
  const cwd = args.workdir == null ? ctx.workspaceRoot : await resolveWorkspacePath(ctx.workspaceRoot, args.workdir);
  if (!isDirectory(cwd)) {
    return errorResult("validation", `Cannot run exec_command in "${args.workdir ?? cwd}": the working directory does not exist or is not a directory`);
  }
  const env = commandEnv(ctx);
  const sandbox = sandboxEvidence(args.sandbox, services);
  let prepared = { argv: ["/bin/sh", "-lc", args.cmd], env, cwd };
  if (sandbox.effective === "restricted") {
    const adapter = services.sandboxAdapter;
    if (!adapter) return errorResult("sandbox_denied", redactString(noAdapterMessage("/bin/sh", services), services.secrets), { sandbox });
    try {
      prepared = adapter.prepare(prepared.argv, { cwd, env, workspaceRoot: ctx.workspaceRoot, overlayEnv: { ...ctx.env } });
    } catch (error) {
      return errorResult("sandbox_denied", redactString(describeError(error), services.secrets), { sandbox });
    }
  }
  if (ctx.signal.aborted) return errorResult("cancelled", "cancelled by user", { sandbox });
  let sessionId: number;
  try {
    ({ sessionId } = await sessions.spawn(prepared));
  } catch (error) {
    const kind = isRuntimeError(error) ? error.kind : "unknown";
    return errorResult(kind, redactString(describeError(error), services.secrets), { sandbox });
  }
  const request = { sessionId, chars: "", yieldTimeMs: args.yield_time_ms ?? DEFAULT_YIELD_TIME_MS, maxOutputBytes: maxOutputBytes(args.max_output_tokens) };
  let result: Awaited<ReturnType<typeof writeUnlessCancelled>>;
  try {
    result = await writeUnlessCancelled(sessions, request, ctx.signal);
  } catch (error) {
    const kind = isRuntimeError(error) ? error.kind : "unknown";
    return errorResult(kind, redactString(describeError(error), services.secrets), { sandbox });
  }
  if (result === CANCELLED) {
    // The model never learns this session's id: nobody could close it.
    await sessions.close(sessionId);
    return errorResult("cancelled", "cancelled by user", { sandbox });
  }
  const durationMs = Math.round(performance.now() - started);
  return sessionPayload(sessionId, result, { secrets: services.secrets, durationMs, data: { sandbox } });
}

export const execCommandTool: ToolDefinition<ExecCommandArgs> = {
  name: "exec_command",
  description,
  parameters: ExecCommandArgs,
  handler: runExecCommand,
};
