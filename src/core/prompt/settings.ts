/**
 * Prompt settings: the `prompt` section of the runtime config, as the prompt manager reads it.
 *
 * Mirrors `config.prompt` key for key (spec 1.1), so a validated config section can be passed
 * straight in. Nullable fields mean "use the profile default" (see profiles.ts). Template paths
 * are resolved and read by the caller; the manager only ever sees texts.
 */
import type { z } from "zod";
import { HistoryMode, PromptConfig, PromptProfile, SkillInjectionMode, SkillRender, ToolsExposure } from "../../config/schema.ts";

export { HistoryMode, PromptProfile, SkillInjectionMode, SkillRender, ToolsExposure };
export type PromptProfile = z.infer<typeof PromptProfile>;
export type SkillInjectionMode = z.infer<typeof SkillInjectionMode>;
export type SkillRender = z.infer<typeof SkillRender>;
export type HistoryMode = z.infer<typeof HistoryMode>;
export type ToolsExposure = z.infer<typeof ToolsExposure>;

/** The config's `prompt` section is the schema: one source of truth for its keys and defaults. */
export const PromptSettings = PromptConfig;
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
