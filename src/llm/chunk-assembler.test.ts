import { describe, expect, test } from "bun:test";
import { ChunkAssembler, completionToEvents, normalizeUsage } from "./chunk-assembler.ts";
import { LlmError } from "./errors.ts";
import type { ChatStreamEvent } from "./protocol.ts";

const delta = (d: Record<string, unknown>, finish_reason: string | null = null) => ({
  id: "req-1",
  choices: [{ index: 0, delta: d, finish_reason }],
});

function feed(chunks: unknown[]): ChatStreamEvent[] {
  const assembler = new ChunkAssembler({ provider: "openai" });
  return [...chunks.flatMap((c) => assembler.push(c)), ...assembler.finish()];
}

const toolCalls = (events: ChatStreamEvent[]) => events.flatMap((e) => (e.type === "tool_calls" ? [e.tool_calls] : []));

describe("ChunkAssembler text and completion", () => {
  test("emits text deltas, skips empty ones, and ends with one completed", () => {
    const events = feed([delta({ role: "assistant", content: "" }), delta({ content: "Hi" }), delta({}, "stop")]);
    expect(events).toEqual([
      { type: "text_delta", text: "Hi" },
      { type: "completed", finish_reason: "stop", provider: "openai", request_id: "req-1" },
    ]);
  });

  test("content given as a list of blocks yields one delta per non-empty text", () => {
    const events = feed([delta({ content: [{ type: "text", text: "a" }, { type: "text", text: "" }, { text: "b" }] })]);
    expect(events.filter((e) => e.type === "text_delta")).toEqual([
      { type: "text_delta", text: "a" },
      { type: "text_delta", text: "b" },
    ]);
  });

  test("defaults the finish reason to eof and ignores junk chunks", () => {
    const assembler = new ChunkAssembler({ provider: "p" });
    expect(assembler.push(null)).toEqual([]);
    expect(assembler.push("text")).toEqual([]);
    expect(assembler.push({ choices: "nope" })).toEqual([]);
    expect(assembler.finish()).toEqual([{ type: "completed", finish_reason: "eof", provider: "p" }]);
    expect(assembler.finish()).toEqual([]);
    expect(assembler.finished).toBe(true);
  });

  test("captures usage from a usage-only chunk after stop, before completed", () => {
    const events = feed([
      delta({ content: "x" }, "stop"),
      { id: "req-1", model: "m-1", choices: [], usage: { prompt_tokens: 7, completion_tokens: 2 } },
    ]);
    expect(events.slice(1)).toEqual([
      {
        type: "usage",
        usage: { input_tokens: 7, output_tokens: 2, total_tokens: 9 },
        model: "m-1",
        provider: "openai",
        request_id: "req-1",
      },
      { type: "completed", finish_reason: "stop", provider: "openai", request_id: "req-1" },
    ]);
  });

  test("finish_reason length raises context_length_exceeded", () => {
    const assembler = new ChunkAssembler({ provider: "p" });
    let error: unknown;
    try {
      assembler.push(delta({ content: "a" }, "length"));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LlmError);
    expect((error as LlmError).kind).toBe("context_length_exceeded");
  });
});

describe("normalizeUsage", () => {
  test("accepts either naming, defaults the total, rejects bad values", () => {
    expect(normalizeUsage({ input_tokens: 1, output_tokens: 2 })).toEqual({ input_tokens: 1, output_tokens: 2, total_tokens: 3 });
    expect(normalizeUsage({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 10 })?.total_tokens).toBe(10);
    expect(normalizeUsage({ prompt_tokens: 1 })).toBeUndefined();
    expect(normalizeUsage({ prompt_tokens: -1, completion_tokens: 2 })).toBeUndefined();
    expect(normalizeUsage({ prompt_tokens: 1.5, completion_tokens: 2 })).toBeUndefined();
    expect(normalizeUsage(null)).toBeUndefined();
  });
});

describe("ChunkAssembler tool calls", () => {
  test("assembles fragments by index and flushes on finish_reason tool_calls in first-seen order", () => {
    const events = feed([
      delta({ tool_calls: [{ index: 1, id: "c2", function: { name: "b", arguments: "" } }] }),
      delta({ tool_calls: [{ index: 0, id: "c1", function: { name: "a", arguments: '{"x"' } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: ":1}" } }] }),
      delta({ tool_calls: [{ index: 1, function: { arguments: "{}" } }] }),
      delta({}, "tool_calls"),
    ]);
    expect(events[0]).toEqual({
      type: "tool_calls",
      tool_calls: [
        { call_id: "c2", name: "b", raw_arguments: "{}" },
        { call_id: "c1", name: "a", raw_arguments: '{"x":1}' },
      ],
    });
    expect(events.at(-1)).toMatchObject({ type: "completed", finish_reason: "tool_calls" });
  });

  test("without index, routes by id, continues the last slot, and starts a new one on a second name", () => {
    const events = feed([
      delta({ tool_calls: [{ id: "x", function: { name: "one", arguments: "{" } }] }),
      delta({ tool_calls: [{ function: { arguments: "}" } }] }),
      delta({ tool_calls: [{ function: { name: "two", arguments: "[1" } }] }),
      delta({ tool_calls: [{ id: "x", function: { arguments: "" } }] }),
      delta({ tool_calls: [{ function: { arguments: "]" } }] }),
    ]);
    expect(toolCalls(events)).toEqual([
      [
        { call_id: "x", name: "one", raw_arguments: "{}" },
        { call_id: "tool-call-1", name: "two", raw_arguments: "[1]" },
      ],
    ]);
  });

  test("first non-empty id and name win; nameless calls are dropped; pending calls flush at finish", () => {
    const events = feed([
      delta({ tool_calls: [{ index: 0, id: "first", function: { name: "keep" } }] }),
      delta({ tool_calls: [{ index: 0, id: "second", function: { name: "other", arguments: "1" } }] }),
      delta({ tool_calls: [{ index: 1, function: { arguments: "orphan" } }] }),
    ]);
    expect(toolCalls(events)).toEqual([[{ call_id: "first", name: "keep", raw_arguments: "1" }]]);
    expect(events.map((e) => e.type)).toEqual(["tool_calls", "completed"]);
  });

  test("a second batch after a flush starts fresh", () => {
    const events = feed([
      delta({ tool_calls: [{ index: 0, id: "a", function: { name: "f", arguments: "{}" } }] }, "tool_calls"),
      delta({ tool_calls: [{ index: 0, id: "b", function: { name: "g", arguments: "{}" } }] }, "tool_calls"),
    ]);
    expect(toolCalls(events).map((batch) => batch.map((c) => c.call_id))).toEqual([["a"], ["b"]]);
  });
});

describe("completionToEvents", () => {
  test("turns a non-streamed completion with tool calls into stream events", () => {
    const events = completionToEvents(
      {
        id: "cmpl",
        choices: [
          {
            message: {
              content: null,
              tool_calls: [{ id: "t1", type: "function", function: { name: "ls", arguments: "{}" } }],
            },
            finish_reason: "tool_calls",
          },
        ],
        usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
      },
      "openai",
    );
    expect(events.map((e) => e.type)).toEqual(["tool_calls", "usage", "completed"]);
    expect(toolCalls(events)).toEqual([[{ call_id: "t1", name: "ls", raw_arguments: "{}" }]]);
  });
});
