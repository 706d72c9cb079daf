/**
 * `skills new NAME`: write a valid skill folder `<dir>/<NAME>/SKILL.md` from a template. The name
 * must be a skill slug; an existing folder is never overwritten.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { RuntimeError } from "../util/errors.ts";
import { isValidSkillName, SKILL_NAME_RULE } from "./mentions.ts";
import { collapseWhitespace } from "./skill-md.ts";
import template from "./templates/new-skill.md" with { type: "text" };

export interface ScaffoldResult {
  dir: string;
  skill_md: string;
}

function titleOf(name: string): string {
  return name
    .split(/[-_]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(" ");
}

/** The SKILL.md text of a new skill. */
export function newSkillText(name: string, description: string): string {
  return template
    .replaceAll("{{name}}", name)
    .replaceAll("{{title}}", titleOf(name))
    .replaceAll("{{description}}", JSON.stringify(collapseWhitespace(description)));
}

export async function scaffoldSkill(parentDir: string, name: string, options: { description?: string } = {}): Promise<ScaffoldResult> {
  if (!isValidSkillName(name)) {
    throw new RuntimeError("validation", `Cannot create skill "${name}": the name must be ${SKILL_NAME_RULE}`, { details: { name } });
  }
  const dir = resolve(parentDir, name);
  if (existsSync(dir)) throw new RuntimeError("validation", `Cannot create skill "${name}": ${dir} already exists`, { details: { dir } });
  const description = options.description?.trim() || `Describe what ${name} does and when to use it.`;
  await mkdir(dir, { recursive: true });
  const skillMd = join(dir, "SKILL.md");
  await writeFile(skillMd, newSkillText(name, description), { flag: "wx" });
  return { dir, skill_md: skillMd };
}
