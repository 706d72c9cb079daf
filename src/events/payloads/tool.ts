/** Tool and approval payloads (spec 3.3); these events carry `turn_id` and `step_id`. */
import { z } from "zod";
import { ToolResultPayload } from "../tool-result.ts";

/**
 * `tool` and `name` carry the same tool name; writers set both. Older reference WALs carry only
 * `name`, so each is optional on read: use `toolNameOf(payload)`.
 */
export const ToolCallRequestedPayload = z.looseObject({
  call_id: z.string(),
  tool: z.string().optional(),
  name: z.string().optional(),
  /** Sanitized arguments (spec 3.5 / 5.6). */
  arguments: z.unknown(),
  /** Present (false) only when the model sent arguments that are not valid JSON. */
  arguments_valid: z.boolean().optional(),
  raw_arguments_len: z.number().int().nonnegative().optional(),
  raw_arguments_sha256: z.string().optional(),
  raw_arguments_error: z.string().optional(),
});
export type ToolCallRequestedPayload = z.infer<typeof ToolCallRequestedPayload>;

export const ApprovalRequestedPayload = z.looseObject({
  approval_key: z.string(),
  tool: z.string(),
  summary: z.string(),
  /** The sanitized request the approval key was computed from. */
  request: z.unknown(),
});
export type ApprovalRequestedPayload = z.infer<typeof ApprovalRequestedPayload>;

export const ApprovalDecision = z.enum(["approved", "approved_for_session", "denied", "abort"]);
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;

export const ApprovalReason = z.enum(["provider", "cached", "no_provider", "timeout"]);
export type ApprovalReason = z.infer<typeof ApprovalReason>;

export const ApprovalDecidedPayload = z.looseObject({
  approval_key: z.string(),
  decision: ApprovalDecision,
  reason: ApprovalReason,
});
export type ApprovalDecidedPayload = z.infer<typeof ApprovalDecidedPayload>;

export const ToolCallStartedPayload = z.looseObject({
  call_id: z.string(),
  tool: z.string(),
});
export type ToolCallStartedPayload = z.infer<typeof ToolCallStartedPayload>;

/** Writers set `tool`; older reference WALs carry `name` instead: use `toolNameOf(payload)`. */
export const ToolCallFinishedPayload = z.looseObject({
  call_id: z.string(),
  tool: z.string().optional(),
  name: z.string().optional(),
  result: ToolResultPayload,
});
export type ToolCallFinishedPayload = z.infer<typeof ToolCallFinishedPayload>;

/** The tool name of a tool payload: `tool`, else `name` (older WALs), else "". */
export function toolNameOf(payload: { tool?: string | undefined; name?: string | undefined }): string {
  return payload.tool || payload.name || "";
}
