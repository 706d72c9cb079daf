/**
 * The OpenAI-compatible chat.completions streaming backend (spec 9.4), built on the `openai`
 * package. The package's own retries are off (`maxRetries: 0`): retries, their delays and the
 * `llm_retry_scheduled` notifications are ours (src/llm/retry.ts).
 *
 * Timeouts: `timeoutSec` bounds the wait for the response headers and every wait for the next
 * stream chunk (an idle timeout, like a read timeout), never the whole answer.
 * A stream cut before any event was yielded is a transient `llm_error` and is retried; a stream cut
 * after output is a final `llm_error` with `details.after_output: true` (never replayed).
 */
import { z } from "zod";
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { Stream } from "openai/core/streaming";
import type { ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions";
import { ConfigError, describeError } from "../util/errors.ts";
import { ChunkAssembler, completionToEvents } from "./chunk-assembler.ts";
import {
  LlmError,
  cancelledError,
  httpStatusError,
  isContextLengthMessage,
  isLlmError,
  requestError,
  timeoutError,
} from "./errors.ts";
import type { ChatBackend, ChatRequest, ChatStreamEvent } from "./protocol.ts";
import { RetryPolicy, streamWithRetry, type Random, type Sleep } from "./retry.ts";

export const OpenAIBackendOptions = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }),
  apiKey: z.string().min(1, "no API key is configured"),
  model: z.string().min(1),
  timeoutSec: z.number().positive(),
  retry: RetryPolicy,
  /** Name reported as `provider` in usage events and retry notifications. */
  provider: z.string().min(1).default("openai"),
  fetch: z.custom<typeof fetch>((value) => typeof value === "function").optional(),
  sleep: z.custom<Sleep>((value) => typeof value === "function").optional(),
  random: z.custom<Random>((value) => typeof value === "function").optional(),
});
export type OpenAIBackendOptions = z.input<typeof OpenAIBackendOptions>;

type Params = Record<string, unknown>;

export class OpenAIChatBackend implements ChatBackend {
  readonly baseUrl: string;
  readonly model: string;
  readonly provider: string;
  readonly #options: z.infer<typeof OpenAIBackendOptions>;
  readonly #client: OpenAI;
  readonly #timeoutMs: number;
  /** Set once a server rejected `stream_options` and accepted the same request without it. */
  #streamOptionsUnsupported = false;

