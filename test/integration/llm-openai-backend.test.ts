import { afterEach, describe, expect, test } from "bun:test";
import { ask, collect, createBackendHarness, texts } from "../fakes/openai-harness.ts";
import { chunk, errorReply, textReply, toolCallChunks, usageChunk } from "../fakes/openai-server.ts";

const harness = createBackendHarness();
const setup = harness.setup;
afterEach(() => harness.cleanup());

describe("OpenAIChatBackend over HTTP: streaming", () => {
  test("streams text, usage and one completed; sends the expected request", async () => {
    const { server, backend } = setup([{ kind: "sse", chunks: textReply(["Hel", "lo"]) }]);
    const { events, error } = await collect(backend.streamChat(ask({ temperature: 0.2 })));
    expect(error).toBeUndefined();
    expect(texts(events)).toEqual(["Hel", "lo"]);
    expect(events.at(-2)).toEqual({
      type: "usage",
      usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
      model: "fake-model",
      provider: "openai",
      request_id: "chatcmpl-fake",
    });
    expect(events.at(-1)).toEqual({
      type: "completed",
      finish_reason: "stop",
      provider: "openai",
      request_id: "chatcmpl-fake",
    });
    const [req] = server.chatRequests;
    expect(req?.headers.authorization).toBe("Bearer sk-test");
    expect(req?.body).toMatchObject({
      model: "fake-model",
      stream: true,
      temperature: 0.2,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "hi" }],
    });
    expect((req?.body as Record<string, unknown>).tools).toBeUndefined();
  });

  test("assembles interleaved tool-call fragments into complete calls", async () => {
    const a = toolCallChunks(0, "file_write", ['{"path":', '"a.txt"}'], "call_a");
    const b = toolCallChunks(1, "shell_command", ['{"command"', ':"ls"}'], "call_b");
    const chunks = [a[0]!, b[0]!, a[1]!, b[1]!, a[2]!, b[2]!, chunk({}, { finish_reason: "tool_calls" }), usageChunk(9, 4)];
    const { backend, server } = setup([{ kind: "sse", chunks }]);
    const tools = [{ type: "function" as const, function: { name: "file_write", parameters: { type: "object" } } }];
    const { events, error } = await collect(backend.streamChat(ask({ tools, model: "other-model" })));
    expect(error).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(["tool_calls", "usage", "completed"]);
    expect(events[0]).toEqual({
      type: "tool_calls",
      tool_calls: [
        { call_id: "call_a", name: "file_write", raw_arguments: '{"path":"a.txt"}' },
        { call_id: "call_b", name: "shell_command", raw_arguments: '{"command":"ls"}' },
      ],
    });
    expect(events[2]).toMatchObject({ finish_reason: "tool_calls" });
    expect(server.chatRequests[0]?.body).toMatchObject({ model: "other-model", tools });
  });

  test("accepts a non-streamed JSON completion", async () => {
    const body = {
      id: "chatcmpl-json",
      model: "fake-model",
      choices: [{ index: 0, message: { role: "assistant", content: "whole answer" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    };
    const { backend } = setup([{ kind: "json", body }]);
    const { events } = await collect(backend.streamChat(ask()));
    expect(texts(events)).toEqual(["whole answer"]);
    expect(events.map((e) => e.type)).toEqual(["text_delta", "usage", "completed"]);
  });

  test("a 400 saying the prompt is too long is context_length_exceeded", async () => {
    const message = "This model's maximum context length is 4096 tokens. However, you requested 9000 tokens.";
    const { backend } = setup([errorReply(400, message), errorReply(400, message)]);
    const { error } = await collect(backend.streamChat(ask()));
    expect(error?.kind).toBe("context_length_exceeded");
    expect(error?.message).toBe(`HTTP 400: ${message}`);
  });

  test("finish_reason length raises context_length_exceeded", async () => {
    const { backend } = setup([{ kind: "sse", chunks: [chunk({ content: "abc" }), chunk({}, { finish_reason: "length" })] }]);
    const { events, error } = await collect(backend.streamChat(ask()));
    expect(texts(events)).toEqual(["abc"]);
    expect(error?.kind).toBe("context_length_exceeded");
  });

  test("falls back once without stream_options when the server rejects them", async () => {
    const { backend, server } = setup([
      errorReply(400, "Unrecognized request argument supplied: stream_options"),
      { kind: "sse", chunks: textReply(["ok"]) },
      { kind: "sse", chunks: textReply(["again"]) },
    ]);
    const retries: unknown[] = [];
    const first = await collect(backend.streamChat(ask({ onRetry: (p) => void retries.push(p) })));
    expect(first.error).toBeUndefined();
    expect(texts(first.events)).toEqual(["ok"]);
    expect(retries).toEqual([]);
    const bodies = server.chatRequests.map((r) => r.body as Record<string, unknown>);
    expect(bodies[0]?.stream_options).toEqual({ include_usage: true });
    expect(bodies[1]?.stream_options).toBeUndefined();
    await collect(backend.streamChat(ask()));
    expect((server.chatRequests[2]?.body as Record<string, unknown>).stream_options).toBeUndefined();
  });

  test("a stream that ends cleanly without [DONE] still completes", async () => {
    const { backend } = setup([{ kind: "sse", chunks: [chunk({ content: "x" })], done: false }]);
    const { events, error } = await collect(backend.streamChat(ask()));
    expect(error).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: "completed", finish_reason: "eof" });
  });

  test("an error payload inside the stream is a stream_error, not retried", async () => {
    const { backend, server } = setup([
      { kind: "sse", chunks: [chunk({ content: "x" }), { error: { message: "upstream overloaded" } }] },
      { kind: "sse", chunks: textReply(["never"]) },
    ]);
    const { events, error } = await collect(backend.streamChat(ask()));
    expect(texts(events)).toEqual(["x"]);
    expect(error?.kind).toBe("llm_error");
    expect(error?.details.kind).toBe("stream_error");
    expect(error?.message).toContain("upstream overloaded");
    expect(server.chatRequests).toHaveLength(1);
  });

  test("a malformed chunk is an invalid_response llm_error", async () => {
    const { backend } = setup([{ kind: "sse", chunks: [chunk({ content: "x" }), "{not json"] }]);
    const { error } = await collect(backend.streamChat(ask()));
    expect(error?.kind).toBe("llm_error");
    expect(error?.details.kind).toBe("invalid_response");
  });

  test("a consumer may stop reading early; the backend stays usable", async () => {
    const { backend, server } = setup([
      { kind: "sse", chunks: textReply(["a", "b", "c"]), delayMs: 20 },
      { kind: "sse", chunks: textReply(["next"]) },
    ]);
    for await (const event of backend.streamChat(ask())) {
      expect(event).toEqual({ type: "text_delta", text: "a" });
      break;
    }
    const { events } = await collect(backend.streamChat(ask()));
    expect(texts(events)).toEqual(["next"]);
    expect(server.chatRequests).toHaveLength(2);
  });
});
