import { describe, expect, test } from "bun:test";
import {
  LlmError,
  formatHttpMessage,
  httpStatusError,
  isContextLengthMessage,
  isTransient,
  kindForStatus,
  parseRetryAfterMs,
  requestError,
  timeoutError,
} from "./errors.ts";
import { RuntimeError } from "../util/errors.ts";

describe("kindForStatus", () => {
  test("maps statuses to the run-level kinds of spec 10.1", () => {
    expect([401, 403, 429, 500, 503, 400, 404, 408].map(kindForStatus)).toEqual([
      "auth_error",
      "auth_error",
      "rate_limited",
      "server_error",
      "server_error",
      "http_error",
      "http_error",
      "http_error",
    ]);
  });
});

describe("formatHttpMessage", () => {
  test("is HTTP <code> without a provider message and HTTP <code>: <message> with one", () => {
    expect(formatHttpMessage(500)).toBe("HTTP 500");
    expect(formatHttpMessage(500, "  ")).toBe("HTTP 500");
    expect(formatHttpMessage(429, "Rate limit reached")).toBe("HTTP 429: Rate limit reached");
  });

  test("caps the message at 800 characters plus a truncation mark", () => {
    const message = formatHttpMessage(400, "x".repeat(2000));
    expect(message).toHaveLength(800 + "...<truncated>".length);
    expect(message.endsWith("x...<truncated>")).toBe(true);
    expect(formatHttpMessage(400, "y".repeat(790))).toHaveLength(800);
  });
});

describe("parseRetryAfterMs", () => {
  test("reads Retry-After seconds and retry-after-ms", () => {
    expect(parseRetryAfterMs(new Headers({ "retry-after": "2" }))).toBe(2000);
    expect(parseRetryAfterMs(new Headers({ "retry-after": "0.25" }))).toBe(250);
    expect(parseRetryAfterMs(new Headers({ "retry-after-ms": "120", "retry-after": "9" }))).toBe(120);
  });

  test("ignores zero, negative, dates and absent values", () => {
    expect(parseRetryAfterMs(new Headers({ "retry-after": "0" }))).toBeUndefined();
    expect(parseRetryAfterMs(new Headers({ "retry-after": "-3" }))).toBeUndefined();
    expect(parseRetryAfterMs(new Headers({ "retry-after": "Wed, 21 Oct 2015 07:28:00 GMT" }))).toBeUndefined();
    expect(parseRetryAfterMs(new Headers())).toBeUndefined();
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
  });
});

describe("httpStatusError", () => {
  test("429 is rate_limited, retryable, with retry_after_ms and status_code", () => {
    const error = httpStatusError({ status: 429, providerMessage: "slow", headers: new Headers({ "retry-after": "2" }) });
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error.kind).toBe("rate_limited");
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(2000);
    expect(error.toJSON()).toEqual({
      kind: "rate_limited",
      message: "HTTP 429: slow",
      details: { status_code: 429 },
      retryable: true,
      retry_after_ms: 2000,
    });
  });

  test("401 and other 4xx are not retryable; 5xx is", () => {
    expect(httpStatusError({ status: 401 }).retryable).toBe(false);
    expect(httpStatusError({ status: 404 }).retryable).toBe(false);
    expect(httpStatusError({ status: 502 }).retryable).toBe(true);
  });

  test("a 400 whose code or message says the context is too long is context_length_exceeded", () => {
    expect(httpStatusError({ status: 400, providerCode: "context_length_exceeded" }).kind).toBe("context_length_exceeded");
    expect(
      httpStatusError({ status: 400, providerMessage: "the request exceeds the available context size" }).kind,
    ).toBe("context_length_exceeded");
    expect(httpStatusError({ status: 400, providerMessage: "invalid tool schema" }).kind).toBe("http_error");
    expect(httpStatusError({ status: 500, providerMessage: "maximum context length" }).kind).toBe("server_error");
  });
});

describe("isContextLengthMessage", () => {
  test("recognises the usual provider phrasings", () => {
    for (const message of [
      "This model's maximum context length is 8192 tokens",
      "prompt is too long: 210000 tokens > 200000 maximum",
      "Input exceeds the context window",
      "context_length_exceeded",
    ]) {
      expect(isContextLengthMessage(undefined, message)).toBe(true);
    }
    expect(isContextLengthMessage(undefined, "model not found")).toBe(false);
  });
});

describe("isTransient", () => {
  test("408, 409, 429 and 5xx and transport failures are transient; 400/401 and cancels are not", () => {
    for (const status of [408, 409, 429, 500, 599]) expect(isTransient(httpStatusError({ status }))).toBe(true);
    for (const status of [400, 401, 403, 404, 422]) expect(isTransient(httpStatusError({ status }))).toBe(false);
    expect(isTransient(timeoutError(1000))).toBe(true);
    expect(isTransient(requestError("ECONNRESET"))).toBe(true);
    expect(isTransient(new LlmError("cancelled", "x"))).toBe(false);
    expect(isTransient(new LlmError("llm_error", "x", { details: { kind: "stream_error" } }))).toBe(false);
  });
});

describe("transport errors", () => {
  test("carry details.kind and say when output had already been streamed", () => {
    expect(timeoutError(1500).details).toEqual({ kind: "timeout" });
    expect(timeoutError(1500).message).toBe("LLM request timed out: no data for 1.5s");
    const broken = requestError("socket closed", { afterOutput: true });
    expect(broken.details).toEqual({ kind: "request_error", after_output: true });
    expect(broken.message).toContain("after output was streamed");
    expect(broken.kind).toBe("llm_error");
    expect(broken.retryable).toBe(true);
  });
});
