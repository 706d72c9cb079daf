/**
 * The prompt manager: builds the messages and tool list of one LLM request (spec 2.9).
 *
 * Pure: every input is passed in, nothing is read from disk or the environment. Message order:
 *   1. `system`: system template, then (when there is one) `[Developer Policy]` + developer text;
 *   2. `user`: the skills list (when the profile includes it);
 *   3. one `user` message per injected skill (rendered by the caller);
 *   4. history from before the task (windowed; dropped when history mode is `none`);
 *   5. `user`: the task, exactly once, at its place in the conversation (decisions item 5);
 *   6. this run's turns after the task (assistant replies, tool calls and their results).
 * The window (`max_messages` / `max_chars`) covers 4 and 6 together; the task is never dropped.
 * History mode `none` drops only 4: without 6 a tool-using loop could not see its own results.
 * `compacted` behaves like `full` (after compaction the history already is the compacted form).
 */
import { z } from "zod";
import type { ChatMessage } from "../../llm/protocol.ts";
import { ConfigError } from "../../util/errors.ts";
import { windowConversation } from "./history-window.ts";
import { resolvePromptSettings, shouldInjectSkill } from "./profiles.ts";
import { PromptSettings, type PromptSettingsInput, type ResolvedPromptSettings } from "./settings.ts";
import { renderTemplate, selectTemplates, type TemplateFiles, type TemplateVariables } from "./templates.ts";
import { exposeTools } from "./tool-exposure.ts";
import skillsListTemplate from "./templates/skills-list.md" with { type: "text" };

export const DEVELOPER_POLICY_HEADER = "[Developer Policy]";

/** A skill offered in the skills list. Disabled skills are left out. */
export const SkillListEntry = z.object({
  namespace: z.string(),
  name: z.string(),
  description: z.string().default(""),
  enabled: z.boolean().default(true),
});
export type SkillListEntry = z.input<typeof SkillListEntry>;

/** A skill section rendered by the caller (body, method or summary, per `skill_injection.render`). */
export interface InjectedSkill {
  namespace: string;
  name: string;
  /** The rendered text sent as its own user message. */
  content: string;
  /** Whether the task mentions this skill; `explicit_only` injection needs it. Default true. */
  mentioned?: boolean;
}

export interface BuildMessagesInput<T extends { name: string }> {
  /** The `prompt` config section (parsed here; nulls are filled from the profile). */
  settings?: PromptSettingsInput;
  /** The run's task, sent once as a user message. */
  task: string;
  /** Workspace root, for the `{{cwd}}` template variable. */
  cwd?: string;
  /** Conversation before the task: initial history, resume material, a compaction summary. */
  history?: readonly ChatMessage[];
  /** This run's messages after the task: assistant replies, tool calls and tool results. */
  turns?: readonly ChatMessage[];
  injectedSkills?: readonly InjectedSkill[];
  /** Skills for the skills list (used only when the profile includes the list). */
  skills?: readonly SkillListEntry[];
  /** Registered tool specs, in registry order; filtered by `tools.exposure`. */
  tools?: readonly T[];
  /** Texts of `system_path` / `developer_path`, read by the caller. */
  templateFiles?: TemplateFiles;
}

/** Computed for diagnostics, never emitted as an event (spec 2.9). */
export interface PromptDebug {
  profile: string;
  templates: { name: "system" | "developer"; version: string }[];
  skills_count: number;
  injected_skills_count: number;
  skill_injection_mode: string;
  skill_render: string;
  tools_count: number;
  tools_exposure: string;
  history_mode: string;
  history_kept: number;
  history_dropped: number;
}

export interface BuiltMessages<T> {
  messages: ChatMessage[];
  /** Tools to send; empty means the request carries no `tools` at all. */
  tools: T[];
  settings: ResolvedPromptSettings;
  debug: PromptDebug;
}

function parseSettings(input: PromptSettingsInput | undefined): ResolvedPromptSettings {
  const parsed = PromptSettings.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join(".") || "(root)" : "(root)";
    throw new ConfigError(`Cannot build prompt: setting "prompt.${where}" is invalid (${issue?.message ?? "unknown"})`, {
      details: { issues: parsed.error.issues },
    });
  }
  return resolvePromptSettings(parsed.data);
}

/** Renders the skills-list message body: header, then `- $[ns].name: description` per enabled skill. */
export function renderSkillsList(skills: readonly SkillListEntry[]): string {
  return renderTemplate(skillsListTemplate, { skills: skillLines(skills) }).trimEnd();
}

function skillLines(skills: readonly SkillListEntry[]): string {
  return skills
    .map((entry) => SkillListEntry.parse(entry))
    .filter((skill) => skill.enabled)
    .map((skill) => `- $[${skill.namespace}].${skill.name}: ${skill.description}`.trimEnd())
    .join("\n");
}

/** Builds the messages and the exposed tools for one LLM request. */
export function buildMessages<T extends { name: string }>(input: BuildMessagesInput<T>): BuiltMessages<T> {
  const settings = parseSettings(input.settings);
  const templates = selectTemplates(settings, input.templateFiles);
  const tools = exposeTools(input.tools ?? [], settings.tools.exposure, input.task);
  const skills = input.skills ?? [];

  const variables: Required<TemplateVariables> = {
    task: input.task,
    cwd: input.cwd ?? "",
    tools: tools.map((tool) => `- ${tool.name}`).join("\n"),
    skills: skillLines(skills),
    constraints: "",
  };
  const system = renderTemplate(templates.system, variables).trimEnd();
  const developer = renderTemplate(templates.developer, variables).trim();
  const systemText = developer === "" ? system : `${system}\n\n${DEVELOPER_POLICY_HEADER}\n${developer}\n`;

  const messages: ChatMessage[] = [{ role: "system", content: systemText }];
  if (settings.include_skills_list) {
    messages.push({ role: "user", content: renderSkillsList(skills) });
  }
  const injected = (input.injectedSkills ?? []).filter((skill) => shouldInjectSkill(settings, skill.mentioned ?? true));
  for (const skill of injected) {
    messages.push({ role: "user", content: skill.content });
  }

  const before = settings.history.mode === "none" ? [] : (input.history ?? []);
  const window = windowConversation(before, input.turns ?? [], {
    maxMessages: settings.history.max_messages,
    maxChars: settings.history.max_chars,
  });
  const task: ChatMessage = { role: "user", content: input.task };
  messages.push(...window.before, task, ...window.after);

  const historyTotal = (input.history?.length ?? 0) + (input.turns?.length ?? 0);
  const historyKept = window.before.length + window.after.length;
  return {
    messages,
    tools,
    settings,
    debug: {
      profile: settings.profile,
      templates: [
        { name: "system", version: templates.version },
        { name: "developer", version: templates.version },
      ],
      skills_count: settings.include_skills_list ? skills.filter((skill) => skill.enabled !== false).length : 0,
      injected_skills_count: injected.length,
      skill_injection_mode: settings.skill_injection.mode,
      skill_render: settings.skill_injection.render,
      tools_count: tools.length,
      tools_exposure: settings.tools.exposure,
      history_mode: settings.history.mode,
      history_kept: historyKept,
      history_dropped: historyTotal - historyKept,
    },
  };
}
