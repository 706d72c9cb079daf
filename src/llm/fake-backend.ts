/**
 * A scripted chat backend for offline runs and tests (spec 9.5).
 *
 * The script is a list of calls; each `streamChat` consumes the next call and plays its steps in
 * order, whatever the request says (requests are recorded for tests). Besides stream events a
 * step can raise an error, wait (abortably) or invoke the request's `onRetry`. A call without a
 * `completed` step gets `completed(finish_reason: "fake_eof")` appended. An exhausted script is a
 * config_error "fake backend script exhausted".
 */
import { z } from "zod";
import { ConfigError } from "../util/errors.ts";
import { LlmError, cancelledError } from "./errors.ts";
import { ChatStreamEvent, type ChatBackend, type ChatRequest } from "./protocol.ts";
import { abortableSleep } from "./retry.ts";

export const FakeErrorStep = z.object({
  type: z.literal("error"),
  /** An LLM kind (thrown as LlmError), `config_error` (ConfigError) or `unknown` (a plain Error). */
  kind: z.enum([
    "llm_error",
    "auth_error",
    "rate_limited",
    "server_error",
    "http_error",
    "context_length_exceeded",
    "config_error",
    "unknown",
  ]),
  message: z.string().optional(),
  status_code: z.number().int().min(100).max(599).optional(),
  retry_after_ms: z.number().int().positive().optional(),
  /** `details.kind` of an `llm_error`, e.g. "timeout" or "request_error". */
  detail_kind: z.string().optional(),
});
export type FakeErrorStep = z.infer<typeof FakeErrorStep>;

export const FakeWaitStep = z.object({ type: z.literal("wait"), ms: z.number().int().nonnegative() });
export type FakeWaitStep = z.infer<typeof FakeWaitStep>;

export const FakeRetryStep = z.object({ type: z.literal("retry"), payload: z.record(z.string(), z.unknown()) });
export type FakeRetryStep = z.infer<typeof FakeRetryStep>;

export const FakeStep = z.union([ChatStreamEvent, FakeErrorStep, FakeWaitStep, FakeRetryStep]);
export type FakeStep = z.infer<typeof FakeStep>;

export const FakeCall = z.object({ events: z.array(FakeStep) });
export type FakeCall = z.infer<typeof FakeCall>;

export function fakeError(step: FakeErrorStep): Error {
  const message = step.message ?? (step.status_code ? `HTTP ${step.status_code}` : `fake ${step.kind}`);
  if (step.kind === "config_error") return new ConfigError(message);
  if (step.kind === "unknown") return new Error(message);
  return new LlmError(step.kind, message, {
    ...(step.status_code !== undefined ? { statusCode: step.status_code } : {}),
    ...(step.retry_after_ms !== undefined ? { retryAfterMs: step.retry_after_ms } : {}),
    details: step.detail_kind ? { kind: step.detail_kind } : {},
  });
}

export class FakeChatBackend implements ChatBackend {
  readonly #calls: FakeCall[];
  #next = 0;
  /** Every request received, in order. */
  readonly requests: ChatRequest[] = [];

  constructor(calls: readonly FakeCall[]) {
    const parsed = z.array(FakeCall).safeParse(calls);
    if (!parsed.success) {
      throw new ConfigError(`Cannot create the fake backend: the script is not valid (${parsed.error.issues[0]?.message})`);
    }
    this.#calls = parsed.data;
  }

  /** Calls not yet consumed. */
  get remaining(): number {
    return this.#calls.length - this.#next;
  }

  async *streamChat(request: ChatRequest): AsyncGenerator<ChatStreamEvent, void, undefined> {
    this.requests.push(request);
    const call = this.#calls[this.#next];
    if (!call) throw new ConfigError("fake backend script exhausted");
    this.#next += 1;
    const signal = request.signal;
    let completed = false;
    for (const step of call.events) {
      if (signal?.aborted) throw cancelledError(signal.reason);
      switch (step.type) {
        case "error":
          throw fakeError(step);
        case "wait":
          await abortableSleep(step.ms, signal);
          break;
        case "retry":
          request.onRetry?.(step.payload);
          break;
        default:
          yield step;
          if (step.type === "completed") completed = true;
      }
      if (completed) return;
    }
    if (signal?.aborted) throw cancelledError(signal.reason);
    yield { type: "completed", finish_reason: "fake_eof" };
  }
}
