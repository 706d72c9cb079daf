/**
 * Typed LLM errors. Each maps to a run-level error_kind of spec 10.1:
 *
 * | kind                      | from                                   | retryable (run level) |
 * |---------------------------|----------------------------------------|-----------------------|
 * | `auth_error`              | HTTP 401 / 403                          | false                 |
 * | `rate_limited`            | HTTP 429 (retry_after_ms from headers)  | true                  |
 * | `server_error`            | HTTP 5xx                                | true                  |
 * | `http_error`              | any other HTTP status                   | false                 |
 * | `context_length_exceeded` | finish_reason "length", or an HTTP error whose body says the context is too long | false |
 * | `llm_error`               | timeout / request error (`details.kind`), other LLM failures | true   |
 * | `cancelled`               | the caller's AbortSignal fired          | false                 |
 *
 * `retryable` is the run-level flag of the table. Whether the transport retries a failed attempt
 * by itself is a separate question answered by `isTransient` (408/409/429/5xx, timeouts, transport
 * errors).
 */
import { RuntimeError, type ErrorKind } from "../util/errors.ts";

export type LlmErrorKind = Extract<
  ErrorKind,
  | "llm_error"
  | "auth_error"
  | "rate_limited"
  | "server_error"
  | "http_error"
  | "context_length_exceeded"
  | "cancelled"
>;

/** What went wrong below HTTP, in `details.kind` of an `llm_error`. */
export type LlmFailureKind = "timeout" | "request_error" | "stream_error" | "invalid_response";

export const MAX_HTTP_MESSAGE_CHARS = 800;
const TRUNCATION_MARK = "...<truncated>";

export interface LlmErrorOptions {
  statusCode?: number;
  retryAfterMs?: number;
  retryable?: boolean;
  details?: Record<string, unknown>;
  cause?: unknown;
}

const DEFAULT_RETRYABLE: Record<LlmErrorKind, boolean> = {
  llm_error: true,
  auth_error: false,
  rate_limited: true,
  server_error: true,
  http_error: false,
  context_length_exceeded: false,
  cancelled: false,
};

export class LlmError extends RuntimeError {
  declare readonly kind: LlmErrorKind;
  readonly retryable: boolean;
  readonly statusCode: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(kind: LlmErrorKind, message: string, options: LlmErrorOptions = {}) {
    const details: Record<string, unknown> = { ...options.details };
    if (options.statusCode !== undefined) details.status_code = options.statusCode;
    super(kind, message, { details, cause: options.cause });
    this.name = "LlmError";
    this.retryable = options.retryable ?? DEFAULT_RETRYABLE[kind];
    this.statusCode = options.statusCode;
    this.retryAfterMs = options.retryAfterMs;
  }

  override toJSON(): ReturnType<RuntimeError["toJSON"]> & { retryable: boolean; retry_after_ms?: number } {
    return {
      ...super.toJSON(),
      retryable: this.retryable,
      ...(this.retryAfterMs !== undefined ? { retry_after_ms: this.retryAfterMs } : {}),
    };
  }
}

export function isLlmError(value: unknown): value is LlmError {
  return value instanceof LlmError;
}

/** True when the transport may retry the failed attempt (nothing was streamed yet). */
export function isTransient(error: LlmError): boolean {
  const status = error.statusCode;
  if (status !== undefined) return status === 408 || status === 409 || status === 429 || status >= 500;
  if (error.kind !== "llm_error") return false;
  const kind = error.details.kind;
  return kind === "timeout" || kind === "request_error";
}

export function kindForStatus(status: number): LlmErrorKind {
  if (status === 401 || status === 403) return "auth_error";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server_error";
  return "http_error";
}

/** `HTTP <code>` or `HTTP <code>: <message>`, capped at 800 characters plus `...<truncated>`. */
export function formatHttpMessage(status: number, providerMessage?: string): string {
  const text = providerMessage?.trim();
  const full = text ? `HTTP ${status}: ${text}` : `HTTP ${status}`;
  return full.length > MAX_HTTP_MESSAGE_CHARS ? full.slice(0, MAX_HTTP_MESSAGE_CHARS) + TRUNCATION_MARK : full;
}

