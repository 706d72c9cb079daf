import { describe, expect, test } from "bun:test";
import { ConfigError } from "../util/errors.ts";
import { OpenAIChatBackend, type OpenAIBackendOptions } from "./openai-backend.ts";

const retry = { maxRetries: 0, baseDelaySec: 0, capDelaySec: 0, jitterRatio: 0 };
const base: OpenAIBackendOptions = { baseUrl: "http://127.0.0.1:9/v1", apiKey: "k", model: "m", timeoutSec: 5, retry };

/** A fetch stub answering every call with one SSE text answer, recording what was asked. */
function sseFetch() {
  const calls: { url: string; headers: Headers; body: Record<string, unknown> }[] = [];
  const fn = (async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input as string, init);
    calls.push({ url: request.url, headers: request.headers, body: (await request.json()) as Record<string, unknown> });
    const sse = [
      `data: ${JSON.stringify({ id: "r", choices: [{ index: 0, delta: { content: "hi" }, finish_reason: "stop" }] })}`,
      "data: [DONE]",
      "",
    ].join("\n\n");
    return new Response(sse, { headers: { "content-type": "text/event-stream" } });
  }) as typeof fetch;
  return { fn, calls };
}

describe("OpenAIChatBackend construction", () => {
  test("refuses a missing API key with a config_error that names no variable", () => {
    let error: unknown;
    try {
      new OpenAIChatBackend({ ...base, apiKey: "" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      "Cannot create the OpenAI-compatible backend: no API key is configured (apiKey)",
    );
  });

  test("refuses a base URL that is not http(s) and a non-positive timeout", () => {
    expect(() => new OpenAIChatBackend({ ...base, baseUrl: "ftp://x" })).toThrow(ConfigError);
    expect(() => new OpenAIChatBackend({ ...base, timeoutSec: 0 })).toThrow(ConfigError);
    expect(() => new OpenAIChatBackend({ ...base, retry: { ...retry, maxRetries: -1 } })).toThrow(ConfigError);
  });

  test("strips trailing slashes from the base URL and posts to /chat/completions with the key", async () => {
    const { fn, calls } = sseFetch();
    const backend = new OpenAIChatBackend({ ...base, baseUrl: "http://127.0.0.1:9/v1//", fetch: fn });
    expect(backend.baseUrl).toBe("http://127.0.0.1:9/v1");
    const events = [];
    for await (const event of backend.streamChat({ messages: [{ role: "user", content: "x" }] })) events.push(event);
    expect(events).toEqual([
      { type: "text_delta", text: "hi" },
      { type: "completed", finish_reason: "stop", provider: "openai", request_id: "r" },
    ]);
    expect(calls[0]?.url).toBe("http://127.0.0.1:9/v1/chat/completions");
    expect(calls[0]?.headers.get("authorization")).toBe("Bearer k");
    expect(calls[0]?.headers.get("openai-organization")).toBeNull();
    expect(calls[0]?.body).toEqual({
      model: "m",
      messages: [{ role: "user", content: "x" }],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  test("sends caller stream_options as given, or none when null", async () => {
    const { fn, calls } = sseFetch();
    const backend = new OpenAIChatBackend({ ...base, fetch: fn, provider: "local" });
    const drain = async (iterable: AsyncIterable<unknown>) => {
      for await (const _ of iterable);
    };
    await drain(backend.streamChat({ messages: [], stream_options: { include_usage: false } }));
    await drain(backend.streamChat({ messages: [], stream_options: null, max_tokens: 5, top_p: 0.5 }));
    expect(calls[0]?.body.stream_options).toEqual({ include_usage: false });
    expect(calls[1]?.body.stream_options).toBeUndefined();
    expect(calls[1]?.body).toMatchObject({ max_tokens: 5, top_p: 0.5 });
    expect(backend.provider).toBe("local");
  });
});
