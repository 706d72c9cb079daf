import { afterEach, describe, expect, test } from "bun:test";
import { ask, collect, createBackendHarness, texts } from "../fakes/openai-harness.ts";
import { LlmError } from "../../src/llm/errors.ts";
import { OpenAIChatBackend } from "../../src/llm/openai-backend.ts";
import type { ChatStreamEvent } from "../../src/llm/protocol.ts";
import { errorReply, startFakeOpenAIServer, textReply } from "../fakes/openai-server.ts";

const harness = createBackendHarness();
const setup = harness.setup;
afterEach(() => harness.cleanup());

describe("OpenAIChatBackend over HTTP: retries, timeouts, cancellation", () => {
  test("retries a 429 after the server's retry-after and reports the retry", async () => {
    const { backend, server } = setup([
      errorReply(429, "slow down", { "retry-after": "0.05" }),
      { kind: "sse", chunks: textReply(["ok"]) },
    ]);
    const retries: Record<string, unknown>[] = [];
    const started = performance.now();
    const { events, error } = await collect(backend.streamChat(ask({ onRetry: (p) => void retries.push({ ...p }) })));
    expect(error).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(40);
    expect(texts(events)).toEqual(["ok"]);
    expect(retries).toEqual([
      {
        provider: "openai",
        error_kind: "http_status",
        status_code: 429,
        attempt: 0,
        max_retries: 2,
        retry_after_ms: 50,
        delay_ms: 50,
      },
    ]);
    expect(server.chatRequests).toHaveLength(2);
  });

  test("retries a 500 with exponential backoff, then succeeds", async () => {
    const { backend } = setup([errorReply(500, "boom"), errorReply(502), { kind: "sse", chunks: textReply(["fine"]) }]);
    const retries: Record<string, unknown>[] = [];
    const { events, error } = await collect(backend.streamChat(ask({ onRetry: (p) => void retries.push({ ...p }) })));
    expect(error).toBeUndefined();
    expect(texts(events)).toEqual(["fine"]);
    expect(retries.map((r) => [r.status_code, r.attempt, r.delay_ms, r.retry_after_ms])).toEqual([
      [500, 0, 10, null],
      [502, 1, 20, null],
    ]);
  });

  test("gives up with server_error when retries are exhausted", async () => {
    const { backend, server } = setup([errorReply(500, "boom"), errorReply(500, "boom again")], {
      retry: { maxRetries: 1, baseDelaySec: 0, capDelaySec: 0, jitterRatio: 0 },
    });
    const { error } = await collect(backend.streamChat(ask()));
    expect(error).toBeInstanceOf(LlmError);
    expect(error?.kind).toBe("server_error");
    expect(error?.message).toBe("HTTP 500: boom again");
    expect(error?.retryable).toBe(true);
    expect(error?.details.status_code).toBe(500);
    expect(server.chatRequests).toHaveLength(2);
  });

  test("max_retries 0 means a single attempt", async () => {
    const { backend, server } = setup([errorReply(503), { kind: "sse", chunks: textReply(["never"]) }], {
      retry: { maxRetries: 0, baseDelaySec: 0.5, capDelaySec: 8, jitterRatio: 0.1 },
    });
    const { error } = await collect(backend.streamChat(ask()));
    expect(error?.kind).toBe("server_error");
    expect(error?.message).toBe("HTTP 503");
    expect(server.chatRequests).toHaveLength(1);
  });

  test("401 is an auth_error and is not retried", async () => {
    const { backend, server } = setup([errorReply(401, "Incorrect API key provided")]);
    const { error } = await collect(backend.streamChat(ask()));
    expect(error?.kind).toBe("auth_error");
    expect(error?.retryable).toBe(false);
    expect(error?.message).toBe("HTTP 401: Incorrect API key provided");
    expect(server.chatRequests).toHaveLength(1);
  });

  test("a stream cut before any output is retried", async () => {
    const { backend, server } = setup([
      { kind: "sse", chunks: textReply(["lost"]), breakAfter: 1 },
      { kind: "sse", chunks: textReply(["second"]) },
    ]);
    const retries: Record<string, unknown>[] = [];
    const { events, error } = await collect(backend.streamChat(ask({ onRetry: (p) => void retries.push({ ...p }) })));
    expect(error).toBeUndefined();
    expect(texts(events)).toEqual(["second"]);
    expect(retries[0]).toMatchObject({ error_kind: "request_error", retry_after_ms: null, attempt: 0 });
    expect(server.chatRequests).toHaveLength(2);
  });

  test("a stream cut after output fails clearly without duplicating output", async () => {
    const { backend, server } = setup([
      { kind: "sse", chunks: textReply(["part", "rest"]), breakAfter: 2 },
      { kind: "sse", chunks: textReply(["never"]) },
    ]);
    const { events, error } = await collect(backend.streamChat(ask()));
    expect(texts(events)).toEqual(["part"]);
    expect(error?.kind).toBe("llm_error");
    expect(error?.details).toMatchObject({ kind: "request_error", after_output: true });
    expect(error?.message).toContain("after output");
    expect(error?.message).not.toContain("verbose");
    expect(server.chatRequests).toHaveLength(1);
  });

  test("times out waiting for headers, and retries the timeout", async () => {
    const { backend, server } = setup([{ kind: "hang" }, { kind: "sse", chunks: textReply(["late"]) }], {
      timeoutSec: 0.2,
    });
    const { events, error } = await collect(backend.streamChat(ask()));
    expect(error).toBeUndefined();
    expect(texts(events)).toEqual(["late"]);
    expect(server.chatRequests).toHaveLength(2);
  });

  test("a stream that stalls longer than the timeout is an llm_error timeout", async () => {
    const { backend } = setup([{ kind: "sse", chunks: textReply(["a", "b"]), stallAfter: 2 }], {
      timeoutSec: 0.2,
      retry: { maxRetries: 0, baseDelaySec: 0, capDelaySec: 0, jitterRatio: 0 },
    });
    const { events, error } = await collect(backend.streamChat(ask()));
    expect(texts(events)).toEqual(["a"]);
    expect(error?.kind).toBe("llm_error");
    expect(error?.details).toMatchObject({ kind: "timeout", after_output: true });
  });

  test("slow chunks within the timeout are fine", async () => {
    const { backend } = setup([{ kind: "sse", chunks: textReply(["x", "y", "z"]), delayMs: 60 }], { timeoutSec: 0.5 });
    const { events, error } = await collect(backend.streamChat(ask()));
    expect(error).toBeUndefined();
    expect(texts(events)).toEqual(["x", "y", "z"]);
  });

  test("aborting the signal cancels a pending request", async () => {
    const { backend } = setup([{ kind: "hang" }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    const { error } = await collect(backend.streamChat(ask({ signal: controller.signal })));
    expect(error?.kind).toBe("cancelled");
    expect(performance.now() - started).toBeLessThan(3000);
  });

  test("aborting mid-stream ends the stream with cancelled", async () => {
    const { backend } = setup([{ kind: "sse", chunks: textReply(["a", "b"]), stallAfter: 2 }]);
    const controller = new AbortController();
    const events: ChatStreamEvent[] = [];
    let error: LlmError | undefined;
    try {
      for await (const event of backend.streamChat(ask({ signal: controller.signal }))) {
        events.push(event);
        controller.abort();
      }
    } catch (e) {
      error = e as LlmError;
    }
    expect(texts(events)).toEqual(["a"]);
    expect(error?.kind).toBe("cancelled");
  });

  test("aborting during the retry delay cancels without another request", async () => {
    const { backend, server } = setup([errorReply(429, "wait", { "retry-after": "5" })]);
    const controller = new AbortController();
    const { error } = await collect(
      backend.streamChat(ask({ signal: controller.signal, onRetry: () => setTimeout(() => controller.abort(), 20) })),
    );
    expect(error?.kind).toBe("cancelled");
    expect(server.chatRequests).toHaveLength(1);
  });

  test("a refused connection is a retried request_error", async () => {
    const probe = startFakeOpenAIServer();
    const deadUrl = probe.baseUrl;
    await probe.stop();
    const backend = new OpenAIChatBackend({
      baseUrl: deadUrl,
      apiKey: "sk-test",
      model: "m",
      timeoutSec: 2,
      retry: { maxRetries: 1, baseDelaySec: 0, capDelaySec: 0, jitterRatio: 0 },
    });
    const retries: Record<string, unknown>[] = [];
    const { error } = await collect(backend.streamChat(ask({ onRetry: (p) => void retries.push({ ...p }) })));
    expect(error?.kind).toBe("llm_error");
    expect(error?.details.kind).toBe("request_error");
    expect(retries).toHaveLength(1);
  });
});
