/** LLM payloads (spec 3.3): request start, streamed deltas, usage and retry scheduling. */
import { z } from "zod";

export const LlmRequestStartedPayload = z.looseObject({
  model: z.string(),
  wire_api: z.string(),
  messages_count: z.number().int().nonnegative(),
  tools_count: z.number().int().nonnegative(),
});
export type LlmRequestStartedPayload = z.infer<typeof LlmRequestStartedPayload>;

/** One tool call announced in a delta; `arguments` are already sanitized (spec 3.5). */
export const DeltaToolCall = z.looseObject({
  call_id: z.string(),
  tool: z.string(),
  name: z.string(),
  arguments: z.unknown(),
});
export type DeltaToolCall = z.infer<typeof DeltaToolCall>;

export const LlmResponseDeltaPayload = z.discriminatedUnion("delta_type", [
  z.looseObject({ delta_type: z.literal("text"), text: z.string() }),
  z.looseObject({ delta_type: z.literal("tool_calls"), tool_calls: z.array(DeltaToolCall) }),
]);
export type LlmResponseDeltaPayload = z.infer<typeof LlmResponseDeltaPayload>;

export const LlmUsagePayload = z.looseObject({
  model: z.string(),
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
  provider: z.string().optional(),
  request_id: z.string().optional(),
});
export type LlmUsagePayload = z.infer<typeof LlmUsagePayload>;

/**
 * Whatever the backend passes to its retry callback. The OpenAI-compatible backend sends the
 * fields below; any backend may add others.
 */
export const LlmRetryScheduledPayload = z.looseObject({
  provider: z.string().optional(),
  error_kind: z.string().optional(),
  status_code: z.number().int().optional(),
  attempt: z.number().int().nonnegative().optional(),
  max_retries: z.number().int().nonnegative().optional(),
  retry_after_ms: z.number().int().nullish(),
  delay_ms: z.number().int().nonnegative().optional(),
});
export type LlmRetryScheduledPayload = z.infer<typeof LlmRetryScheduledPayload>;
