/**
 * Context-length recovery (spec 2.8): decide what to do (fail_fast / compact_first / ask_first),
 * run a compaction turn, write the handoff artifact and rebuild the history.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  buildCompactionRequest,
  buildHandoffArtifact,
  buildHandoffSummary,
  compactionNotice,
  rebuildHistoryAfterCompaction,
} from "./prompt/compaction.ts";
import type { RunContext } from "./run-context.ts";
import { emitTerminal } from "./terminal.ts";

const REASON = "context_length_exceeded";
const CHOICES = ["compact_continue", "handoff_new_run", "increase_budget_continue", "terminate"];

/** Run one compaction; returns the artifact path. Throws when the compaction budget is spent. */
async function compact(ctx: RunContext, mode: string): Promise<string> {
  const recovery = ctx.config.run.context_recovery;
  if (recovery.max_compactions_per_run > 0 && ctx.state.compactions >= recovery.max_compactions_per_run) {
    throw new Error(`max_compactions_per_run=${recovery.max_compactions_per_run} reached`);
  }
  await ctx.emitter.emit("compaction_started", { reason: REASON, mode });
  const request = buildCompactionRequest({
    task: ctx.task,
    history: ctx.state.history,
    turns: ctx.state.turns,
    maxChars: recovery.compaction_history_max_chars,
  });
  let modelText: string | null = null;
  try {
    let text = "";
    for await (const part of ctx.backend!.streamChat({
      model: ctx.config.models.executor,
      messages: request.messages,
      temperature: request.temperature,
      purpose: "compaction",
      signal: ctx.signal,
    })) {
      if (part.type === "text_delta") text += part.text;
      if (part.type === "completed") break;
    }
    modelText = text;
  } catch (error) {
    // A cancelled run does not pretend to compact: the loop turns this into run_cancelled.
    if (ctx.signal.aborted) throw error;
    await ctx.emitter.emit("compaction_failed", { reason: REASON, error: error instanceof Error ? error.message : String(error) });
  }
  const summary = buildHandoffSummary({ modelText, transcript: request.transcript });
  ctx.state.compactions += 1;
  const artifact = buildHandoffArtifact(ctx.state.compactions, summary);
  const absolute = join(ctx.runDir, artifact.path);
  mkdirSync(dirname(absolute), { recursive: true });
  writeFileSync(absolute, artifact.text);
  ctx.state.artifacts.push(absolute);
  const rebuilt = rebuildHistoryAfterCompaction({
    history: ctx.state.history,
    turns: ctx.state.turns,
    summary,
    keepLastMessages: recovery.compaction_keep_last_messages,
  });
  ctx.state.history = rebuilt.history;
  ctx.state.turns = rebuilt.turns;
  const notice = compactionNotice(ctx.state.compactions);
  ctx.state.notices.splice(0, ctx.state.notices.length, { ...notice });
  await ctx.emitter.emit("context_compacted", {
    reason: REASON,
    count: ctx.state.compactions,
    artifact_path: absolute,
    summary_len: artifact.summary_len,
    summary_sha256: artifact.summary_sha256,
  });
  await ctx.emitter.emit("compaction_finished", { reason: REASON, count: ctx.state.compactions, artifact_path: absolute });
  return absolute;
}

/**
 * Handle a context-length error. Returns "retry" to run the turn again, or "stop" after a
 * terminal event was emitted.
 */
export async function recoverContext(ctx: RunContext, turnId: string, error: unknown): Promise<"retry" | "stop"> {
  const recovery = ctx.config.run.context_recovery;
  let mode: string = recovery.mode;
  await ctx.emitter.emit("context_length_exceeded", { mode, compactions: ctx.state.compactions });
  const failed = (message: string) =>
    emitTerminal(ctx, { kind: "failed", errorKind: "context_length_exceeded", message, retryable: false });
  if (mode === "ask_first") {
    if (!ctx.humanIO) {
      mode = recovery.ask_first_fallback_mode;
      await ctx.emitter.emit("context_recovery_decided", { mode: "ask_first", decision: "no_human_provider", fallback_mode: mode });
    } else {
      const callId = `context_recovery_${ctx.runId}_${turnId}`;
      const question = "The conversation no longer fits the model's context window. How should the run go on?";
      const context = { kind: "context_recovery", mode: "ask_first" };
      await ctx.emitter.emit("human_request", { call_id: callId, question, choices: CHOICES, context });
      const answer = await ctx.humanIO.requestHumanInput({ callId, question, choices: CHOICES, context, timeoutMs: ctx.config.run.human_timeout_ms ?? 0 }, { signal: ctx.signal });
      await ctx.emitter.emit("human_response", { call_id: callId, answer });
      await ctx.emitter.emit("context_recovery_decided", { mode: "ask_first", decision: answer });
      try {
        if (answer === "terminate") {
          await emitTerminal(ctx, { kind: "failed", errorKind: "terminated", message: "terminated by the user during context recovery", retryable: false });
          return "stop";
        }
        if (answer === "handoff_new_run") {
          const artifact = await compact(ctx, "ask_first");
          await emitTerminal(ctx, { kind: "completed", finalOutput: "", handoff: { artifact_path: artifact } });
          return "stop";
        }
        if (answer === "increase_budget_continue") {
          const old = { max_steps: ctx.state.maxSteps, max_wall_time_sec: ctx.state.maxWallTimeSec };
          ctx.state.maxSteps += recovery.increase_budget_extra_steps;
          if (ctx.state.maxWallTimeSec !== null) ctx.state.maxWallTimeSec += recovery.increase_budget_extra_wall_time_sec;
          await ctx.emitter.emit("budget_increased", {
            reason: "context_recovery",
            old,
            new: { max_steps: ctx.state.maxSteps, max_wall_time_sec: ctx.state.maxWallTimeSec },
          });
          return await compactThenRetry(ctx, "ask_first");
        }
        if (answer === "compact_continue") return await compactThenRetry(ctx, "ask_first");
      } catch (compactionError) {
        return recoveryFailed(ctx, compactionError);
      }
      await failed(error instanceof Error ? error.message : String(error));
      return "stop";
    }
  }
  if (mode === "compact_first") {
    try {
      return await compactThenRetry(ctx, "compact_first");
    } catch (compactionError) {
      return recoveryFailed(ctx, compactionError);
    }
  }
  await failed(error instanceof Error ? error.message : String(error));
  return "stop";
}

async function compactThenRetry(ctx: RunContext, mode: string): Promise<"retry"> {
  await compact(ctx, mode);
  return "retry";
}

/** A compaction that failed ends the run (a cancel propagates to the loop instead). */
async function recoveryFailed(ctx: RunContext, error: unknown): Promise<"stop"> {
  if (ctx.signal.aborted) throw error;
  await emitTerminal(ctx, {
    kind: "failed",
    errorKind: "context_length_exceeded",
    message: `context recovery failed: ${(error as Error).message}`,
    retryable: false,
  });
  return "stop";
}
