/**
 * Retrying a streamed LLM call (spec 9.4, decisions item 7).
 *
 * - An attempt that failed before yielding anything is retried when the error is transient
 *   (408/409/429/5xx, timeouts, transport errors), up to `maxRetries` times.
 * - Once an attempt has yielded output, its failure is final: retrying would duplicate output.
 * - Delay: the server's retry-after when it gave one, otherwise
 *   `min(cap, base * 2^attempt)` plus uniform jitter in `[0, that * jitterRatio]`, capped at `cap`.
 * - Zero means zero: `maxRetries: 0` never retries; base/cap/jitter of 0 are honoured as 0
 *   (the reference replaced them with defaults; we do not).
 */
import { z } from "zod";
import { cancelledError, isLlmError, isTransient, type LlmError } from "./errors.ts";
import type { OnRetry, RetryScheduled } from "./protocol.ts";

export const RetryPolicy = z.object({
  maxRetries: z.number().int().min(0),
  baseDelaySec: z.number().min(0),
  capDelaySec: z.number().min(0),
  jitterRatio: z.number().min(0).max(1),
});
export type RetryPolicy = z.infer<typeof RetryPolicy>;

/** The seed's defaults (`llm.retry.*` in default.yaml). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 3,
  baseDelaySec: 0.5,
  capDelaySec: 8,
  jitterRatio: 0.1,
};

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;
export type Random = () => number;

/** Exponential backoff with additive jitter, in whole milliseconds. `random` returns [0, 1). */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: Random = Math.random): number {
  const capMs = policy.capDelaySec * 1000;
  const baseMs = Math.min(capMs, policy.baseDelaySec * 1000 * 2 ** attempt);
  const jitterMs = baseMs * policy.jitterRatio * random();
  return Math.round(Math.min(capMs, baseMs + jitterMs));
}

/** The delay before retrying after `error`: its retry-after when present, else the backoff. */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  error: LlmError,
  random: Random = Math.random,
): number {
  return error.retryAfterMs ?? backoffDelayMs(policy, attempt, random);
}

/** Resolves after `ms`, or rejects with a `cancelled` LlmError when `signal` fires first. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(cancelledError(signal.reason));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export interface StreamWithRetryOptions {
  policy: RetryPolicy;
  /** Reported in the `onRetry` payload, e.g. "openai". */
  provider: string;
  onRetry?: OnRetry | undefined;
  signal?: AbortSignal | undefined;
  sleep?: Sleep;
  random?: Random;
}

/** Builds the `llm_retry_scheduled` payload for one scheduled retry. */
export function retryScheduledPayload(
  error: LlmError,
  meta: { provider: string; attempt: number; maxRetries: number; delayMs: number },
): RetryScheduled {
  const status = error.statusCode;
  return {
    provider: meta.provider,
    error_kind: status === undefined ? "request_error" : "http_status",
    ...(status === undefined ? {} : { status_code: status }),
    attempt: meta.attempt,
    max_retries: meta.maxRetries,
    retry_after_ms: status === undefined ? null : (error.retryAfterMs ?? null),
    delay_ms: meta.delayMs,
  };
}

/**
 * Runs `open(attempt)` and re-yields its events, retrying transient failures that happen before
 * the first event. Errors that are not `LlmError`s pass through untouched and are never retried.
 */
export async function* streamWithRetry<T>(
  open: (attempt: number) => AsyncIterable<T>,
  options: StreamWithRetryOptions,
): AsyncGenerator<T, void, undefined> {
  const { policy, signal } = options;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 0; ; attempt += 1) {
    if (signal?.aborted) throw cancelledError(signal.reason);
    let yielded = false;
    try {
      for await (const event of open(attempt)) {
        yielded = true;
        yield event;
      }
      return;
    } catch (error) {
      if (!isLlmError(error) || yielded || signal?.aborted) throw error;
      if (!isTransient(error) || attempt >= policy.maxRetries) throw error;
      const delayMs = retryDelayMs(policy, attempt, error, random);
      options.onRetry?.(
        retryScheduledPayload(error, {
          provider: options.provider,
          attempt,
          maxRetries: policy.maxRetries,
          delayMs,
        }),
      );
      await sleep(delayMs, signal);
    }
  }
}
