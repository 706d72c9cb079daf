/**
 * Spaces and sources (spec 7.2): which sources each enabled space scans, the namespace it gives
 * their skills, the config checks a scan makes before any I/O (spec 7.5 step 1), and the fatal
 * duplicate-key check (a skill key is `(namespace, skill_name)`; the same key from any two sources,
 * even across spaces sharing a namespace, is fatal).
 */
import type { SkillSourceConfig, SkillSpaceConfig, SkillsConfig } from "../config/schema.ts";
import { SkillError, skillIssue, type SkillIssue } from "./issues.ts";
import { formatMention, isValidNamespace } from "./mentions.ts";
import { SUPPORTED_SOURCE_TYPES } from "./source-factories.ts";
import type { Skill } from "./source.ts";

const INVALID = "SKILL_SCAN_METADATA_INVALID";

export interface SpaceBinding {
  space: SkillSpaceConfig;
  sources: SkillSourceConfig[];
}

/** Source id -> source config; with duplicate ids the last one wins (preflight reports them). */
export function sourcesById(config: Pick<SkillsConfig, "sources">): Map<string, SkillSourceConfig> {
  return new Map(config.sources.map((source) => [source.id, source]));
}

/** The config checks of scan step 1: unknown source types, bad namespaces, unknown source ids. */
export function checkScanConfig(config: Pick<SkillsConfig, "spaces" | "sources">): SkillIssue[] {
  const errors: SkillIssue[] = [];
  const byId = sourcesById(config);
  for (const source of byId.values()) {
    if (!(SUPPORTED_SOURCE_TYPES as readonly string[]).includes(source.type)) {
      errors.push(
        skillIssue(INVALID, `Cannot scan skill source "${source.id}": unknown type "${source.type}" (expected ${SUPPORTED_SOURCE_TYPES.join(", ")})`, {
          source_id: source.id,
          source_type: source.type,
        }),
      );
    }
  }
  for (const space of config.spaces) {
    if (!isValidNamespace(space.namespace)) {
      errors.push(
        skillIssue(INVALID, `Cannot scan skill space "${space.id}": namespace "${space.namespace}" is not valid`, {
          field: "skills.spaces[].namespace",
          space_id: space.id,
          actual: space.namespace,
          reason: "invalid_namespace",
        }),
      );
    }
    for (const sourceId of space.sources) {
      if (!byId.has(sourceId)) {
        errors.push(skillIssue(INVALID, `Cannot scan skill space "${space.id}": it lists source "${sourceId}", which is not configured`, { space_id: space.id, source_id: sourceId }));
      }
    }
  }
  return errors;
}

/** Enabled spaces, in config order, with their sources in listed order. Call after `checkScanConfig`. */
export function spaceBindings(config: Pick<SkillsConfig, "spaces" | "sources">): SpaceBinding[] {
  const byId = sourcesById(config);
  return config.spaces
    .filter((space) => space.enabled)
    .map((space) => ({ space, sources: space.sources.map((id) => byId.get(id)).filter((s): s is SkillSourceConfig => s !== undefined) }));
}

/** Namespaces of the enabled spaces. */
export function enabledNamespaces(config: Pick<SkillsConfig, "spaces">): Set<string> {
  return new Set(config.spaces.filter((space) => space.enabled).map((space) => space.namespace));
}

function origin(skill: Skill): string {
  return `source "${skill.source_id}" (space "${skill.space_id}") at ${skill.locator}`;
}

/**
 * The first duplicate key among `skills` (already sorted), as the fatal `SKILL_DUPLICATE_NAME`
 * error naming every origin; null when keys are unique.
 */
export function findDuplicate(skills: readonly Skill[]): SkillError | null {
  const buckets = new Map<string, Skill[]>();
  for (const skill of skills) {
    const key = `${skill.namespace}\u0000${skill.skill_name}`;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(skill);
    else buckets.set(key, [skill]);
  }
  for (const members of buckets.values()) {
    if (members.length < 2) continue;
    const { namespace, skill_name } = members[0]!;
    const where = members.map(origin);
    const listed = where.length === 2 ? `${where[0]} and ${where[1]}` : `${where.slice(0, -1).join(", ")} and ${where.at(-1)}`;
    return new SkillError("SKILL_DUPLICATE_NAME", `Cannot index skill "${formatMention(namespace, skill_name)}": it is defined ${members.length} times, by ${listed}`, {
      details: {
        namespace,
        skill_name,
        conflicts: members.map((s) => ({ space_id: s.space_id, source_id: s.source_id, locator: s.locator })),
      },
    });
  }
  return null;
}
