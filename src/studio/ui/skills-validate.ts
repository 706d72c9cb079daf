/**
 * Client-side rules of the "New skill" form (pure). The name rule is the engine's own
 * (src/skills/mention-grammar.ts) and the SKILL.md text is the server's own layout
 * (src/skills/studio-skill-md.ts), so the live lint sees the text the server will write.
 */
import { isValidSkillName, SKILL_NAME_RULE } from "../../skills/mention-grammar.ts";
import { renderStudioSkillMd } from "../../skills/studio-skill-md.ts";

export { isValidSkillName, SKILL_NAME_RULE };

/** Why `value` is not a valid skill name, in words a form can show; null when it is valid. */
export function skillNameProblem(value: string): string | null {
  if (value === "") return "Name is required.";
  if (isValidSkillName(value)) return null;
  if (/\s/.test(value)) return "Use dashes instead of spaces.";
  if (/[A-Z]/.test(value)) return "Use lowercase letters only.";
  if (/[^a-z0-9_-]/.test(value)) return `Only a-z, 0-9, "-" and "_" are allowed (the name must be ${SKILL_NAME_RULE}).`;
  if (value.length < 2) return "The name needs at least 2 characters.";
  if (value.length > 64) return `The name has ${value.length} characters; at most 64 are allowed.`;
  return "The name must start and end with a lowercase letter or digit.";
}

/** A valid name close to `value` ("My Skill!" -> "my-skill"), or "" when nothing usable is left. */
export function suggestSkillName(value: string): string {
  const slug = value
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .slice(0, 64)
    .replace(/^[_-]+|[_-]+$/g, "");
  return isValidSkillName(slug) ? slug : "";
}

export interface SkillDraft {
  name: string;
  description: string;
  title: string;
  body: string;
}

/** The SKILL.md text the server writes for a new skill. */
export function renderSkillMd(draft: SkillDraft): string {
  return renderStudioSkillMd({ name: draft.name, description: draft.description, title: draft.title, body_markdown: draft.body });
}

export interface DraftProblems {
  name: string | null;
  description: string | null;
}

/** Field problems of a draft; both null when the form may be submitted. */
export function draftProblems(draft: SkillDraft): DraftProblems {
  return {
    name: skillNameProblem(draft.name.trim()),
    description: draft.description.trim() === "" ? "Description is required." : null,
  };
}

/** The create request body of a draft (blank title -> null, blank target -> the server's default). */
export function createRequest(draft: SkillDraft, targetSource: string) {
  return {
    name: draft.name.trim(),
    description: draft.description.trim(),
    title: draft.title.trim() || null,
    body_markdown: draft.body,
    target_source: targetSource.trim() || null,
  };
}
