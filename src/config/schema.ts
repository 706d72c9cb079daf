/**
 * The runtime configuration schema: the single source of truth for every config key.
 * Every object is strict (an unknown key is an error, as in the reference's `extra="forbid"`).
 * Keys, types and limits follow the reference's default.yaml (spec section 1.1), plus
 * `run.max_turns` and `run.max_total_tokens` (decisions.md item 4) and `tools.web_search`
 * (decisions.md item 13).
 */
import { z } from "zod";

const intMin = (min: number) => z.number().int().min(min);
const nullableInt = (min: number) => intMin(min).nullable();

export const SANDBOX_PROFILES = ["dev", "balanced", "prod"] as const;
export const NAMESPACE_SEGMENT = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])$/;

export const ContextRecoveryConfig = z.strictObject({
  mode: z.enum(["compact_first", "ask_first", "fail_fast"]).default("fail_fast"),
  max_compactions_per_run: intMin(0).default(2),
  ask_first_fallback_mode: z.enum(["compact_first", "fail_fast"]).default("compact_first"),
  compaction_history_max_chars: intMin(1000).default(24000),
  compaction_keep_last_messages: intMin(0).default(6),
  increase_budget_extra_steps: intMin(0).default(20),
  increase_budget_extra_wall_time_sec: intMin(0).default(600),
});

export const RunConfig = z.strictObject({
  max_steps: intMin(1).default(40),
  max_wall_time_sec: nullableInt(1).default(null),
  max_turns: nullableInt(1).default(null),
  max_total_tokens: nullableInt(1).default(null),
  human_timeout_ms: nullableInt(1).default(null),
  resume_strategy: z.enum(["summary", "replay"]).default("summary"),
  context_recovery: ContextRecoveryConfig.prefault({}),
});

export const SafetyConfig = z.strictObject({
  mode: z.enum(["allow", "ask", "deny"]).default("ask"),
  allowlist: z.array(z.string()).default([]),
  denylist: z.array(z.string()).default([]),
  tool_allowlist: z.array(z.string()).default([]),
  tool_denylist: z.array(z.string()).default([]),
  approval_timeout_ms: intMin(1).default(60000),
});

export const SandboxConfig = z.strictObject({
  profile: z.enum(SANDBOX_PROFILES).default("dev"),
  default_policy: z.enum(["none", "restricted"]).default("none"),
  os: z
    .strictObject({
      mode: z.enum(["auto", "none", "seatbelt", "bubblewrap"]).default("auto"),
      seatbelt: z.strictObject({ profile: z.string().default("(version 1) (allow default)") }).prefault({}),
      bubblewrap: z
        .strictObject({ bwrap_path: z.string().min(1).default("bwrap"), unshare_net: z.boolean().default(true) })
        .prefault({}),
    })
    .prefault({}),
});

export const LlmConfig = z.strictObject({
  base_url: z.string().min(1),
  api_key_env: z.string().min(1),
  timeout_sec: intMin(1).default(60),
  retry: z
    .strictObject({
      max_retries: intMin(0).default(3),
      base_delay_sec: z.number().min(0).default(0.5),
      cap_delay_sec: z.number().min(0).default(8.0),
      jitter_ratio: z.number().min(0).max(1).default(0.1),
    })
    .prefault({}),
});

export const ModelsConfig = z.strictObject({
  planner: z.string().min(1),
  executor: z.string().min(1),
});

const namespaceString = z.string().refine(
  (value) => {
    const segments = value.split(":");
    return segments.length >= 1 && segments.length <= 7 && segments.every((s) => NAMESPACE_SEGMENT.test(s));
  },
  {
    message:
      "expected a namespace of 1..7 ':'-separated segments, each 2..64 chars of [a-z0-9-] starting and ending with a letter or digit",
  },
);

export const SkillSpaceConfig = z.strictObject({
  id: z.string().min(1),
  namespace: namespaceString,
  sources: z.array(z.string()).default([]),
  enabled: z.boolean().default(true),
});

export const SkillSourceConfig = z.strictObject({
  id: z.string().min(1),
  type: z.string().min(1),
  options: z.record(z.string(), z.unknown()).default({}),
});

const strictInt = (min: number) => z.number().int().min(min);

