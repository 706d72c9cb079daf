import { describe, expect, test } from "bun:test";
import { ChatMessage, ChatRequest, ChatStreamEvent, RetryScheduled, isChatBackend } from "./protocol.ts";

describe("protocol schemas", () => {
  test("accept OpenAI chat messages including tool calls and tool results", () => {
    const messages = [
      { role: "system", content: "be brief" },
      { role: "user", content: [{ type: "text", text: "hi" }] },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "ls", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "c1", content: "a.txt" },
    ];
    for (const message of messages) expect(ChatMessage.safeParse(message).success).toBe(true);
    expect(ChatMessage.safeParse({ role: "tool", content: "x" }).success).toBe(false);
  });

  test("a request carries a signal and an onRetry callback", () => {
    const parsed = ChatRequest.safeParse({
      messages: [{ role: "user", content: "x" }],
      signal: new AbortController().signal,
      onRetry: () => {},
    });
    expect(parsed.success).toBe(true);
    expect(ChatRequest.safeParse({ messages: [], signal: "nope" }).success).toBe(false);
  });

  test("stream events are a closed union", () => {
    expect(ChatStreamEvent.safeParse({ type: "text_delta", text: "a" }).success).toBe(true);
    expect(ChatStreamEvent.safeParse({ type: "completed", finish_reason: "stop" }).success).toBe(true);
    expect(ChatStreamEvent.safeParse({ type: "tool_calls", tool_calls: [{ call_id: "", name: "x", raw_arguments: "" }] }).success).toBe(false);
    expect(ChatStreamEvent.safeParse({ type: "reasoning", text: "a" }).success).toBe(false);
  });

  test("the retry payload schema matches the spec's llm_retry_scheduled fields", () => {
    const payload = { provider: "openai", error_kind: "request_error", attempt: 0, max_retries: 3, retry_after_ms: null, delay_ms: 500 };
    expect(RetryScheduled.parse(payload)).toEqual(payload as never);
  });

  test("isChatBackend checks for a one-parameter streamChat", () => {
    expect(isChatBackend({ async *streamChat(_request: unknown) {} })).toBe(true);
    expect(isChatBackend({ streamChat: (_model: unknown, _messages: unknown) => [] })).toBe(false);
    expect(isChatBackend({})).toBe(false);
    expect(isChatBackend(null)).toBe(false);
  });
});
