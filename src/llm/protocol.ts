/**
 * The LLM backend protocol (spec 9.1, 9.2): what the agent loop sends to a chat backend and the
 * stream parts it gets back.
 *
 * Request body fields use the OpenAI wire names (`max_tokens`, `response_format`, ...); the
 * per-call options that never reach the wire (`signal`, `onRetry`, `runId`, ...) are camelCase,
 * as in openai-node. Failures are thrown as `LlmError` (src/llm/errors.ts), never yielded.
 */
import { z } from "zod";

// ---------------------------------------------------------------------------------------------
// Messages (OpenAI chat.completions shape)

export const TextContentPart = z.object({ type: z.literal("text"), text: z.string() });
export type TextContentPart = z.infer<typeof TextContentPart>;

export const ImageContentPart = z.object({
  type: z.literal("image_url"),
  image_url: z.object({ url: z.string(), detail: z.enum(["auto", "low", "high"]).optional() }),
});
export type ImageContentPart = z.infer<typeof ImageContentPart>;

export const ContentPart = z.discriminatedUnion("type", [TextContentPart, ImageContentPart]);
export type ContentPart = z.infer<typeof ContentPart>;

/** A tool call as it appears inside an assistant message on the wire. */
export const WireToolCall = z.object({
  id: z.string(),
  type: z.literal("function"),
  function: z.object({ name: z.string(), arguments: z.string() }),
});
export type WireToolCall = z.infer<typeof WireToolCall>;

export const SystemMessage = z.object({
  role: z.literal("system"),
  content: z.union([z.string(), z.array(TextContentPart)]),
  name: z.string().optional(),
});
export const DeveloperMessage = z.object({
  role: z.literal("developer"),
  content: z.union([z.string(), z.array(TextContentPart)]),
  name: z.string().optional(),
});
export const UserMessage = z.object({
  role: z.literal("user"),
  content: z.union([z.string(), z.array(ContentPart)]),
  name: z.string().optional(),
});
export const AssistantMessage = z.object({
  role: z.literal("assistant"),
  content: z.union([z.string(), z.array(TextContentPart), z.null()]).optional(),
  tool_calls: z.array(WireToolCall).optional(),
  name: z.string().optional(),
});
export const ToolMessage = z.object({
  role: z.literal("tool"),
  tool_call_id: z.string(),
  content: z.union([z.string(), z.array(TextContentPart)]),
});

export const ChatMessage = z.discriminatedUnion("role", [
  SystemMessage,
  DeveloperMessage,
  UserMessage,
  AssistantMessage,
  ToolMessage,
]);
export type ChatMessage = z.infer<typeof ChatMessage>;

/** A function tool offered to the model (OpenAI `tools[]` entry). */
export const ToolSpec = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().optional(),
  }),
});
export type ToolSpec = z.infer<typeof ToolSpec>;

// ---------------------------------------------------------------------------------------------
// Stream parts (spec 9.2)

/** A fully assembled tool call. `raw_arguments` is the model's text, unparsed (may be "" or invalid JSON). */
export const ToolCall = z.object({
  call_id: z.string().min(1),
  name: z.string().min(1),
  raw_arguments: z.string(),
});
export type ToolCall = z.infer<typeof ToolCall>;

export const TokenUsage = z.object({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

export const TextDeltaEvent = z.object({ type: z.literal("text_delta"), text: z.string() });
export type TextDeltaEvent = z.infer<typeof TextDeltaEvent>;

export const ToolCallsEvent = z.object({ type: z.literal("tool_calls"), tool_calls: z.array(ToolCall) });
export type ToolCallsEvent = z.infer<typeof ToolCallsEvent>;

export const UsageEvent = z.object({
  type: z.literal("usage"),
  usage: TokenUsage,
  /** The model the provider reports, when it reports one. */
  model: z.string().optional(),
  provider: z.string().optional(),
  request_id: z.string().optional(),
});
export type UsageEvent = z.infer<typeof UsageEvent>;

export const CompletedEvent = z.object({
  type: z.literal("completed"),
  finish_reason: z.string(),
  provider: z.string().optional(),
  request_id: z.string().optional(),
});
export type CompletedEvent = z.infer<typeof CompletedEvent>;

/** One part of a streamed chat answer. A stream ends with exactly one `completed`, or throws. */
export const ChatStreamEvent = z.discriminatedUnion("type", [
  TextDeltaEvent,
  ToolCallsEvent,
  UsageEvent,
  CompletedEvent,
]);
export type ChatStreamEvent = z.infer<typeof ChatStreamEvent>;

// ---------------------------------------------------------------------------------------------
// Retry notifications and the request

/**
 * The payload the OpenAI-compatible backend passes to `onRetry` (the `llm_retry_scheduled` event,
 * spec 3.3). Other backends may pass other objects; the agent records whatever it gets.
 */
export const RetryScheduled = z.object({
  provider: z.string(),
  error_kind: z.enum(["http_status", "request_error"]),
  status_code: z.number().int().optional(),
  attempt: z.number().int().nonnegative(),
  max_retries: z.number().int().nonnegative(),
  retry_after_ms: z.number().int().nonnegative().nullable(),
  delay_ms: z.number().int().nonnegative(),
});
export type RetryScheduled = z.infer<typeof RetryScheduled>;

export type OnRetry = (payload: Readonly<Record<string, unknown>>) => void;

export const ChatRequest = z.object({
  /** Model name; a backend falls back to its configured model (`models.executor`) when absent. */
  model: z.string().min(1).optional(),
  messages: z.array(ChatMessage),
  tools: z.array(ToolSpec).optional(),
  temperature: z.number().optional(),
  max_tokens: z.number().int().positive().optional(),
  top_p: z.number().optional(),
  response_format: z.record(z.string(), z.unknown()).optional(),
  /** Explicit `stream_options`; absent means `{include_usage: true}`, `null` means send none. */
  stream_options: z.record(z.string(), z.unknown()).nullable().optional(),
  runId: z.string().optional(),
  turnId: z.string().optional(),
  /** Why the call is made, e.g. "compaction" (spec 2.8); informational. */
  purpose: z.string().optional(),
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal).optional(),
  onRetry: z.custom<OnRetry>((value) => typeof value === "function").optional(),
});
export type ChatRequest = z.infer<typeof ChatRequest>;

export interface ChatBackend {
  /** Streams one chat completion. Throws `LlmError` (or `ConfigError`) on failure. */
  streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent>;
}

/** Runtime shape check for a backend handed in from outside (spec 9.1 fail-fast protocol check). */
export function isChatBackend(value: unknown): value is ChatBackend {
  if (typeof value !== "object" || value === null) return false;
  const streamChat = (value as { streamChat?: unknown }).streamChat;
  return typeof streamChat === "function" && streamChat.length <= 1;
}
