/**
 * Prompt profiles: the defaults each profile gives to the nullable prompt settings (spec 2.9),
 * the resolver that fills those nulls, and the skill-injection gate that follows from them.
 */
import type {
  HistoryMode,
  PromptProfile,
  PromptSettings,
  ResolvedPromptSettings,
  SkillInjectionMode,
  SkillRender,
  ToolsExposure,
} from "./settings.ts";

export interface ProfileDefaults {
  include_skills_list: boolean;
  skill_injection: { mode: SkillInjectionMode; render: SkillRender };
  history: { mode: HistoryMode };
  tools: { exposure: ToolsExposure };
}

export const PROFILE_DEFAULTS: Readonly<Record<PromptProfile, Readonly<ProfileDefaults>>> = {
  default_agent: {
    include_skills_list: true,
    skill_injection: { mode: "all", render: "body" },
    history: { mode: "full" },
    tools: { exposure: "all" },
  },
  generation_direct: {
    include_skills_list: false,
    skill_injection: { mode: "explicit_only", render: "body" },
    history: { mode: "none" },
    tools: { exposure: "none" },
  },
  structured_transform: {
    include_skills_list: false,
    skill_injection: { mode: "explicit_only", render: "summary" },
    history: { mode: "none" },
    tools: { exposure: "none" },
  },
};

/** Fills every null profile-dependent setting from the profile's defaults; explicit values win. */
export function resolvePromptSettings(settings: PromptSettings): ResolvedPromptSettings {
  const defaults = PROFILE_DEFAULTS[settings.profile];
  return {
    profile: settings.profile,
    template: settings.template,
    system_text: settings.system_text,
    developer_text: settings.developer_text,
    system_path: settings.system_path,
    developer_path: settings.developer_path,
    include_skills_list: settings.include_skills_list ?? defaults.include_skills_list,
    skill_injection: {
      mode: settings.skill_injection.mode ?? defaults.skill_injection.mode,
      render: settings.skill_injection.render ?? defaults.skill_injection.render,
    },
    history: {
      mode: settings.history.mode ?? defaults.history.mode,
      max_messages: settings.history.max_messages,
      max_chars: settings.history.max_chars,
    },
    tools: { exposure: settings.tools.exposure ?? defaults.tools.exposure },
  };
}

/**
 * Whether a skill may be injected into the prompt. `none` (mode or render) blocks every skill;
 * `all` lets through every skill that reached the manager; `explicit_only` lets through only
 * skills whose mention appears in the task (`mentioned`, decided by the caller's mention parser).
 */
export function shouldInjectSkill(settings: ResolvedPromptSettings, mentioned: boolean): boolean {
  const { mode, render } = settings.skill_injection;
  if (mode === "none" || render === "none") return false;
  if (mode === "all") return true;
  return mentioned;
}
