/**
 * `skills lint`: every spec problem of a skill folder, reported as issues with a level, without
 * refusing what the runtime would still load (lint is stricter than the scan, never the other way
 * round). Errors are what the scan would reject or what fails when the skill is used; warnings are
 * fail-open surprises and Agent Skills conventions (folder name = skill name, description <= 1024
 * characters).
 */
import { lstat, readdir, readFile, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { resolveActionInBundle } from "./actions.ts";
import { folderBundle } from "./bundle.ts";
import { isSkillError, skillIssue, type SkillIssue } from "./issues.ts";
import { checkFrontmatter, envVarsFromAgentsYaml, frontmatterOfText, isPlainObject, parseYaml } from "./skill-md.ts";
import type { Skill } from "./source.ts";

export interface SkillLint {
  /** The SKILL.md linted. */
  path: string;
  /** The skill name when the front matter gives a valid one, else null. */
  skill_name: string | null;
  /** True when the runtime would load the skill (no error issue from the scan rules). */
  loads: boolean;
  issues: SkillIssue[];
}

const ENV_VAR_NAME = /^[A-Z_][A-Z0-9_]*$/;
const DESCRIPTION_LIMIT = 1024;

function error(code: string, message: string, details: Record<string, unknown> = {}): SkillIssue {
  return skillIssue(code, message, { level: "error", ...details });
}

function warning(code: string, message: string, details: Record<string, unknown> = {}): SkillIssue {
  return skillIssue(code, message, { level: "warning", ...details });
}

async function lintAgentsYaml(dir: string, issues: SkillIssue[]): Promise<void> {
  const path = join(dir, "agents", "openai.yaml");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return;
  }
  const { value, error: yamlError } = parseYaml(text);
  if (yamlError !== null) {
    issues.push(warning("SKILL_LINT_AGENTS_YAML_INVALID", `agents/openai.yaml is not valid YAML, so no env-var dependencies are read: ${yamlError}`, { path }));
    return;
  }
  const tools = isPlainObject(value) && isPlainObject(value.dependencies) ? value.dependencies.tools : undefined;
  if (value !== null && tools !== undefined && !Array.isArray(tools)) {
    issues.push(warning("SKILL_LINT_AGENTS_YAML_INVALID", "agents/openai.yaml dependencies.tools must be a list; no env-var dependencies are read.", { path }));
  }
  for (const name of envVarsFromAgentsYaml(value)) {
    if (!ENV_VAR_NAME.test(name)) issues.push(warning("SKILL_LINT_ENV_VAR_NAME", `Env-var dependency "${name}" is not an environment variable name (expected ${ENV_VAR_NAME.source}).`, { path, env_var: name }));
  }
}

async function lintActions(skillMdPath: string, name: string, metadata: Record<string, unknown>, issues: SkillIssue[]): Promise<void> {
  if (metadata.actions === undefined) return;
  if (!isPlainObject(metadata.actions)) {
    issues.push(error("SKILL_ACTION_DEFINITION_INVALID", "`actions` must be a mapping of action ids to definitions.", { field: "actions" }));
    return;
  }
  const bundle = await folderBundle(skillMdPath);
  const skill: Skill = { space_id: "", source_id: "", namespace: "", skill_name: name, description: "", locator: skillMdPath, path: skillMdPath, body_size: null, required_env_vars: [], metadata, scope: null };
  for (const actionId of Object.keys(metadata.actions)) {
    try {
      await resolveActionInBundle(skill, bundle, actionId);
    } catch (e) {
      if (!isSkillError(e)) throw e;
      issues.push(error(e.code, e.message, { ...e.details, action_id: actionId }));
    }
  }
}

/** Lint one SKILL.md file. */
export async function lintSkillMd(skillMdPath: string, options: { maxFrontmatterBytes?: number } = {}): Promise<SkillLint> {
  const path = resolve(skillMdPath);
  const dir = resolve(path, "..");
  const issues: SkillIssue[] = [];
  const result = (skillName: string | null, loads: boolean): SkillLint => ({ path, skill_name: skillName, loads, issues });
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(await readFile(path));
  } catch (e) {
    issues.push(error("SKILL_SCAN_METADATA_INVALID", `Cannot read ${path}: ${(e as Error).message}`, { reason: "read_failed" }));
    return result(null, false);
  }
  const front = await frontmatterOfText(text, options.maxFrontmatterBytes ?? 65536);
  if (!front.ok) {
    issues.push(error("SKILL_SCAN_METADATA_INVALID", `SKILL.md front matter problem: ${front.reason}.`, { reason: front.reason }));
    return result(null, false);
  }
  if (front.yamlError) issues.push(error("SKILL_LINT_YAML_INVALID", `The front matter is not valid YAML: ${front.yamlError}`, { reason: "yaml_invalid" }));
  const checked = checkFrontmatter(front.data);
  if (!checked.ok) {
    issues.push(error("SKILL_SCAN_METADATA_INVALID", `${checked.rule[0]!.toUpperCase()}${checked.rule.slice(1)}.`, { field: checked.field, reason: checked.reason, ...(checked.actual !== undefined ? { actual: checked.actual } : {}) }));
    return result(null, false);
  }
  const { skill_name, description, metadata } = checked.value;
  if (basename(dir) !== skill_name) {
    issues.push(warning("SKILL_LINT_NAME_FOLDER_MISMATCH", `The folder "${basename(dir)}" differs from the skill name "${skill_name}" (the Agent Skills format expects them to match).`, { folder: basename(dir) }));
  }
  if (description.length > DESCRIPTION_LIMIT) {
    issues.push(warning("SKILL_LINT_DESCRIPTION_TOO_LONG", `The description has ${description.length} characters; keep it under ${DESCRIPTION_LIMIT} (Agent Skills limit), it is sent in every skills list.`, { length: description.length }));
  }
  if (Buffer.from(text).subarray(front.bytes).toString("utf8").trim() === "") {
    issues.push(warning("SKILL_LINT_BODY_EMPTY", "SKILL.md has no instructions after the front matter."));
  }
  await lintActions(path, skill_name, metadata, issues);
  await lintAgentsYaml(dir, issues);
  return result(skill_name, true);
}

/** Lint a skill folder, a SKILL.md file, or every SKILL.md below a folder (depth-limited, no symlinked dirs). */
export async function lintPath(target: string, options: { maxFrontmatterBytes?: number; maxDepth?: number } = {}): Promise<SkillLint[]> {
  const path = resolve(target);
  const info = await stat(path);
  if (info.isFile()) return [await lintSkillMd(path, options)];
  const direct = join(path, "SKILL.md");
  if ((await stat(direct).catch(() => null))?.isFile()) return [await lintSkillMd(direct, options)];
  const found: string[] = [];
  const queue: [string, number][] = [[path, 0]];
  for (let head = 0; head < queue.length; head++) {
    const [dir, depth] = queue[head]!;
    for (const name of (await readdir(dir)).sort()) {
      if (name.startsWith(".")) continue;
      const entry = join(dir, name);
      const entryInfo = await lstat(entry);
      if (entryInfo.isDirectory() && depth < (options.maxDepth ?? 99)) queue.push([entry, depth + 1]);
      else if (name === "SKILL.md" && !entryInfo.isDirectory()) found.push(entry);
    }
  }
  return Promise.all(found.map((p) => lintSkillMd(p, options)));
}
