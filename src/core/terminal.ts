/** Terminal events of a run. Exactly one is emitted per run segment. */
import type { ToolResultPayload } from "../events/tool-result.ts";
import type { RunContext } from "./run-context.ts";

export type Terminal =
  | { kind: "completed"; finalOutput: string; handoff?: { artifact_path: string } }
  | { kind: "failed"; errorKind: string; message: string; retryable?: boolean; retryAfterMs?: number; details?: Record<string, unknown> }
  | { kind: "budget"; message: string }
  | { kind: "cancelled" }
  | { kind: "waiting_human"; tool: string; callId: string; stepId: string; message: string; result: ToolResultPayload };

export async function emitTerminal(ctx: RunContext, terminal: Terminal): Promise<"stop"> {
  const wal_locator = ctx.walLocator;
  const state = ctx.state;
  state.terminal = terminal;
  switch (terminal.kind) {
    case "completed":
      await ctx.emitter.emit("run_completed", {
        final_output: terminal.finalOutput,
        artifacts: [...state.artifacts],
        wal_locator,
        metadata: { notices: [...state.notices], ...(terminal.handoff ? { handoff: terminal.handoff } : {}) },
      });
      break;
    case "failed":
      await ctx.emitter.emit("run_failed", {
        error_kind: terminal.errorKind,
        message: terminal.message,
        retryable: terminal.retryable ?? false,
        ...(terminal.retryAfterMs !== undefined ? { retry_after_ms: terminal.retryAfterMs } : {}),
        wal_locator,
        ...(terminal.details ? { details: terminal.details } : {}),
      });
      break;
    case "budget":
      await ctx.emitter.emit("run_failed", { error_kind: "budget_exceeded", message: terminal.message, retryable: false, wal_locator });
      break;
    case "cancelled":
      await ctx.emitter.emit("run_cancelled", { message: "cancelled by user", wal_locator });
      break;
    case "waiting_human":
      await ctx.emitter.emit(
        "run_waiting_human",
        { tool: terminal.tool, call_id: terminal.callId, message: terminal.message, error_kind: "human_required", wal_locator, details: terminal.result },
        { stepId: terminal.stepId },
      );
      break;
  }
  return "stop";
}
