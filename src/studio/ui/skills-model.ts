/** Pure helpers of the Skills view: source lists, which source a skill comes from, filtering, issues. */
import type { Skills } from "./api.ts";

export type SkillItem = Skills["skills"][number];
export type Issue = Skills["issues"][number];

/** The sources typed in the editor: one per line or comma-separated, trimmed, blanks and repeats dropped. */
export function parseSources(text: string): string[] {
  const out: string[] = [];
  for (const entry of text.split(/[\n,]/)) {
    const trimmed = entry.trim();
    if (trimmed !== "" && !out.includes(trimmed)) out.push(trimmed);
  }
  return out;
}

export function formatSources(sources: readonly string[]): string {
  return sources.join("\n");
}

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

const slashes = (path: string) => path.replace(/\\/g, "/").replace(/\/+$/, "");

/** The source folder holding `path` (the longest one that contains it), with its index; null when none does. */
export function sourceOfPath(path: string, sources: readonly string[]): { source: string; index: number } | null {
  const target = slashes(path);
  let best: { source: string; index: number } | null = null;
  sources.forEach((source, index) => {
    const root = slashes(source);
    if (root === "" || !target.startsWith(`${root}/`)) return;
    if (!best || slashes(best.source).length < root.length) best = { source, index };
  });
  return best;
}

/** `path` relative to `root` when inside it, else `path`. */
export function relativeTo(path: string, root: string): string {
  const target = slashes(path);
  const base = slashes(root);
  return base !== "" && target.startsWith(`${base}/`) ? target.slice(base.length + 1) : path;
}

/** Skills whose name, namespace, description, path or env vars contain every word of `query` (case-insensitive). */
export function filterSkills(skills: readonly SkillItem[], query: string): SkillItem[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...skills];
  return skills.filter((skill) => {
    const haystack = [skill.name, skill.namespace, skill.description, skill.path, ...skill.dependencies.env_vars].join("\n").toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/** How a task mentions the skill: `$[namespace].name`. */
export function mentionOf(skill: Pick<SkillItem, "namespace" | "name">): string {
  return `$[${skill.namespace}].${skill.name}`;
}

/** `env: A, B` or `env:0` (the reference's label for a skill without env dependencies). */
export function envLabel(envVars: readonly string[]): string {
  return envVars.length === 0 ? "env:0" : `env: ${envVars.join(", ")}`;
}

/** Errors first, then warnings, each in their original order. */
export function sortIssues<T extends { level: "error" | "warning" }>(issues: readonly T[]): T[] {
  return [...issues.filter((i) => i.level === "error"), ...issues.filter((i) => i.level !== "error")];
}

export function countIssues(issues: readonly { level: "error" | "warning" }[]): { errors: number; warnings: number } {
  const errors = issues.filter((i) => i.level === "error").length;
  return { errors, warnings: issues.length - errors };
}

export function hasErrorIssues(issues: readonly { level: "error" | "warning" }[]): boolean {
  return issues.some((i) => i.level === "error");
}

/** "1 error, 2 warnings" / "no issues". */
export function issueSummary(issues: readonly { level: "error" | "warning" }[]): string {
  const { errors, warnings } = countIssues(issues);
  const parts = [];
  if (errors) parts.push(`${errors} error${errors === 1 ? "" : "s"}`);
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
  return parts.length ? parts.join(", ") : "no issues";
}

/** "3 skills" or "2 of 3 skills" while a filter is on. */
export function countLabel(shown: number, total: number): string {
  const noun = total === 1 ? "skill" : "skills";
  return shown === total ? `${total} ${noun}` : `${shown} of ${total} ${noun}`;
}

/** Spread on code fields: `spellcheck={false}` would drop the attribute (and so keep spell checking on). */
export const NO_SPELLCHECK = { spellcheck: "false" } as Record<string, string>;
