/**
 * Prompt settings: the `prompt` section of the runtime config, as the prompt manager reads it.
 *
 * Mirrors `config.prompt` key for key (spec 1.1), so a validated config section can be passed
 * straight in. Nullable fields mean "use the profile default" (see profiles.ts). Template paths
 * are resolved and read by the caller; the manager only ever sees texts.
 */
import { z } from "zod";

export const PromptProfile = z.enum(["default_agent", "generation_direct", "structured_transform"]);
export type PromptProfile = z.infer<typeof PromptProfile>;

export const SkillInjectionMode = z.enum(["all", "explicit_only", "none"]);
export type SkillInjectionMode = z.infer<typeof SkillInjectionMode>;

export const SkillRender = z.enum(["body", "method_only", "summary", "none"]);
export type SkillRender = z.infer<typeof SkillRender>;

export const HistoryMode = z.enum(["none", "compacted", "full"]);
export type HistoryMode = z.infer<typeof HistoryMode>;

export const ToolsExposure = z.enum(["none", "explicit_only", "all"]);
export type ToolsExposure = z.infer<typeof ToolsExposure>;

const positiveInt = z.number().int().min(1);

export const PromptSettings = z.object({
  profile: PromptProfile.default("default_agent"),
  /** Name of a packaged template set (`default`, `generation_direct`, `structured_transform`). */
  template: z.string().min(1).default("default"),
  system_text: z.string().nullable().default(null),
  developer_text: z.string().nullable().default(null),
  /** Kept for config compatibility; the caller reads the file and passes its text to the manager. */
  system_path: z.string().nullable().default(null),
  developer_path: z.string().nullable().default(null),
  include_skills_list: z.boolean().nullable().default(null),
  /** Accepted for config compatibility; never used (spec 1.1). */
  include_cwd_tree: z.boolean().default(false),
  skill_injection: z
    .object({
      mode: SkillInjectionMode.nullable().default(null),
      render: SkillRender.nullable().default(null),
    })
    .prefault({}),
  history: z
    .object({
      mode: HistoryMode.nullable().default(null),
      max_messages: positiveInt.default(40),
      max_chars: positiveInt.default(120000),
    })
    .prefault({}),
  tools: z.object({ exposure: ToolsExposure.nullable().default(null) }).prefault({}),
});
export type PromptSettings = z.infer<typeof PromptSettings>;
export type PromptSettingsInput = z.input<typeof PromptSettings>;

/** Settings with every profile-dependent null filled in (see `resolvePromptSettings`). */
export interface ResolvedPromptSettings {
  profile: PromptProfile;
  template: string;
  system_text: string | null;
  developer_text: string | null;
  system_path: string | null;
  developer_path: string | null;
  include_skills_list: boolean;
  skill_injection: { mode: SkillInjectionMode; render: SkillRender };
  history: { mode: HistoryMode; max_messages: number; max_chars: number };
  tools: { exposure: ToolsExposure };
}
