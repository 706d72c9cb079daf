/**
 * One LLM call of a turn (spec 2.5 StreamingBridge): stream the backend, emit deltas and usage,
 * stop on cancel or on the wall budget. Returns the text and tool calls, or why it stopped.
 */
import type { ChatMessage, ToolCall, ToolSpec } from "../llm/protocol.ts";
import { sanitizeToolArguments } from "../safety/tool-gate.ts";
import type { RunContext } from "./run-context.ts";

export type TurnOutcome =
  | { kind: "ok"; text: string; toolCalls: ToolCall[] }
  | { kind: "cancelled" }
  | { kind: "budget"; message: string }
  | { kind: "error"; error: unknown };

function parseArgs(raw: string): unknown {
  try {
    return raw.trim() === "" ? {} : JSON.parse(raw);
  } catch {
    return {};
  }
}

export async function streamTurn(ctx: RunContext, turnId: string, messages: ChatMessage[], tools: ToolSpec[]): Promise<TurnOutcome> {
  const model = ctx.config.models.executor;
  const backend = ctx.backend!;
  await ctx.emitter.emit(
    "llm_request_started",
    { model, wire_api: "chat.completions", messages_count: messages.length, tools_count: tools.length },
    { turnId },
  );
  const wallMs = ctx.state.wallRemainingMs();
  const wallSignal = wallMs === null ? null : AbortSignal.timeout(Math.max(1, wallMs));
  const signal = wallSignal ? AbortSignal.any([ctx.signal, wallSignal]) : ctx.signal;
  let text = "";
  const toolCalls: ToolCall[] = [];
  const retries: Promise<unknown>[] = [];
  try {
    const stream = backend.streamChat({
      model,
      messages,
      ...(tools.length ? { tools } : {}),
      runId: ctx.runId,
      turnId,
      signal,
      onRetry: (payload) => void retries.push(ctx.emitter.emit("llm_retry_scheduled", { ...payload }, { turnId })),
    });
    for await (const part of stream) {
      if (signal.aborted) break;
      if (part.type === "text_delta") {
        text += part.text;
        await ctx.emitter.emit("llm_response_delta", { delta_type: "text", text: part.text }, { turnId });
      } else if (part.type === "tool_calls") {
        toolCalls.push(...part.tool_calls);
        const kindOf = (name: string) => ctx.registry.kindOf(name);
        await ctx.emitter.emit(
          "llm_response_delta",
          {
            delta_type: "tool_calls",
            tool_calls: part.tool_calls.map((c) => ({
              call_id: c.call_id,
              tool: c.name,
              name: c.name,
              arguments: ctx.recordedArguments?.(c.call_id) ?? sanitizeToolArguments(c.name, parseArgs(c.raw_arguments), {
                kind: kindOf(c.name),
                descriptor: ctx.registry.descriptorOf(c.name),
                workspaceRoot: ctx.workspaceRoot,
                homeDir: ctx.homeDir,
                secrets: ctx.secrets,
              }),
            })),
          },
          { turnId },
        );
      } else if (part.type === "usage") {
        const u = part.usage;
        const input = u.input_tokens ?? 0;
        const output = u.output_tokens ?? 0;
        const total = u.total_tokens ?? input + output;
        ctx.state.addUsage(input, output, total);
        await ctx.emitter.emit(
          "llm_usage",
          {
            model: part.model ?? model,
            input_tokens: input,
            output_tokens: output,
            total_tokens: total,
            ...(part.provider ? { provider: part.provider } : {}),
            ...(part.request_id ? { request_id: part.request_id } : {}),
          },
          { turnId },
        );
      } else if (part.type === "completed") {
        break;
      }
    }
  } catch (error) {
    await Promise.all(retries);
    if (ctx.signal.aborted) return { kind: "cancelled" };
    if (wallSignal?.aborted) return { kind: "budget", message: `budget exceeded: max_wall_time_sec=${ctx.state.maxWallTimeSec}` };
    return { kind: "error", error };
  }
  await Promise.all(retries);
  if (ctx.signal.aborted) return { kind: "cancelled" };
  if (wallSignal?.aborted) return { kind: "budget", message: `budget exceeded: max_wall_time_sec=${ctx.state.maxWallTimeSec}` };
  return { kind: "ok", text, toolCalls };
}
