/**
 * The SKILL.md text of a skill created in the Studio (spec 12.4 layout). Dependency-free: the
 * server writes it (src/server/skill-authoring.ts) and the Studio UI renders the same text for its
 * live lint. Front-matter strings are JSON strings, which YAML reads back verbatim.
 */
import { collapseWhitespace } from "../util/text.ts";

export interface NewSkill {
  name: string;
  description: string;
  title?: string | null | undefined;
  body_markdown?: string | undefined;
}

export function renderStudioSkillMd(skill: NewSkill): string {
  const title = collapseWhitespace(skill.title ?? "") || `Skill：${skill.name}`;
  const body = (skill.body_markdown ?? "").replace(/^\n+|\n+$/g, "");
  const lines = [
    "---",
    `name: ${skill.name}`,
    `description: ${JSON.stringify(skill.description.trim())}`,
    "metadata:",
    `  short-description: ${JSON.stringify(title)}`,
    '  generated-by: "skills-runtime-studio-mvp"',
    "---",
    "",
    `# ${title}`,
    "",
  ];
  if (body !== "") lines.push(body, "");
  return lines.join("\n");
}
