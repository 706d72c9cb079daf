/**
 * `write_stdin` (spec 4.3 #5): write characters to a running `exec_command` session (nothing:
 * only poll) and return what it printed during `yield_time_ms`. A session that has finished
 * reports its exit code and is gone; an unknown one is `not_found` "session not found".
 */
import { z } from "zod";
import type { ToolResultPayload } from "../events/tool-result.ts";
import { describeError, isRuntimeError } from "../util/errors.ts";
import { redactString } from "../util/redact.ts";
import { CANCELLED, DEFAULT_YIELD_TIME_MS, sessionOutputArgs, sessionPayload, writeUnlessCancelled } from "./exec-command.ts";
import { maxOutputBytes } from "./exec-sessions.ts";
import { errorResult, type ToolContext, type ToolDefinition } from "./registry.ts";
import description from "./write-stdin.md" with { type: "text" };

export const WriteStdinArgs = z.strictObject({
  session_id: z.number().int().min(1).describe("The session_id an exec_command result returned"),
  chars: z.string().nullish().describe('Characters to type; "\\r" is Enter. Empty or absent: only read new output'),
  ...sessionOutputArgs,
});
export type WriteStdinArgs = z.infer<typeof WriteStdinArgs>;

async function runWriteStdin(args: WriteStdinArgs, ctx: ToolContext): Promise<ToolResultPayload> {
  const started = performance.now();
  const services = ctx.services;
  const sessions = services?.execSessions;
  if (!services || !sessions) return errorResult("validation", "write_stdin requires an exec sessions manager");
  const request = {
    sessionId: args.session_id,
    chars: args.chars ?? "",
    yieldTimeMs: args.yield_time_ms ?? DEFAULT_YIELD_TIME_MS,
    maxOutputBytes: maxOutputBytes(args.max_output_tokens),
  };
  let result: Awaited<ReturnType<typeof writeUnlessCancelled>>;
  try {
    result = await writeUnlessCancelled(sessions, request, ctx.signal);
  } catch (error) {
    // The manager's message says more (e.g. that the runtime server restarted); it always contains "session not found".
    if (isRuntimeError(error) && error.kind === "not_found") return errorResult("not_found", error.message.includes("session not found") ? error.message : "session not found");
    const kind = isRuntimeError(error) ? error.kind : "unknown";
    return errorResult(kind, redactString(describeError(error), services.secrets));
  }
  if (result === CANCELLED) return errorResult("cancelled", "cancelled by user");
  return sessionPayload(args.session_id, result, { secrets: services.secrets, durationMs: Math.round(performance.now() - started) });
}

export const writeStdinTool: ToolDefinition<WriteStdinArgs> = {
  name: "write_stdin",
  description,
  parameters: WriteStdinArgs,
  handler: runWriteStdin,
};
