/**
 * Human I/O and plan payloads (spec 3.3). `human_request` has several shapes (ask_human,
 * request_user_input, env-var prompt, context recovery); they share `call_id` and differ in the
 * optional fields, so one loose object describes them all.
 */
import { z } from "zod";

export const UserInputOption = z.looseObject({
  label: z.string(),
  description: z.string().nullish(),
});

export const UserInputQuestion = z.looseObject({
  id: z.string(),
  header: z.string(),
  question: z.string(),
  options: z.array(UserInputOption).nullish(),
});
export type UserInputQuestion = z.infer<typeof UserInputQuestion>;

export const HumanRequestPayload = z.looseObject({
  call_id: z.string(),
  /** `request_user_input` only. */
  tool: z.string().optional(),
  question: z.string().optional(),
  /** Null for env-var prompts and ask_human without choices. */
  choices: z.array(z.string()).nullish(),
  /** e.g. `{kind: "env_var", env_var, skill: {name, path}}` or `{kind: "context_recovery", mode}`. */
  context: z.record(z.string(), z.unknown()).nullish(),
  /** `request_user_input` only. */
  questions: z.array(UserInputQuestion).optional(),
});
export type HumanRequestPayload = z.infer<typeof HumanRequestPayload>;

export const HumanResponsePayload = z.looseObject({
  call_id: z.string(),
  /** `request_user_input`: one event per question. */
  question_id: z.string().optional(),
  answer: z.string(),
});
export type HumanResponsePayload = z.infer<typeof HumanResponsePayload>;

export const PlanItemStatus = z.enum(["pending", "in_progress", "completed"]);
export type PlanItemStatus = z.infer<typeof PlanItemStatus>;

export const PlanItem = z.looseObject({ step: z.string(), status: z.string() });
export type PlanItem = z.infer<typeof PlanItem>;

export const PlanUpdatedPayload = z.looseObject({
  call_id: z.string(),
  plan: z.array(PlanItem),
  explanation: z.string().nullish(),
});
export type PlanUpdatedPayload = z.infer<typeof PlanUpdatedPayload>;
