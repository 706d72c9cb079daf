/**
 * Turns OpenAI chat.completions stream chunks (already JSON-decoded) into `ChatStreamEvent`s
 * (spec 9.3): text deltas, tool-call fragments assembled into complete calls, usage, and exactly
 * one `completed` at the end. Pure: no I/O, no timers.
 *
 * Tool-call assembly: a fragment goes to the slot of its integer `index`; else to the slot of a
 * previously seen `id`; else a new `id` gets a new slot; else it continues the last slot, unless
 * it carries a `function.name` and the last slot already has one (then it starts a new slot).
 * The first non-empty id and name win; argument fragments are concatenated. A batch is flushed
 * in first-seen order; calls without a name are dropped; a missing id becomes `tool-call-<n>`.
 */
import { contextLengthExceededError } from "./errors.ts";
import type { ChatStreamEvent, TokenUsage, ToolCall } from "./protocol.ts";

interface Slot {
  position: number;
  id: string;
  name: string;
  args: string;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** Reads `input_tokens|prompt_tokens`, `output_tokens|completion_tokens`, `total_tokens` (default in+out). */
export function normalizeUsage(raw: unknown): TokenUsage | undefined {
  if (!isObject(raw)) return undefined;
  const input = count(raw.input_tokens ?? raw.prompt_tokens);
  const output = count(raw.output_tokens ?? raw.completion_tokens);
  if (input === undefined || output === undefined) return undefined;
  const total = raw.total_tokens === undefined || raw.total_tokens === null ? input + output : count(raw.total_tokens);
  if (total === undefined) return undefined;
  return { input_tokens: input, output_tokens: output, total_tokens: total };
}

export class ChunkAssembler {
  readonly #provider: string;
  #slots: Slot[] = [];
  #byIndex = new Map<number, Slot>();
  #byId = new Map<string, Slot>();
  #nextPosition = 0;
  #usage: TokenUsage | undefined;
  #requestId: string | undefined;
  #model: string | undefined;
  #finishReason: string | undefined;
  #finished = false;

  constructor(options: { provider: string }) {
    this.#provider = options.provider;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** Feeds one decoded chunk. Throws `context_length_exceeded` on `finish_reason: "length"`. */
  push(chunk: unknown): ChatStreamEvent[] {
    if (this.#finished || !isObject(chunk)) return [];
    const events: ChatStreamEvent[] = [];
    const usage = normalizeUsage(chunk.usage);
    if (usage) this.#usage = usage;
    if (typeof chunk.id === "string" && chunk.id) this.#requestId = chunk.id;
    if (typeof chunk.model === "string" && chunk.model) this.#model = chunk.model;
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    for (const choice of choices) {
      if (!isObject(choice)) continue;
      const delta = isObject(choice.delta) ? choice.delta : {};
      events.push(...textDeltas(delta.content));
      if (Array.isArray(delta.tool_calls)) {
        for (const fragment of delta.tool_calls) if (isObject(fragment)) this.#accumulate(fragment);
      }
      const reason = choice.finish_reason;
      if (typeof reason !== "string" || !reason) continue;
      if (reason === "length") throw contextLengthExceededError();
      if (reason === "tool_calls") events.push(...this.#flush());
      this.#finishReason = reason;
    }
    return events;
  }

  /** Ends the stream: flushes pending tool calls, then usage (if any), then one `completed`. */
  finish(defaultReason = "eof"): ChatStreamEvent[] {
    if (this.#finished) return [];
    this.#finished = true;
    const events: ChatStreamEvent[] = [...this.#flush()];
    const ids = {
      provider: this.#provider,
      ...(this.#requestId ? { request_id: this.#requestId } : {}),
    };
    if (this.#usage) {
      events.push({ type: "usage", usage: this.#usage, ...(this.#model ? { model: this.#model } : {}), ...ids });
    }
    events.push({ type: "completed", finish_reason: this.#finishReason ?? defaultReason, ...ids });
    return events;
  }

  #accumulate(fragment: JsonObject): void {
    const fn = isObject(fragment.function) ? fragment.function : {};
    const id = typeof fragment.id === "string" ? fragment.id : "";
    const name = typeof fn.name === "string" ? fn.name : "";
    const index = typeof fragment.index === "number" && Number.isInteger(fragment.index) ? fragment.index : undefined;
    const last = this.#slots.at(-1);
    let slot: Slot | undefined;
    if (index !== undefined) slot = this.#byIndex.get(index);
    else if (id && this.#byId.has(id)) slot = this.#byId.get(id);
    else if (!id && last && !(name && last.name)) slot = last;
    if (!slot) {
      slot = { position: index ?? this.#nextPosition, id: "", name: "", args: "" };
      this.#nextPosition += 1;
      this.#slots.push(slot);
      if (index !== undefined) this.#byIndex.set(index, slot);
    }
    if (id && !slot.id) {
      slot.id = id;
      this.#byId.set(id, slot);
    }
    if (name && !slot.name) slot.name = name;
    if (typeof fn.arguments === "string") slot.args += fn.arguments;
  }

  #flush(): ChatStreamEvent[] {
    const calls: ToolCall[] = this.#slots
      .filter((slot) => slot.name)
      .map((slot) => ({
        call_id: slot.id || `tool-call-${slot.position}`,
        name: slot.name,
        raw_arguments: slot.args,
      }));
    this.#slots = [];
    this.#byIndex.clear();
    this.#byId.clear();
    this.#nextPosition = 0;
    return calls.length > 0 ? [{ type: "tool_calls", tool_calls: calls }] : [];
  }
}

function textDeltas(content: unknown): ChatStreamEvent[] {
  if (typeof content === "string") return content ? [{ type: "text_delta", text: content }] : [];
  if (!Array.isArray(content)) return [];
  const events: ChatStreamEvent[] = [];
  for (const block of content) {
    if (isObject(block) && typeof block.text === "string" && block.text) {
      events.push({ type: "text_delta", text: block.text });
    }
  }
  return events;
}

/**
 * Converts a non-streamed `chat.completion` body (a server that ignored `stream: true`) into the
 * same events a stream would have produced.
 */
export function completionToEvents(body: unknown, provider: string): ChatStreamEvent[] {
  const assembler = new ChunkAssembler({ provider });
  if (!isObject(body)) return assembler.finish();
  const choices = Array.isArray(body.choices) ? body.choices : [];
  const chunk = {
    id: body.id,
    model: body.model,
    usage: body.usage,
    choices: choices.filter(isObject).map((choice) => {
      const message = isObject(choice.message) ? choice.message : {};
      const toolCalls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
      return {
        finish_reason: choice.finish_reason,
        delta: {
          content: message.content,
          tool_calls: toolCalls.map((call, i) => (isObject(call) ? { ...call, index: i } : call)),
        },
      };
    }),
  };
  return [...assembler.push(chunk), ...assembler.finish()];
}
