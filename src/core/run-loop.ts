/**
 * The turn loop of one run (spec 2.4/2.5 with decisions.md fixes): budgets, cancellation, prompt
 * assembly, one LLM call per turn, tool calls, context recovery, and exactly one terminal event.
 */
import { isLlmError } from "../llm/errors.ts";
import type { ToolSpec } from "../llm/protocol.ts";
import { classifyRunError } from "./classify-error.ts";
import { recoverContext } from "./compaction-turn.ts";
import { buildMessages } from "./prompt/manager.ts";
import type { RunContext } from "./run-context.ts";
import { prepareSkills } from "./skills-setup.ts";
import { streamTurn } from "./stream-turn.ts";
import { emitTerminal } from "./terminal.ts";
import { processToolCalls } from "./tool-calls.ts";

export async function runLoop(ctx: RunContext): Promise<void> {
  try {
    await loop(ctx);
  } catch (error) {
    if (ctx.state.terminal) return;
    if (ctx.signal.aborted) await emitTerminal(ctx, { kind: "cancelled" });
    else await emitTerminal(ctx, classifyRunError(error));
  }
}

async function loop(ctx: RunContext): Promise<void> {
  if (!ctx.backend) {
    await emitTerminal(ctx, {
      kind: "failed",
      errorKind: "config_error",
      message: "No LLM backend is configured (backend=None): pass `backend` to the Agent, or configure llm.base_url and the API key.",
    });
    return;
  }
  if (typeof ctx.backend.streamChat !== "function") {
    await emitTerminal(ctx, { kind: "failed", errorKind: "config_error", message: "The backend does not implement streamChat(request) (the stream_chat protocol)." });
    return;
  }
  const skills = await prepareSkills(ctx);
  if (skills === "stop") return;
  const specs: ToolSpec[] = ctx.registry.specs();
  for (;;) {
    if (ctx.signal.aborted) {
      await emitTerminal(ctx, { kind: "cancelled" });
      return;
    }
    const exhausted = ctx.state.exhaustedBeforeTurn();
    if (exhausted) {
      await emitTerminal(ctx, { kind: "budget", message: exhausted });
      return;
    }
    ctx.state.turn += 1;
    const turnId = `turn_${ctx.state.turn}`;
    const built = buildMessages({
      settings: ctx.config.prompt,
      task: ctx.task,
      cwd: ctx.workspaceRoot,
      history: ctx.state.history,
      turns: ctx.state.turns,
      injectedSkills: skills.injected,
      skills: skills.list,
      tools: specs.map((s) => ({ ...s, name: s.function.name })),
    });
    const tools = built.tools.map(({ name: _name, ...spec }) => spec as ToolSpec);
    const outcome = await streamTurn(ctx, turnId, built.messages, tools);
    if (outcome.kind === "cancelled") {
      await emitTerminal(ctx, { kind: "cancelled" });
      return;
    }
    if (outcome.kind === "budget") {
      await emitTerminal(ctx, { kind: "budget", message: outcome.message });
      return;
    }
    if (outcome.kind === "error") {
      if (isLlmError(outcome.error) && outcome.error.kind === "context_length_exceeded") {
        if ((await recoverContext(ctx, turnId, outcome.error)) === "retry") continue;
        return;
      }
      await emitTerminal(ctx, classifyRunError(outcome.error));
      return;
    }
    if (outcome.toolCalls.length > 0) {
      if ((await processToolCalls(ctx, turnId, outcome.text, outcome.toolCalls)) === "stop") return;
      continue;
    }
    if (outcome.text !== "") ctx.state.turns.push({ role: "assistant", content: outcome.text });
    await emitTerminal(ctx, { kind: "completed", finalOutput: outcome.text });
    return;
  }
}
