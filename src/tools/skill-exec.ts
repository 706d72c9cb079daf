/**
 * `skill_exec` (spec 4.3 #18, 7.11): run an action declared in a skill's SKILL.md
 * (`actions.<action_id>`) through `shell_exec`, so the OS sandbox (`sandbox: inherit`), the
 * evidence `data.sandbox`, time and output caps and redaction are those of any shell command.
 *
 * Order of checks (each failure is a framework error in `data.error`, see skill-errors.ts):
 * no skills manager -> validation `SKILL_RUNTIME_UNAVAILABLE`; `skills.actions.enabled` false ->
 * permission `SKILL_ACTIONS_DISABLED`; unknown argument keys / missing or blank arguments ->
 * validation `SKILL_ACTION_DEFINITION_INVALID`; then the strict mention, its resolution and the
 * action lookup (codes and kinds from the skills layer: src/skills/actions.ts).
 *
 * The action runs with cwd = workspace root, its bundle root readable but not writable inside the
 * sandbox (a skill folder outside the workspace included), its own timeout (else shell_exec's default) and the
 * action env of spec 17 (stable SKILLS_RUNTIME_SDK_* keys win over the action's env).
 *
 * `skillActionIntent` is the approval-side view of the same resolution (spec 5.6): the gate shows
 * and checks the materialised argv; it never throws (failures go to `resolve_error`).
 */
import { dirname, resolve } from "node:path";
import { z } from "zod";
import type { ToolResultPayload } from "../events/tool-result.ts";
import type { SkillActionIntent } from "../safety/sanitize.ts";
import { actionEnv } from "../skills/actions.ts";
import { isPlainObject } from "../skills/skill-md.ts";
import type { SkillsManager } from "../skills/skills-manager.ts";
import description from "./skill-exec.md" with { type: "text" };
import type { ToolContext, ToolDefinition } from "./registry.ts";
import { runShellExec } from "./shell-exec.ts";
import { frameworkErrorResult, skillErrorResult, noSkillsResult, unknownFields } from "./skill-errors.ts";

const nonBlank = /\S/;

export const SkillExecArgs = z.strictObject({
  skill_mention: z.string().regex(nonBlank).describe("The skill, as one full mention and nothing else: $[namespace].skill_name"),
  action_id: z.string().regex(nonBlank).describe("The action to run: a key of `actions` in the skill's SKILL.md front matter"),
});
export type SkillExecArgs = z.infer<typeof SkillExecArgs>;

const KNOWN = Object.keys(SkillExecArgs.shape);

/** Run a `skill_exec` call; `raw` are the model's arguments (checked here so failures carry `data.error`). */
export async function runSkillExec(raw: Record<string, unknown>, ctx: ToolContext): Promise<ToolResultPayload> {
  const manager = ctx.services?.skills;
  if (!manager) return noSkillsResult("skill_exec");
  if (!manager.config.actions.enabled) {
    return frameworkErrorResult("permission", "SKILL_ACTIONS_DISABLED", "Cannot run skill_exec: skill actions are disabled (config key skills.actions.enabled)", {
      config_key: "skills.actions.enabled",
    });
  }
  const unknown = unknownFields(raw, KNOWN);
  if (unknown.length > 0) {
    return frameworkErrorResult("validation", "SKILL_ACTION_DEFINITION_INVALID", `Cannot run skill_exec: unknown argument ${unknown.map((k) => JSON.stringify(k)).join(", ")}`, {
      unknown_fields: unknown,
    });
  }
  const parsed = SkillExecArgs.safeParse(raw);
  if (!parsed.success) {
    return frameworkErrorResult("validation", "SKILL_ACTION_DEFINITION_INVALID", "Cannot run skill_exec: skill_mention and action_id must be non-empty strings", {
      required: ["skill_mention", "action_id"],
    });
  }
  const signal = { signal: ctx.signal };
  let run;
  try {
    const { skill, mention } = await manager.resolveStrictMention(parsed.data.skill_mention, signal);
    const action = await manager.resolveAction(skill, parsed.data.action_id.trim(), signal);
    run = { action, env: actionEnv(action, { workspaceRoot: resolve(ctx.workspaceRoot), mention: mention.mention_text }) };
  } catch (error) {
    return skillErrorResult(error);
  }
  // The bundle root is readable (never writable) inside the sandbox, wherever the skill lives.
  return runShellExec({ argv: run.action.argv, env: run.env, timeout_ms: run.action.timeout_ms, sandbox: "inherit" }, ctx, {
    tool: "skill_exec",
    readOnlyPaths: [run.action.bundle_root],
  });
}

export const skillExecTool: ToolDefinition<Record<string, unknown>> = {
  name: "skill_exec",
  description,
  // The model sees the strict schema; the handler validates, so refusals carry data.error (spec 7.11 step 2).
  parameters: z.toJSONSchema(SkillExecArgs, { io: "input" }) as Record<string, unknown>,
  handler: (args, ctx) => runSkillExec(args, ctx),
};

const describeFailure = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The sanitized-request facts of a `skill_exec` call (spec 5.6): bundle root and sha, the argv
 * (materialised when the action checks pass, else as declared), timeout and the sorted keys of
 * the action's own env. Async (it may scan or extract a bundle): the engine resolves it before
 * gating and hands the gate a synchronous `resolveSkillAction` returning this value.
 */
export async function skillActionIntent(
  manager: SkillsManager,
  call: { skillMention: string; actionId: string },
  options: { signal?: AbortSignal } = {},
): Promise<SkillActionIntent> {
  const intent: SkillActionIntent = { bundle_root: null, bundle_sha256: null, argv: [], timeout_ms: null, env_keys: [], resolve_error: null };
  const mentionText = call.skillMention.trim();
  const actionId = call.actionId.trim();
  if (mentionText === "" || actionId === "") return intent;
  let skill;
  try {
    skill = (await manager.resolveStrictMention(mentionText, options)).skill;
  } catch (error) {
    return { ...intent, resolve_error: describeFailure(error) };
  }
  try {
    const action = await manager.resolveAction(skill, actionId, options);
    return {
      bundle_root: action.bundle_root,
      bundle_sha256: action.bundle_sha256,
      argv: action.argv,
      timeout_ms: action.timeout_ms,
      env_keys: Object.keys(action.env).sort(),
      resolve_error: null,
    };
  } catch (error) {
    // Keep what the front matter declares, so the policy still sees the command (as the reference does).
    const actions = isPlainObject(skill.metadata.actions) ? skill.metadata.actions : {};
    const definition = Object.hasOwn(actions, actionId) ? actions[actionId] : undefined;
    const declared = isPlainObject(definition) ? definition : {};
    const argv = Array.isArray(declared.argv) && declared.argv.every((a) => typeof a === "string") ? [...(declared.argv as string[])] : [];
    const timeout = typeof declared.timeout_ms === "number" && Number.isInteger(declared.timeout_ms) ? declared.timeout_ms : null;
    return {
      ...intent,
      bundle_root: skill.path ? dirname(skill.path) : null,
      argv,
      timeout_ms: timeout,
      env_keys: isPlainObject(declared.env) ? Object.keys(declared.env).sort() : [],
      resolve_error: describeFailure(error),
    };
  }
}
