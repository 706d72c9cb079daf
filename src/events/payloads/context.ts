/** Context-length recovery and compaction payloads (spec 2.8 / 3.3). */
import { z } from "zod";

export const ContextLengthExceededPayload = z.looseObject({
  mode: z.string(),
  compactions: z.number().int().nonnegative(),
});
export type ContextLengthExceededPayload = z.infer<typeof ContextLengthExceededPayload>;

export const ContextRecoveryDecidedPayload = z.looseObject({
  mode: z.string(),
  decision: z.string(),
  /** Only with `decision: "no_human_provider"`. */
  fallback_mode: z.string().optional(),
});
export type ContextRecoveryDecidedPayload = z.infer<typeof ContextRecoveryDecidedPayload>;

export const BudgetSnapshot = z.looseObject({
  max_steps: z.number().int().nonnegative(),
  max_wall_time_sec: z.number().nullable(),
});
export type BudgetSnapshot = z.infer<typeof BudgetSnapshot>;

export const BudgetIncreasedPayload = z.looseObject({
  reason: z.string(),
  old: BudgetSnapshot,
  new: BudgetSnapshot,
});
export type BudgetIncreasedPayload = z.infer<typeof BudgetIncreasedPayload>;

export const CompactionStartedPayload = z.looseObject({
  reason: z.string(),
  mode: z.string(),
});
export type CompactionStartedPayload = z.infer<typeof CompactionStartedPayload>;

export const CompactionFailedPayload = z.looseObject({
  reason: z.string(),
  error: z.string(),
});
export type CompactionFailedPayload = z.infer<typeof CompactionFailedPayload>;

export const ContextCompactedPayload = z.looseObject({
  reason: z.string(),
  count: z.number().int().nonnegative(),
  artifact_path: z.string(),
  summary_len: z.number().int().nonnegative(),
  summary_sha256: z.string(),
});
export type ContextCompactedPayload = z.infer<typeof ContextCompactedPayload>;

export const CompactionFinishedPayload = z.looseObject({
  reason: z.string(),
  count: z.number().int().nonnegative(),
  artifact_path: z.string(),
});
export type CompactionFinishedPayload = z.infer<typeof CompactionFinishedPayload>;
