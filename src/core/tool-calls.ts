/**
 * Tool-call orchestration for one turn (spec 4.6 with decisions.md fixes): gate each call in order
 * (guard -> policy -> approvals), consume steps, execute approved calls in call order, and record
 * tool messages. Returns "continue", or "stop" after a terminal event was emitted.
 */
import { sha256Hex } from "../util/canonical-json.ts";
import { redactDeep } from "../util/redact.ts";
import type { ToolResultPayload } from "../events/tool-result.ts";
import type { ToolCall } from "../llm/protocol.ts";
import type { SkillActionIntent } from "../safety/sanitize.ts";
import { evaluateToolCall } from "../safety/tool-gate.ts";
import { skillActionIntent } from "../tools/skill-exec.ts";
import { errorResult } from "../tools/registry.ts";
import type { RunContext } from "./run-context.ts";
import { emitTerminal } from "./terminal.ts";

interface Approved {
  call: ToolCall;
  args: Record<string, unknown>;
  stepId: string;
}

function toolMessage(ctx: RunContext, callId: string, result: ToolResultPayload): void {
  ctx.state.turns.push({ role: "tool", tool_call_id: callId, content: JSON.stringify(result) });
}

function parseArguments(raw: string): { ok: true; args: Record<string, unknown> } | { ok: false; error: string } {
  if (raw.trim() === "") return { ok: true, args: {} };
  try {
    const value = JSON.parse(raw);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return { ok: false, error: "arguments must be a JSON object" };
    return { ok: true, args: value as Record<string, unknown> };
  } catch (error) {
    return { ok: false, error: `invalid JSON: ${(error as Error).message}` };
  }
}

/** `skill_exec`: the action the call would run, resolved before the (synchronous) gate sees it. */
async function skillActionFor(ctx: RunContext, name: string, kind: string, args: Record<string, unknown>): Promise<SkillActionIntent | null> {
  if (name !== "skill_exec" || kind !== "builtin" || !ctx.skills) return null;
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  return skillActionIntent(ctx.skills, { skillMention: text(args.skill_mention), actionId: text(args.action_id) }, { signal: ctx.signal });
}

/** Emit `tool_call_finished` with the redacted result; the tool message is added later, in call order. */
async function finish(ctx: RunContext, turnId: string, stepId: string, call: ToolCall, result: ToolResultPayload): Promise<ToolResultPayload> {
  const clean = redactDeep(result, ctx.secrets);
  await ctx.emitter.emit("tool_call_finished", { call_id: call.call_id, tool: call.name, result: clean }, { turnId, stepId });
  return clean;
}

/**
 * Spec 4.6: phase 1 gates every call in order (tool_call_requested, approvals, step budget);
 * phase 2 executes the approved calls in call order; phase 3 records the tool messages in call
 * order. The WAL therefore has the reference's order (all requests of a batch before the first
 * tool_call_started), which is what replay resume groups into one assistant message.
 * decisions.md item 4: when a budget stops phase 1, the calls approved before it still run and
 * their results reach the WAL before `run_failed`.
 */
export async function processToolCalls(ctx: RunContext, turnId: string, text: string, calls: ToolCall[]): Promise<"continue" | "stop"> {
  // decisions.md item 5: the assistant text that came with the tool calls is kept.
  ctx.state.turns.push({
    role: "assistant",
    content: text === "" ? null : text,
    tool_calls: calls.map((c) => ({ id: c.call_id, type: "function", function: { name: c.name, arguments: c.raw_arguments || "{}" } })),
  });
  const results = new Map<string, ToolResultPayload>();
  try {
    return await gateAndRun(ctx, turnId, calls, results);
  } finally {
    for (const call of calls) {
      const result = results.get(call.call_id);
      if (result) toolMessage(ctx, call.call_id, result);
    }
  }
}

