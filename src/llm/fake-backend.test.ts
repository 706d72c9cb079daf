import { describe, expect, test } from "bun:test";
import { ConfigError } from "../util/errors.ts";
import { LlmError } from "./errors.ts";
import { FakeChatBackend, type FakeCall } from "./fake-backend.ts";
import type { ChatRequest, ChatStreamEvent } from "./protocol.ts";
import { isChatBackend } from "./protocol.ts";

const request = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [{ role: "user", content: "task" }],
  ...extra,
});

async function collect(stream: AsyncIterable<ChatStreamEvent>) {
  const events: ChatStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events, error: undefined as unknown };
  } catch (error) {
    return { events, error };
  }
}

describe("FakeChatBackend", () => {
  test("plays one scripted call per request and records the requests", async () => {
    const calls: FakeCall[] = [
      {
        events: [
          { type: "tool_calls", tool_calls: [{ call_id: "c1", name: "file_write", raw_arguments: '{"path":"a"}' }] },
          { type: "completed", finish_reason: "tool_calls" },
        ],
      },
      { events: [{ type: "text_delta", text: "done" }, { type: "completed", finish_reason: "stop" }] },
    ];
    const backend = new FakeChatBackend(calls);
    expect(isChatBackend(backend)).toBe(true);
    const first = await collect(backend.streamChat(request()));
    expect(first.events.map((e) => e.type)).toEqual(["tool_calls", "completed"]);
    const second = await collect(backend.streamChat(request({ model: "m2" })));
    expect(second.events).toEqual(calls[1]!.events as ChatStreamEvent[]);
    expect(backend.requests.map((r) => r.model)).toEqual([undefined, "m2"]);
    expect(backend.remaining).toBe(0);
  });

  test("appends completed(fake_eof) when the call has none and stops at completed", async () => {
    const backend = new FakeChatBackend([
      { events: [{ type: "text_delta", text: "a" }] },
      { events: [{ type: "completed", finish_reason: "stop" }, { type: "text_delta", text: "ignored" }] },
    ]);
    expect((await collect(backend.streamChat(request()))).events.at(-1)).toEqual({
      type: "completed",
      finish_reason: "fake_eof",
    });
    expect((await collect(backend.streamChat(request()))).events).toEqual([{ type: "completed", finish_reason: "stop" }]);
  });

  test("an exhausted script is a config_error", async () => {
    const backend = new FakeChatBackend([]);
    const { error } = await collect(backend.streamChat(request()));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).kind).toBe("config_error");
    expect((error as ConfigError).message).toBe("fake backend script exhausted");
  });

  test("raises scripted errors with their kind, status and retry-after", async () => {
    const backend = new FakeChatBackend([
      { events: [{ type: "text_delta", text: "x" }, { type: "error", kind: "rate_limited", status_code: 429, retry_after_ms: 2000 }] },
      { events: [{ type: "error", kind: "config_error", message: "bad" }] },
      { events: [{ type: "error", kind: "unknown", message: "boom" }] },
    ]);
    const first = await collect(backend.streamChat(request()));
    expect(first.events).toEqual([{ type: "text_delta", text: "x" }]);
    expect(first.error).toBeInstanceOf(LlmError);
    expect((first.error as LlmError).toJSON()).toMatchObject({ kind: "rate_limited", message: "HTTP 429", retry_after_ms: 2000 });
    expect(((await collect(backend.streamChat(request()))).error as ConfigError).kind).toBe("config_error");
    const third = (await collect(backend.streamChat(request()))).error;
    expect(third).toBeInstanceOf(Error);
    expect(third).not.toBeInstanceOf(LlmError);
  });

  test("passes a scripted retry payload to onRetry unchanged", async () => {
    const payload = { attempt: 1, max_retries: 3, delay_ms: 250, reason: "request_error" };
    const seen: unknown[] = [];
    const backend = new FakeChatBackend([{ events: [{ type: "retry", payload }, { type: "text_delta", text: "ok" }] }]);
    await collect(backend.streamChat(request({ onRetry: (p) => void seen.push(p) })));
    expect(seen).toEqual([payload]);
  });

  test("a wait step is cut short by the abort signal", async () => {
    const backend = new FakeChatBackend([{ events: [{ type: "text_delta", text: "a" }, { type: "wait", ms: 60_000 }] }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const { events, error } = await collect(backend.streamChat(request({ signal: controller.signal })));
    expect(events).toEqual([{ type: "text_delta", text: "a" }]);
    expect((error as LlmError).kind).toBe("cancelled");
  });

  test("rejects an invalid script at construction", () => {
    expect(() => new FakeChatBackend([{ events: [{ type: "nope" }] }] as unknown as FakeCall[])).toThrow(ConfigError);
  });
});
