/**
 * Injection rendering (spec 7.8).
 *
 * - `body`: the body loaded through the source, checked against `skills.injection.max_bytes`
 *   (UTF-8 bytes; equal is fine) and wrapped as
 *   `<skill>\n<name>{skill_name}</name>\n<path>{locator}</path>\n{body}\n</skill>`.
 *   A loader failure is `SKILL_BODY_READ_FAILED` {skill_name, locator, reason}; an oversized body is
 *   `SKILL_BODY_TOO_LARGE` {skill_name, locator, limit_bytes, actual_bytes}.
 * - `summary`: four lines from the metadata, without reading the body.
 * - `method_only`: the first Markdown heading (<= 3 leading spaces, 1-6 `#`) whose text starts with
 *   method / workflow / usage / how to / steps, up to the next heading, wrapped in `<skill_method>`;
 *   any error, or no such heading, falls back to the summary.
 * - `none`: nothing.
 */
import { SkillError } from "./issues.ts";
import { formatMention } from "./mentions.ts";
import type { Skill } from "./source.ts";

export type SkillRenderMode = "body" | "method_only" | "summary" | "none";

const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/u;
const METHOD_HEADING = /^\s{0,3}#{1,6}\s+(?:method|workflow|usage|how to|steps)(?![\p{L}\p{N}_])/iu;
const ANY_HEADING = /^\s{0,3}#{1,6}\s+\S/u;

/** Load a body through `load` and enforce the byte limit (null = unlimited). */
export async function loadCheckedBody(skill: Skill, load: () => Promise<string>, maxBytes: number | null): Promise<string> {
  let body: string;
  try {
    body = await load();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SkillError("SKILL_BODY_READ_FAILED", `Cannot read skill "${formatMention(skill.namespace, skill.skill_name)}" from ${skill.locator}: ${reason}`, {
      details: { skill_name: skill.skill_name, locator: skill.locator, reason },
      cause: error,
    });
  }
  if (maxBytes !== null) {
    const actual = Buffer.byteLength(body, "utf8");
    if (actual > maxBytes) {
      throw new SkillError(
        "SKILL_BODY_TOO_LARGE",
        `Cannot inject skill "${formatMention(skill.namespace, skill.skill_name)}": its body is ${actual} bytes, over skills.injection.max_bytes (${maxBytes})`,
        { details: { skill_name: skill.skill_name, locator: skill.locator, limit_bytes: maxBytes, actual_bytes: actual } },
      );
    }
  }
  return body;
}

export function renderEnvelope(skill: Skill, body: string): string {
  return ["<skill>", `<name>${skill.skill_name}</name>`, `<path>${skill.locator}</path>`, body, "</skill>"].join("\n");
}

export function renderSummary(skill: Skill): string {
  return ["Skill summary:", `- mention: ${formatMention(skill.namespace, skill.skill_name)}`, `- description: ${skill.description}`, `- locator: ${skill.locator}`].join("\n");
}

/** The method section of rendered skill text, or null when there is none. */
export function methodSection(text: string): string | null {
  const lines = text.split(LINE_BREAK);
  const start = lines.findIndex((line) => METHOD_HEADING.test(line));
  if (start === -1) return null;
  const selected: string[] = [];
  for (const line of lines.slice(start)) {
    if (selected.length && ANY_HEADING.test(line)) break;
    selected.push(line);
  }
  const body = selected.join("\n").trim();
  return body === "" ? null : body;
}

/** Render one skill for the prompt in `mode`; null for `none`. */
export async function renderSkill(
  skill: Skill,
  mode: SkillRenderMode,
  options: { load: () => Promise<string>; maxBytes: number | null },
): Promise<string | null> {
  if (mode === "none") return null;
  if (mode === "summary") return renderSummary(skill);
  if (mode === "body") return renderEnvelope(skill, await loadCheckedBody(skill, options.load, options.maxBytes));
  let rendered: string;
  try {
    rendered = renderEnvelope(skill, await loadCheckedBody(skill, options.load, options.maxBytes));
  } catch {
    return renderSummary(skill);
  }
  const method = methodSection(rendered);
  return method === null ? renderSummary(skill) : ["<skill_method>", `<name>${skill.skill_name}</name>`, method, "</skill_method>"].join("\n");
}