export const SkillsConfig = z.strictObject({
  env_var_missing_policy: z.enum(["fail_fast", "ask_human", "skip_skill"]).default("ask_human"),
  versioning: z
    .strictObject({ enabled: z.boolean().default(false), strategy: z.string().default("") })
    .prefault({}),
  strictness: z
    .strictObject({
      unknown_mention: z.string().default("error"),
      duplicate_name: z.string().default("error"),
      mention_format: z.string().default("strict"),
    })
    .prefault({}),
  spaces: z.array(SkillSpaceConfig).default([]),
  sources: z.array(SkillSourceConfig).default([]),
  scan: z
    .strictObject({
      ignore_dot_entries: z.boolean().default(true),
      max_depth: strictInt(0).default(99),
      max_dirs_per_root: strictInt(0).default(100000),
      max_frontmatter_bytes: strictInt(1).default(65536),
      refresh_policy: z.enum(["always", "ttl", "manual"]).default("always"),
      ttl_sec: strictInt(1).default(300),
    })
    .prefault({}),
  injection: z.strictObject({ max_bytes: nullableInt(1).default(null) }).prefault({}),
  bundles: z
    .strictObject({
      max_bytes: strictInt(1).default(1048576),
      cache_dir: z.string().default(".skills_runtime_sdk/bundles"),
      max_extracted_bytes: nullableInt(1).default(null),
      max_files: nullableInt(1).default(null),
      max_single_file_bytes: nullableInt(1).default(null),
    })
    .prefault({}),
  actions: z.strictObject({ enabled: z.boolean().default(false) }).prefault({}),
  references: z
    .strictObject({
      enabled: z.boolean().default(false),
      allow_assets: z.boolean().default(false),
      default_max_bytes: intMin(1).default(65536),
    })
    .prefault({}),
});

export const PromptProfile = z.enum(["default_agent", "generation_direct", "structured_transform"]);
export const SkillInjectionMode = z.enum(["all", "explicit_only", "none"]);
export const SkillRender = z.enum(["body", "method_only", "summary", "none"]);
export const HistoryMode = z.enum(["none", "compacted", "full"]);
export const ToolsExposure = z.enum(["none", "explicit_only", "all"]);

/** `prompt`: null fields mean "use the profile default" (core/prompt/profiles.ts). */
export const PromptConfig = z.strictObject({
  profile: PromptProfile.default("default_agent"),
  template: z.string().min(1).default("default"),
  system_text: z.string().nullable().default(null),
  developer_text: z.string().nullable().default(null),
  system_path: z.string().nullable().default(null),
  developer_path: z.string().nullable().default(null),
  include_skills_list: z.boolean().nullable().default(null),
  /** Accepted for compatibility; never used (spec 1.1). */
  include_cwd_tree: z.boolean().default(false),
  skill_injection: z
    .strictObject({ mode: SkillInjectionMode.nullable().default(null), render: SkillRender.nullable().default(null) })
    .prefault({}),
  history: z
    .strictObject({
      mode: HistoryMode.nullable().default(null),
      max_messages: intMin(1).default(40),
      max_chars: intMin(1).default(120000),
    })
    .prefault({}),
  tools: z.strictObject({ exposure: ToolsExposure.nullable().default(null) }).prefault({}),
});

/**
 * `tools.web_search` (not in the reference; decisions.md item 13): an HTTP search provider for the
 * `web_search` tool, off by default.
 * - `enabled`: when false (or with no endpoint) the tool answers `validation` with `data.disabled`.
 * - `endpoint`: http(s) URL. GET sends `?q=&limit=` (+ `&recency=`); POST sends JSON
 *   `{q, recency, limit}`. The answer must be JSON `{results: [{title, url, snippet}]}`.
 * - `method`: `GET` or `POST`.
 * - `api_key_env`: name of the environment variable whose value is sent as
 *   `Authorization: Bearer <value>`; null sends no key.
 * - `timeout_ms`: limit for one search request.
 */
export const WebSearchConfig = z
  .strictObject({
    enabled: z.boolean().default(false),
    endpoint: z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }).nullable().default(null),
    method: z.enum(["GET", "POST"]).default("GET"),
    api_key_env: z.string().min(1).nullable().default(null),
    timeout_ms: intMin(1).default(10000),
  })
  .refine((c) => !c.enabled || c.endpoint !== null, {
    message: "web_search is enabled but has no endpoint; set tools.web_search.endpoint to the provider's URL",
    path: ["endpoint"],
  });

/** Settings of builtin tools (not in the reference). */
export const ToolsConfig = z.strictObject({
  web_search: WebSearchConfig.prefault({}),
});

export const RuntimeConfig = z.strictObject({
  config_version: intMin(1).default(1),
  run: RunConfig,
  safety: SafetyConfig.prefault({}),
  sandbox: SandboxConfig.prefault({}),
  llm: LlmConfig,
  models: ModelsConfig,
  skills: SkillsConfig.prefault({}),
  prompt: PromptConfig.prefault({}),
  tools: ToolsConfig.prefault({}),
});

export type RuntimeConfig = z.infer<typeof RuntimeConfig>;
export type WebSearchConfig = z.infer<typeof WebSearchConfig>;
export type SkillsConfig = z.infer<typeof SkillsConfig>;
export type SkillsConfigInput = z.input<typeof SkillsConfig>;
export type SkillSpaceConfig = z.infer<typeof SkillSpaceConfig>;
export type SkillSourceConfig = z.infer<typeof SkillSourceConfig>;
export type RuntimeConfigInput = z.input<typeof RuntimeConfig>;
export type SandboxProfile = (typeof SANDBOX_PROFILES)[number];
