/**
 * Mention resolution (spec 7.4, decisions.md item 3). A valid mention that does not resolve is an
 * error (`SKILL_SPACE_NOT_CONFIGURED` -> error_kind `skill_space_not_configured`, `SKILL_UNKNOWN`
 * -> `skill_unknown`) that names the mention and the nearest known skills (edit distance), so a run
 * fails before its first LLM call with a message a user can act on.
 *
 * Order: no mentions -> []; no enabled space or no source -> not configured (first mention); after
 * the scan, a `SKILL_SCAN_SOURCE_UNAVAILABLE` / `SKILL_SCAN_METADATA_INVALID` error in the report is
 * raised (first one); then mention by mention: namespace not enabled -> not configured; key not
 * indexed -> unknown; a disabled skill is skipped. The first failure aborts the whole resolution.
 */
import type { SkillsConfig } from "../config/schema.ts";
import { SkillError } from "./issues.ts";
import { formatMention, type SkillMention } from "./mentions.ts";
import type { ScanReport } from "./scan.ts";
import type { Skill } from "./source.ts";
import { enabledNamespaces } from "./spaces.ts";

export interface ResolvedMention {
  skill: Skill;
  mention: SkillMention;
}

/** Levenshtein distance (insert, delete, substitute = 1), by code point. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length]!;
}

/** The `limit` known skills nearest to a mention, as mention texts (closest first). */
export function nearestSkills(mention: Pick<SkillMention, "namespace" | "skill_name">, skills: readonly Skill[], limit = 3): string[] {
  const target = `${mention.namespace}.${mention.skill_name}`;
  return skills
    .map((skill) => ({
      text: formatMention(skill.namespace, skill.skill_name),
      distance: editDistance(target, `${skill.namespace}.${skill.skill_name}`),
      nameDistance: editDistance(mention.skill_name, skill.skill_name),
    }))
    .sort((a, b) => a.distance - b.distance || a.nameDistance - b.nameDistance || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
    .slice(0, limit)
    .map((candidate) => candidate.text);
}

function nearestText(suggestions: string[]): string {
  return suggestions.length ? ` Nearest known skills: ${suggestions.join(", ")}.` : " No skills are indexed.";
}

export function spaceNotConfigured(mention: SkillMention, configured: readonly string[], skills: readonly Skill[]): SkillError {
  const suggestions = nearestSkills(mention, skills);
  const where = configured.length
    ? `namespace "${mention.namespace}" is not configured or its space is disabled (configured: ${configured.join(", ")}).`
    : "no skills space is configured (add skills.spaces and skills.sources to the config).";
  return new SkillError("SKILL_SPACE_NOT_CONFIGURED", `Cannot resolve skill mention "${mention.mention_text}": ${where}${configured.length ? nearestText(suggestions) : ""}`, {
    details: { mention: mention.mention_text, namespace: mention.namespace, configured_namespaces: [...configured], suggestions },
  });
}

export function skillUnknown(mention: SkillMention, skills: readonly Skill[]): SkillError {
  const suggestions = nearestSkills(mention, skills);
  return new SkillError(
    "SKILL_UNKNOWN",
    `Cannot resolve skill mention "${mention.mention_text}": no skill "${mention.skill_name}" in namespace "${mention.namespace}".${nearestText(suggestions)}`,
    { details: { mention: mention.mention_text, namespace: mention.namespace, skill_name: mention.skill_name, suggestions } },
  );
}

/** Step 2: throws when mentions exist but nothing can be scanned. */
export function checkSpacesConfigured(mentions: readonly SkillMention[], config: Pick<SkillsConfig, "spaces" | "sources">): void {
  if (mentions.length === 0) return;
  if (enabledNamespaces(config).size === 0 || config.sources.length === 0) throw spaceNotConfigured(mentions[0]!, [], []);
}

const BLOCKING = new Set(["SKILL_SCAN_SOURCE_UNAVAILABLE", "SKILL_SCAN_METADATA_INVALID"]);

/** Steps 4-6, against a scan report. `disabledPaths` holds resolved SKILL.md paths. */
export function resolveAgainstReport(
  mentions: readonly SkillMention[],
  report: ScanReport,
  options: { config: Pick<SkillsConfig, "spaces">; disabledPaths?: ReadonlySet<string> },
): ResolvedMention[] {
  const blocking = report.errors.find((issue) => BLOCKING.has(issue.code));
  if (blocking) throw SkillError.fromIssue(blocking);
  const namespaces = enabledNamespaces(options.config);
  const byKey = new Map(report.skills.map((skill) => [`${skill.namespace}\u0000${skill.skill_name}`, skill]));
  const out: ResolvedMention[] = [];
  const seen = new Set<string>();
  for (const mention of mentions) {
    if (!namespaces.has(mention.namespace)) throw spaceNotConfigured(mention, [...namespaces], report.skills);
    const key = `${mention.namespace}\u0000${mention.skill_name}`;
    const skill = byKey.get(key);
    if (!skill) throw skillUnknown(mention, report.skills);
    if (skill.path !== null && options.disabledPaths?.has(skill.path)) continue;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ skill, mention });
  }
  return out;
}
