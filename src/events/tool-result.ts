/**
 * ToolResultPayload (spec 4.1): the structured result of one tool call. It is the model-facing
 * tool message (as JSON text) and `tool_call_finished.payload.result` in the event stream.
 *
 * Field order is the reference's declaration order, so a payload serialised by us has the same
 * key order as one written by the reference. Null optional fields are omitted on the wire; a
 * result read from a foreign WAL may carry extra keys (kept, `looseObject`).
 */
import { z } from "zod";

/** Tool-level error kinds (spec 10.2). `error_kind` itself stays an open string on read. */
export const ToolErrorKind = z.enum([
  "validation",
  "permission",
  "not_found",
  "sandbox_denied",
  "timeout",
  "cancelled",
  "human_required",
  "exit_code",
  "unknown",
]);
export type ToolErrorKind = z.infer<typeof ToolErrorKind>;

export const ToolResultPayload = z.looseObject({
  ok: z.boolean(),
  stdout: z.string().default(""),
  stderr: z.string().default(""),
  exit_code: z.number().int().optional(),
  duration_ms: z.number().int().nonnegative().default(0),
  truncated: z.boolean().default(false),
  data: z.record(z.string(), z.unknown()).optional(),
  error_kind: z.string().optional(),
  retryable: z.boolean().default(false),
  retry_after_ms: z.number().int().optional(),
});
export type ToolResultPayload = z.infer<typeof ToolResultPayload>;
