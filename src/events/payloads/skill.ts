/** Skill injection and env-var payloads (spec 3.3). Env-var values never appear here. */
import { z } from "zod";

export const SkillInjectedPayload = z.looseObject({
  skill_name: z.string(),
  /** Filesystem path, or the locator when the skill has no path. */
  skill_path: z.string(),
  namespace: z.string(),
  skill_locator: z.string(),
  source: z.string(),
  mention_text: z.string(),
  /** Omitted when empty. */
  space_id: z.string().optional(),
  /** Omitted when empty. */
  source_id: z.string().optional(),
});
export type SkillInjectedPayload = z.infer<typeof SkillInjectedPayload>;

export const SkillInjectionSkippedPayload = z.looseObject({
  skill_name: z.string(),
  skill_path: z.string(),
  reason: z.string(),
  missing_env_vars: z.array(z.string()),
  policy: z.string(),
});
export type SkillInjectionSkippedPayload = z.infer<typeof SkillInjectionSkippedPayload>;

export const EnvVarRequiredPayload = z.looseObject({
  env_var: z.string(),
  skill_name: z.string(),
  skill_path: z.string(),
  source: z.string(),
  policy: z.string(),
});
export type EnvVarRequiredPayload = z.infer<typeof EnvVarRequiredPayload>;

export const EnvVarValueSource = z.enum(["provided", "process_env", "human"]);
export type EnvVarValueSource = z.infer<typeof EnvVarValueSource>;

export const EnvVarSetPayload = z.looseObject({
  env_var: z.string(),
  skill_name: z.string(),
  skill_path: z.string(),
  /** Where the value came from; never the value itself. */
  value_source: EnvVarValueSource,
});
export type EnvVarSetPayload = z.infer<typeof EnvVarSetPayload>;