async function gateAndRun(ctx: RunContext, turnId: string, calls: ToolCall[], results: Map<string, ToolResultPayload>): Promise<"continue" | "stop"> {
  const approved: Approved[] = [];
  const stepOf = new Map<string, string>();

  /** Phase 2: run the approved calls in call order; false when the run was cancelled first. */
  const runApproved = async (): Promise<boolean> => {
    for (const { call, args, stepId } of approved.splice(0)) {
      if (ctx.signal.aborted) return false;
      await ctx.emitter.emit("tool_call_started", { call_id: call.call_id, tool: call.name }, { turnId, stepId });
      const result = await ctx.registry.dispatch(call.name, args, {
        workspaceRoot: ctx.workspaceRoot,
        runId: ctx.runId,
        callId: call.call_id,
        turnId,
        stepId,
        signal: ctx.signal,
        env: ctx.env,
        services: ctx.toolServices,
        emit: async (type, payload) => void (await ctx.emitter.emit(type, redactDeep(payload, ctx.secrets))),
      });
      results.set(call.call_id, await finish(ctx, turnId, stepId, call, result));
    }
    return true;
  };
  /** A budget stop: run what was already approved, then fail (or cancel if aborted meanwhile). */
  const budgetStop = async (message: string): Promise<"stop"> => {
    const ran = await runApproved();
    return emitTerminal(ctx, ran && !ctx.signal.aborted ? { kind: "budget", message } : { kind: "cancelled" });
  };

  for (const call of calls) {
    if (ctx.signal.aborted) return emitTerminal(ctx, { kind: "cancelled" });
    const wall = ctx.state.wallExceeded();
    if (wall) return budgetStop(wall);
    ctx.state.step += 1;
    const stepId = `step_${ctx.state.step}`;
    stepOf.set(call.call_id, stepId);
    const ids = { turnId, stepId };
    const parsed = parseArguments(call.raw_arguments);
    const kind = ctx.registry.kindOf(call.name);
    if (!parsed.ok) {
      const marker = {
        arguments_valid: false,
        raw_arguments_len: call.raw_arguments.length,
        raw_arguments_sha256: sha256Hex(call.raw_arguments),
        raw_arguments_error: parsed.error,
      };
      await ctx.emitter.emit("tool_call_requested", { call_id: call.call_id, tool: call.name, name: call.name, arguments: {}, ...marker }, ids);
      const result = errorResult("validation", `invalid tool arguments: ${parsed.error}`, {
        raw_arguments_len: marker.raw_arguments_len,
        raw_arguments_sha256: marker.raw_arguments_sha256,
      });
      results.set(call.call_id, await finish(ctx, turnId, stepId, call, result));
      continue;
    }
    const skillAction = await skillActionFor(ctx, call.name, kind, parsed.args);
    const decision = evaluateToolCall(call.name, parsed.args, {
      ...(skillAction ? { resolveSkillAction: () => skillAction } : {}),
      kind,
      safety: ctx.config.safety,
      workspaceRoot: ctx.workspaceRoot,
      homeDir: ctx.homeDir,
      secrets: ctx.secrets,
      recordedRequest: ctx.recordedArguments?.(call.call_id),
      descriptor: ctx.registry.descriptorOf(call.name),
    });
    await ctx.emitter.emit("tool_call_requested", { call_id: call.call_id, tool: call.name, name: call.name, arguments: decision.request }, ids);

    if (decision.action === "deny") {
      const result = errorResult("permission", decision.reason, { tool: call.name, reason: decision.matchedRule ?? decision.reason });
      results.set(call.call_id, await finish(ctx, turnId, stepId, call, result));
      continue;
    }
    if (decision.action === "ask") {
      ctx.currentIds = ids;
      const outcome = await ctx.approvals.request({ tool: call.name, request: decision.request, summary: decision.summary }, { signal: ctx.signal });
      if (outcome.cancelled || outcome.decision === "abort") return emitTerminal(ctx, { kind: "cancelled" });
      if (outcome.decision === "denied") {
        const result = errorResult("permission", "approval denied", { tool: call.name });
        results.set(call.call_id, await finish(ctx, turnId, stepId, call, result));
        const details = { tool: call.name, approval_key: outcome.approvalKey, reason: outcome.reason };
        if (outcome.reason === "no_provider") {
          return emitTerminal(ctx, {
            kind: "failed",
            errorKind: "config_error",
            message: `ApprovalProvider is required for tool '${call.name}' but none is configured.`,
            details,
          });
        }
        if (outcome.loopGuardTripped) {
          return emitTerminal(ctx, {
            kind: "failed",
            errorKind: "approval_denied",
            message: `Approval for tool '${call.name}' was denied repeatedly; aborting the run to prevent a loop.`,
            details,
          });
        }
        continue;
      }
    }
    if (ctx.signal.aborted) return emitTerminal(ctx, { kind: "cancelled" });
    if (ctx.state.stepsUsed >= ctx.state.maxSteps) return budgetStop(`budget exceeded: max_steps=${ctx.state.maxSteps}`);
    ctx.state.stepsUsed += 1;
    approved.push({ call, args: parsed.args, stepId });
  }

  if (!(await runApproved())) return emitTerminal(ctx, { kind: "cancelled" });

  const waiting = calls.find((c) => results.get(c.call_id)?.error_kind === "human_required");
  if (waiting) {
    const result = results.get(waiting.call_id)!;
    const message = (result.data?.message as string | undefined) || result.stderr || "The tool needs a human answer before the run can go on.";
    return emitTerminal(ctx, { kind: "waiting_human", tool: waiting.name, callId: waiting.call_id, stepId: stepOf.get(waiting.call_id)!, message, result });
  }
  if (ctx.signal.aborted) return emitTerminal(ctx, { kind: "cancelled" });
  return "continue";
}