  constructor(options: OpenAIBackendOptions) {
    const parsed = OpenAIBackendOptions.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` (${issue.path.join(".")})` : "";
      throw new ConfigError(`Cannot create the OpenAI-compatible backend: ${issue?.message ?? "invalid options"}${where}`);
    }
    this.#options = parsed.data;
    this.baseUrl = parsed.data.baseUrl.replace(/\/+$/, "");
    this.model = parsed.data.model;
    this.provider = parsed.data.provider;
    this.#timeoutMs = Math.max(1, Math.round(parsed.data.timeoutSec * 1000));
    // Every option the package would otherwise read from process.env is given explicitly.
    this.#client = new OpenAI({
      apiKey: parsed.data.apiKey,
      baseURL: this.baseUrl,
      adminAPIKey: null,
      organization: null,
      project: null,
      webhookSecret: null,
      maxRetries: 0,
      timeout: this.#timeoutMs,
      logLevel: "off",
      ...(parsed.data.fetch ? { fetch: parsed.data.fetch } : {}),
    });
  }

  streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent> {
    const options = this.#options;
    return streamWithRetry(() => this.#attempt(request), {
      policy: options.retry,
      provider: this.provider,
      onRetry: request.onRetry,
      signal: request.signal,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
  }

  #params(request: ChatRequest, withAutoStreamOptions: boolean): { params: Params; autoStreamOptions: boolean } {
    const params: Params = { model: request.model ?? this.model, messages: request.messages, stream: true };
    if (request.tools && request.tools.length > 0) params.tools = request.tools;
    if (request.temperature !== undefined) params.temperature = request.temperature;
    if (request.max_tokens !== undefined) params.max_tokens = request.max_tokens;
    if (request.top_p !== undefined) params.top_p = request.top_p;
    if (request.response_format !== undefined) params.response_format = request.response_format;
    const auto = request.stream_options === undefined && withAutoStreamOptions && !this.#streamOptionsUnsupported;
    if (auto) params.stream_options = { include_usage: true };
    else if (request.stream_options) params.stream_options = request.stream_options;
    return { params, autoStreamOptions: auto };
  }

  async #open(request: ChatRequest, signal: AbortSignal): Promise<Response> {
    const send = (params: Params) =>
      this.#client.chat.completions
        // The wire shape is validated by our own zod schemas (protocol.ts); the package's types differ only in detail.
        .create(params as unknown as ChatCompletionCreateParamsStreaming, { signal, timeout: this.#timeoutMs })
        .asResponse();
    const first = this.#params(request, true);
    try {
      return await send(first.params);
    } catch (error) {
      if (!first.autoStreamOptions || !rejectsStreamOptions(error)) throw error;
    }
    // Spec 9.4: a server that rejects the auto-injected stream_options gets one immediate retry
    // without them (no delay, no attempt consumed); remembered only when that retry succeeds.
    const response = await send(this.#params(request, false).params);
    this.#streamOptionsUnsupported = true;
    return response;
  }

  async *#attempt(request: ChatRequest): AsyncGenerator<ChatStreamEvent, void, undefined> {
    const callerSignal = request.signal;
    const controller = new AbortController();
    const onCallerAbort = () => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
    if (callerSignal?.aborted) controller.abort(callerSignal.reason);
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const disarm = () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    };
    const arm = () => {
      disarm();
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.#timeoutMs);
    };
    let yielded = false;
    try {
      arm();
      const response = await this.#open(request, controller.signal);
      const assembler = new ChunkAssembler({ provider: this.provider });
      const contentType = response.headers.get("content-type") ?? "";
      if (contentType.includes("application/json")) {
        const body: unknown = await response.json();
        disarm();
        for (const event of completionToEvents(body, this.provider)) {
          yielded = true;
          yield event;
        }
        return;
      }
      const chunks = Stream.fromSSEResponse<unknown>(response, controller, this.#client)[Symbol.asyncIterator]();
      for (;;) {
        arm();
        const next = await chunks.next();
        disarm();
        if (next.done) break;
        for (const event of assembler.push(next.value)) {
          yielded = true;
          yield event;
        }
      }
      // The package ends a stream quietly when its controller is aborted: say why it ended.
      if (timedOut) throw timeoutError(this.#timeoutMs, { afterOutput: yielded });
      if (callerSignal?.aborted) throw cancelledError(callerSignal.reason);
      for (const event of assembler.finish()) {
        yielded = true;
        yield event;
      }
    } catch (error) {
      throw this.#toLlmError(error, { timedOut, aborted: callerSignal?.aborted ?? false, afterOutput: yielded });
    } finally {
      disarm();
      callerSignal?.removeEventListener("abort", onCallerAbort);
      controller.abort();
    }
  }

  #toLlmError(error: unknown, ctx: { timedOut: boolean; aborted: boolean; afterOutput: boolean }): unknown {
    if (isLlmError(error)) return error;
    if (ctx.aborted) return cancelledError(error);
    if (ctx.timedOut || error instanceof APIConnectionTimeoutError) {
      return timeoutError(this.#timeoutMs, { afterOutput: ctx.afterOutput, cause: error });
    }
    if (error instanceof APIError && typeof error.status === "number") {
      return httpStatusError({
        status: error.status,
        providerMessage: providerMessage(error),
        providerCode: error.code,
        headers: error.headers ?? null,
        provider: this.provider,
        ...(error.requestID ? { requestId: error.requestID } : {}),
        cause: error,
      });
    }
    if (error instanceof APIUserAbortError) return cancelledError(error);
    if (error instanceof APIConnectionError) {
      return requestError(transportDetail(error.cause ?? error), { afterOutput: ctx.afterOutput, cause: error });
    }
    if (error instanceof APIError) {
      // An `{"error": …}` payload or `event: error` inside the stream.
      const message = providerMessage(error) ?? error.message;
      if (isContextLengthMessage(error.code, message)) {
        return new LlmError("context_length_exceeded", `Context length exceeded (${message})`, { cause: error });
      }
      return new LlmError("llm_error", `Provider reported an error in the stream: ${message}`, {
        cause: error,
        details: { kind: "stream_error", provider: this.provider },
      });
    }
    if (error instanceof SyntaxError) {
      return new LlmError("llm_error", `Provider sent a malformed stream chunk: ${error.message}`, {
        cause: error,
        details: { kind: "invalid_response", provider: this.provider },
      });
    }
    if (error instanceof TypeError || hasErrnoCode(error)) {
      return requestError(transportDetail(error), { afterOutput: ctx.afterOutput, cause: error });
    }
    return error;
  }
}

/** `error.message` of an OpenAI-style error body (or a bare string `error`). */
function providerMessage(error: APIError): string | undefined {
  const body: unknown = error.error;
  if (typeof body === "string") return body;
  if (typeof body === "object" && body !== null) {
    const message = (body as { message?: unknown }).message;
    if (typeof message === "string") return message;
    if (message !== undefined) return JSON.stringify(message);
  }
  return undefined;
}

function rejectsStreamOptions(error: unknown): boolean {
  if (!(error instanceof APIError) || typeof error.status !== "number") return false;
  const text = `${error.message} ${JSON.stringify(error.error ?? null)}`;
  if (isContextLengthMessage(error.code, providerMessage(error))) return false;
  if (error.status === 400 || error.status === 422) return true;
  return error.status === 404 && /stream_options|include_usage/i.test(text);
}

/** The transport failure's message without Bun's "pass `verbose: true`" hint. */
function transportDetail(error: unknown): string {
  return describeError(error).replace(/\s*For more information, pass `verbose: true`.*$/s, "");
}

function hasErrnoCode(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^E[A-Z]+$/.test(code);
}
