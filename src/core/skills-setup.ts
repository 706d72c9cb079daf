/**
 * Skills at the start of a run (spec 7.4, 7.8, 7.10 with decisions.md items 3 and 5): resolve the
 * task's mentions (an unresolved valid mention fails the run before the first LLM call), check each
 * mentioned skill's env vars, render it once, and emit `skill_injected` /
 * `skill_injection_skipped` once per run. Env values never reach an event.
 */
import { isRuntimeError } from "../util/errors.ts";
import type { Skill } from "../skills/source.ts";
import { SkillError } from "../skills/issues.ts";
import type { InjectedSkill, SkillListEntry } from "./prompt/manager.ts";
import { resolvePromptSettings } from "./prompt/profiles.ts";
import type { RunContext } from "./run-context.ts";
import { emitTerminal } from "./terminal.ts";

export interface PreparedSkills {
  injected: InjectedSkill[];
  list: SkillListEntry[];
}

const NONE: PreparedSkills = { injected: [], list: [] };

function skillPath(skill: Skill): string {
  return skill.path ?? skill.locator;
}

/** Fail the run with a skills error; returns "stop". */
async function failWith(ctx: RunContext, error: unknown): Promise<"stop"> {
  if (error instanceof SkillError) {
    return emitTerminal(ctx, {
      kind: "failed",
      errorKind: error.kind,
      message: error.message,
      retryable: false,
      details: { framework_code: error.code, framework_details: error.details },
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return emitTerminal(ctx, { kind: "failed", errorKind: isRuntimeError(error) ? error.kind : "config_error", message, retryable: false });
}

type EnvOutcome = { ok: true } | { ok: false; skip: true } | { ok: false; skip: false; error: { errorKind: string; message: string; details: Record<string, unknown> } };

/** Spec 7.10 for one skill: every required env var ends in the run env store, or the policy decides. */
async function ensureEnvVars(ctx: RunContext, skill: Skill): Promise<EnvOutcome> {
  const policy = ctx.config.skills.env_var_missing_policy;
  const base = { skill_name: skill.skill_name, skill_path: skillPath(skill) };
  for (const name of skill.required_env_vars) {
    if ((ctx.env[name] ?? "") !== "") {
      await ctx.emitter.emit("env_var_set", { env_var: name, ...base, value_source: "provided" });
      continue;
    }
    const fromProcess = ctx.processEnv[name];
    if (fromProcess !== undefined && fromProcess !== "") {
      ctx.env[name] = fromProcess;
      ctx.secrets.push(fromProcess);
      await ctx.emitter.emit("env_var_set", { env_var: name, ...base, value_source: "process_env" });
      continue;
    }
    await ctx.emitter.emit("env_var_required", { env_var: name, ...base, source: "skill_dependency", policy });
    if (policy === "skip_skill") {
      await ctx.emitter.emit("skill_injection_skipped", { ...base, reason: "missing_env_var", missing_env_vars: [name], policy });
      return { ok: false, skip: true };
    }
    const details = { missing_env_vars: [name], ...base, policy };
    if (policy === "fail_fast") return { ok: false, skip: false, error: { errorKind: "missing_env_var", message: `missing required env var: ${name}`, details } };
    if (!ctx.humanIO) {
      return { ok: false, skip: false, error: { errorKind: "config_error", message: `missing required env var (no HumanIOProvider): ${name}`, details } };
    }
    const callId = `env_${name}_${crypto.randomUUID().replaceAll("-", "")}`;
    const question = `The skill "${skill.skill_name}" needs the environment variable ${name}. Enter its value (kept in memory for this session only):`;
    const context = { kind: "env_var", env_var: name, skill: { name: skill.skill_name, path: skillPath(skill) } };
    await ctx.emitter.emit("human_request", { call_id: callId, question, choices: null, context });
    let answer: unknown;
    try {
      answer = await ctx.humanIO.requestHumanInput({ callId, question, choices: null, context, timeoutMs: ctx.config.run.human_timeout_ms ?? null }, { signal: ctx.signal });
    } catch (error) {
      return { ok: false, skip: false, error: { errorKind: "config_error", message: `missing required env var: ${name} (${error instanceof Error ? error.message : String(error)})`, details } };
    }
    if (typeof answer !== "string" || answer === "") {
      return { ok: false, skip: false, error: { errorKind: "config_error", message: `missing required env var: ${name} (empty answer)`, details } };
    }
    ctx.env[name] = answer;
    ctx.secrets.push(answer);
    await ctx.emitter.emit("env_var_set", { env_var: name, ...base, value_source: "human" });
  }
  return { ok: true };
}

/** Resolve, check and render the task's skills. Returns "stop" after a terminal event. */
export async function prepareSkills(ctx: RunContext): Promise<PreparedSkills | "stop"> {
  const skills = ctx.skills;
  if (!skills) return NONE;
  let resolved;
  try {
    resolved = await skills.resolveMentions(ctx.task, { signal: ctx.signal });
  } catch (error) {
    if (ctx.signal.aborted) return emitTerminal(ctx, { kind: "cancelled" });
    return failWith(ctx, error);
  }
  const settings = resolvePromptSettings(ctx.config.prompt);
  const injected: InjectedSkill[] = [];
  for (const { skill, mention } of resolved) {
    const env = await ensureEnvVars(ctx, skill);
    if (!env.ok) {
      if (env.skip) continue;
      return emitTerminal(ctx, { kind: "failed", errorKind: env.error.errorKind, message: env.error.message, retryable: false, details: env.error.details });
    }
    let content: string | null;
    try {
      content = await skills.renderInjectedSkill(skill, { mode: settings.skill_injection.render, signal: ctx.signal });
    } catch (error) {
      return failWith(ctx, error);
    }
    if (content !== null) injected.push({ namespace: skill.namespace, name: skill.skill_name, content, mentioned: true });
    await ctx.emitter.emit("skill_injected", {
      skill_name: skill.skill_name,
      skill_path: skillPath(skill),
      namespace: skill.namespace,
      skill_locator: skill.locator,
      source: "mention",
      mention_text: mention.mention_text,
      ...(skill.space_id ? { space_id: skill.space_id } : {}),
      ...(skill.source_id ? { source_id: skill.source_id } : {}),
    });
  }
  const list = skills.listSkills({ enabledOnly: true }).map((s) => ({ namespace: s.namespace, name: s.skill_name, description: s.description, enabled: true }));
  return { injected, list };
}
