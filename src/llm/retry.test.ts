import { describe, expect, test } from "bun:test";
import { LlmError, httpStatusError, requestError } from "./errors.ts";
import {
  DEFAULT_RETRY_POLICY,
  RetryPolicy,
  abortableSleep,
  backoffDelayMs,
  retryScheduledPayload,
  streamWithRetry,
} from "./retry.ts";

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({ ...DEFAULT_RETRY_POLICY, ...overrides });

describe("backoffDelayMs", () => {
  test("doubles from the base and stops at the cap", () => {
    const p = policy({ baseDelaySec: 0.5, capDelaySec: 8, jitterRatio: 0 });
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelayMs(p, a))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  test("adds jitter up to ratio times the delay, never beyond the cap", () => {
    const p = policy({ baseDelaySec: 1, capDelaySec: 8, jitterRatio: 0.1 });
    expect(backoffDelayMs(p, 0, () => 0)).toBe(1000);
    expect(backoffDelayMs(p, 0, () => 0.5)).toBe(1050);
    expect(backoffDelayMs(p, 3, () => 0.99)).toBe(8000);
  });

  test("zero base, cap or jitter mean zero, not the defaults", () => {
    expect(backoffDelayMs(policy({ baseDelaySec: 0 }), 3, () => 0.9)).toBe(0);
    expect(backoffDelayMs(policy({ capDelaySec: 0 }), 0, () => 0.9)).toBe(0);
    expect(backoffDelayMs(policy({ baseDelaySec: 1, jitterRatio: 0 }), 0, () => 0.9)).toBe(1000);
  });

  test("the policy schema accepts zeros and rejects negatives", () => {
    expect(RetryPolicy.safeParse({ maxRetries: 0, baseDelaySec: 0, capDelaySec: 0, jitterRatio: 0 }).success).toBe(true);
    expect(RetryPolicy.safeParse({ maxRetries: -1, baseDelaySec: 0, capDelaySec: 0, jitterRatio: 0 }).success).toBe(false);
    expect(RetryPolicy.safeParse({ maxRetries: 1, baseDelaySec: 0, capDelaySec: 0, jitterRatio: 2 }).success).toBe(false);
  });
});

describe("retryScheduledPayload", () => {
  test("describes an HTTP failure with its status and retry-after", () => {
    const error = httpStatusError({ status: 429, headers: new Headers({ "retry-after": "1" }) });
    expect(retryScheduledPayload(error, { provider: "openai", attempt: 0, maxRetries: 3, delayMs: 1000 })).toEqual({
      provider: "openai",
      error_kind: "http_status",
      status_code: 429,
      attempt: 0,
      max_retries: 3,
      retry_after_ms: 1000,
      delay_ms: 1000,
    });
  });

  test("describes a transport failure without status and with a null retry-after", () => {
    expect(retryScheduledPayload(requestError("reset"), { provider: "p", attempt: 2, maxRetries: 3, delayMs: 7 })).toEqual(
      { provider: "p", error_kind: "request_error", attempt: 2, max_retries: 3, retry_after_ms: null, delay_ms: 7 },
    );
  });
});

/** An attempt source that fails with `failures[i]` on attempt i, then yields `events`. */
function scripted(failures: Error[], events: string[] = ["a", "b"], yieldBeforeFailing = false) {
  const attempts: number[] = [];
  const open = async function* (attempt: number) {
    attempts.push(attempt);
    const failure = failures[attempt];
    if (failure) {
      if (yieldBeforeFailing) yield "partial";
      throw failure;
    }
    yield* events;
  };
  return { open, attempts };
}

async function run<T>(iterable: AsyncIterable<T>) {
  const out: T[] = [];
  try {
    for await (const item of iterable) out.push(item);
    return { out, error: undefined };
  } catch (error) {
    return { out, error };
  }
}

describe("streamWithRetry", () => {
  const noWait = { sleep: async () => {}, random: () => 0 };

  test("retries transient failures with increasing delays and reports each retry", async () => {
    const { open, attempts } = scripted([httpStatusError({ status: 500 }), requestError("reset")]);
    const delays: number[] = [];
    const retries: Record<string, unknown>[] = [];
    const result = await run(
      streamWithRetry(open, {
        policy: policy({ maxRetries: 3, baseDelaySec: 0.1, capDelaySec: 1, jitterRatio: 0 }),
        provider: "openai",
        onRetry: (p) => void retries.push({ ...p }),
        sleep: async (ms) => void delays.push(ms),
      }),
    );
    expect(result.out).toEqual(["a", "b"]);
    expect(attempts).toEqual([0, 1, 2]);
    expect(delays).toEqual([100, 200]);
    expect(retries.map((r) => [r.error_kind, r.attempt, r.delay_ms])).toEqual([
      ["http_status", 0, 100],
      ["request_error", 1, 200],
    ]);
  });

  test("honours the server's retry-after instead of the backoff", async () => {
    const error = httpStatusError({ status: 503, headers: new Headers({ "retry-after": "3" }) });
    const { open } = scripted([error]);
    const delays: number[] = [];
    await run(streamWithRetry(open, { policy: policy(), provider: "x", sleep: async (ms) => void delays.push(ms) }));
    expect(delays).toEqual([3000]);
  });

  test("maxRetries 0 makes exactly one attempt", async () => {
    const { open, attempts } = scripted([httpStatusError({ status: 500 })]);
    const result = await run(streamWithRetry(open, { policy: policy({ maxRetries: 0 }), provider: "x", ...noWait }));
    expect((result.error as LlmError).kind).toBe("server_error");
    expect(attempts).toEqual([0]);
  });

  test("stops after maxRetries retries and throws the last error", async () => {
    const failures = [500, 502, 503, 504].map((status) => httpStatusError({ status }));
    const { open, attempts } = scripted(failures);
    const result = await run(streamWithRetry(open, { policy: policy({ maxRetries: 2 }), provider: "x", ...noWait }));
    expect(attempts).toEqual([0, 1, 2]);
    expect((result.error as LlmError).statusCode).toBe(503);
  });

  test("does not retry non-transient errors or foreign errors", async () => {
    for (const failure of [httpStatusError({ status: 401 }), new Error("bug")]) {
      const { open, attempts } = scripted([failure]);
      const result = await run(streamWithRetry(open, { policy: policy(), provider: "x", ...noWait }));
      expect(result.error).toBe(failure);
      expect(attempts).toEqual([0]);
    }
  });

  test("never retries once an attempt has yielded output", async () => {
    const failure = requestError("cut");
    const { open, attempts } = scripted([failure], ["a"], true);
    const result = await run(streamWithRetry(open, { policy: policy(), provider: "x", ...noWait }));
    expect(result.out).toEqual(["partial"]);
    expect(result.error).toBe(failure);
    expect(attempts).toEqual([0]);
  });

  test("an aborted signal stops before the first attempt and during the delay", async () => {
    const controller = new AbortController();
    controller.abort();
    const first = scripted([]);
    const before = await run(streamWithRetry(first.open, { policy: policy(), provider: "x", signal: controller.signal }));
    expect((before.error as LlmError).kind).toBe("cancelled");
    expect(first.attempts).toEqual([]);

    const live = new AbortController();
    const second = scripted([httpStatusError({ status: 500 })]);
    const during = await run(
      streamWithRetry(second.open, {
        policy: policy({ baseDelaySec: 60, capDelaySec: 60 }),
        provider: "x",
        signal: live.signal,
        onRetry: () => live.abort(),
      }),
    );
    expect((during.error as LlmError).kind).toBe("cancelled");
    expect(second.attempts).toEqual([0]);
  });
});

describe("abortableSleep", () => {
  test("rejects with cancelled when aborted", async () => {
    const controller = new AbortController();
    const pending = abortableSleep(60_000, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: "cancelled" });
  });

  test("resolves immediately for zero", async () => {
    await expect(abortableSleep(0)).resolves.toBeUndefined();
  });
});