/**
 * Milliseconds a server asks us to wait: `retry-after-ms`, else `Retry-After` in seconds (a
 * positive number; HTTP dates are ignored). Undefined when absent, zero or unparsable.
 */
export function parseRetryAfterMs(headers: Headers | undefined | null): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get("retry-after-ms")?.trim() || Number.NaN);
  if (Number.isFinite(ms) && ms > 0) return Math.round(ms);
  const seconds = Number(headers.get("retry-after")?.trim() || Number.NaN);
  if (Number.isFinite(seconds) && seconds > 0) return Math.round(seconds * 1000);
  return undefined;
}

const CONTEXT_LENGTH_PATTERNS = [
  /context[_ ]length[_ ]exceeded/i,
  /maximum context length/i,
  /context (?:window|size|length)/i,
  /prompt is too long/i,
  /too many (?:input )?tokens/i,
  /exceeds? the (?:available )?context/i,
];

/** Whether a provider error (code or message) says the prompt does not fit the model's context. */
export function isContextLengthMessage(code: unknown, message: string | undefined): boolean {
  if (code === "context_length_exceeded" || code === "string_above_max_length") return true;
  if (!message) return false;
  return CONTEXT_LENGTH_PATTERNS.some((pattern) => pattern.test(message));
}

export interface HttpErrorInput {
  status: number;
  /** `error.message` of an OpenAI-style body, or the raw body text. */
  providerMessage?: string;
  /** `error.code` of an OpenAI-style body. */
  providerCode?: unknown;
  headers?: Headers | null;
  provider?: string;
  requestId?: string;
  cause?: unknown;
}

/** Maps an HTTP error response to its LlmError (spec 10.1), detecting context-length overflows. */
export function httpStatusError(input: HttpErrorInput): LlmError {
  const { status } = input;
  const retryAfterMs = parseRetryAfterMs(input.headers);
  const contextOverflow =
    (status === 400 || status === 413 || status === 422) &&
    isContextLengthMessage(input.providerCode, input.providerMessage);
  const kind = contextOverflow ? "context_length_exceeded" : kindForStatus(status);
  return new LlmError(kind, formatHttpMessage(status, input.providerMessage), {
    statusCode: status,
    retryAfterMs,
    cause: input.cause,
    details: {
      ...(input.provider ? { provider: input.provider } : {}),
      ...(input.requestId ? { request_id: input.requestId } : {}),
    },
  });
}

export function timeoutError(timeoutMs: number, options: { afterOutput?: boolean; cause?: unknown } = {}): LlmError {
  const seconds = Number((timeoutMs / 1000).toFixed(3));
  const what = options.afterOutput ? "LLM stream stalled after output was streamed" : "LLM request timed out";
  return new LlmError("llm_error", `${what}: no data for ${seconds}s`, {
    cause: options.cause,
    details: { kind: "timeout", ...(options.afterOutput ? { after_output: true } : {}) },
  });
}

/** A transport failure (connection refused, reset, cut mid-stream). */
export function requestError(detail: string, options: { afterOutput?: boolean; cause?: unknown } = {}): LlmError {
  const message = options.afterOutput
    ? `LLM stream broke after output was streamed (not retried, to avoid duplicate output): ${detail}`
    : `LLM request failed: ${detail}`;
  return new LlmError("llm_error", message, {
    cause: options.cause,
    details: { kind: "request_error", ...(options.afterOutput ? { after_output: true } : {}) },
  });
}

export function contextLengthExceededError(detail = "finish_reason: length"): LlmError {
  return new LlmError("context_length_exceeded", `Context length exceeded (${detail})`);
}

export function cancelledError(cause?: unknown): LlmError {
  return new LlmError("cancelled", "LLM request cancelled", { cause });
}
