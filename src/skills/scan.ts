/**
 * Metadata-only scan (spec 7.5) and the scan report with the reference's JSON shape:
 * `{scan_id, skills[{space_id, source_id, namespace, skill_name, description, locator, path,
 * body_size, required_env_vars, metadata, scope}], errors[{code, message, details}], warnings[...],
 * stats{spaces_total, sources_total, skills_total}}`.
 *
 * 1. Config checks (unknown source type, bad namespace, unknown source id) -> an empty report with
 *    those errors and no I/O.
 * 2. Every enabled space scans each of its sources (sources run concurrently; results keep config
 *    order); issues accumulate.
 * 3. Skills sort by (skill_name, space_id, source_id, locator).
 * 4. A duplicate `(namespace, skill_name)` is fatal: the result carries the `SKILL_DUPLICATE_NAME`
 *    error and a report (no skills) whose errors start with it.
 * Scanning never reads a body.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { SkillsConfig } from "../config/schema.ts";
import { compareCodePoints } from "../util/canonical-json.ts";
import { SkillError, SkillIssue, skillIssue } from "./issues.ts";
import { sanitizeJson } from "./json-sanitize.ts";
import type { ScanLimits, Skill, SkillSource } from "./source.ts";
import { checkScanConfig, findDuplicate, spaceBindings } from "./spaces.ts";

export interface ScanStats {
  spaces_total: number;
  sources_total: number;
  skills_total: number;
}

export interface ScanReport {
  scan_id: string;
  skills: Skill[];
  errors: SkillIssue[];
  warnings: SkillIssue[];
  stats: ScanStats;
}

export const SkillJson = z.object({
  space_id: z.string(),
  source_id: z.string(),
  namespace: z.string(),
  skill_name: z.string(),
  description: z.string(),
  locator: z.string(),
  path: z.string().nullable(),
  body_size: z.number().int().nullable(),
  required_env_vars: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()),
  scope: z.string().nullable(),
});
export type SkillJson = z.infer<typeof SkillJson>;

export const ScanReportJson = z.object({
  scan_id: z.string(),
  skills: z.array(SkillJson),
  errors: z.array(SkillIssue),
  warnings: z.array(SkillIssue),
  stats: z.object({ spaces_total: z.number().int(), sources_total: z.number().int(), skills_total: z.number().int() }),
});
export type ScanReportJson = z.infer<typeof ScanReportJson>;

export function newScanId(): string {
  return `scan_${randomBytes(6).toString("hex")}`;
}

export function scanLimitsOf(config: Pick<SkillsConfig, "scan">): ScanLimits {
  const { ignore_dot_entries, max_depth, max_dirs_per_root, max_frontmatter_bytes } = config.scan;
  return { ignore_dot_entries, max_depth, max_dirs_per_root, max_frontmatter_bytes };
}

export function makeReport(config: Pick<SkillsConfig, "spaces" | "sources">, parts: Pick<ScanReport, "skills" | "errors" | "warnings">): ScanReport {
  return {
    scan_id: newScanId(),
    ...parts,
    stats: {
      spaces_total: config.spaces.filter((space) => space.enabled).length,
      sources_total: config.sources.length,
      skills_total: parts.skills.length,
    },
  };
}

/** A report for a scan that could not start (CLI bootstrap/config failures): `scan_id` "scan_cli_error". */
export function failedScanReport(errors: SkillIssue[]): ScanReport {
  return { scan_id: "scan_cli_error", skills: [], errors, warnings: [], stats: { spaces_total: 0, sources_total: 0, skills_total: 0 } };
}

export interface FullScan {
  report: ScanReport;
  /** Set when the scan found a duplicate key (the report then lists it first among its errors). */
  fatal: SkillError | null;
}

function compareSkills(a: Skill, b: Skill): number {
  return (
    compareCodePoints(a.skill_name, b.skill_name) ||
    compareCodePoints(a.space_id, b.space_id) ||
    compareCodePoints(a.source_id, b.source_id) ||
    compareCodePoints(a.locator, b.locator)
  );
}

/** One full scan, ignoring any cache. `sources` maps source id -> live source. */
export async function performFullScan(
  config: Pick<SkillsConfig, "spaces" | "sources" | "scan">,
  sources: ReadonlyMap<string, SkillSource>,
  options: { signal?: AbortSignal } = {},
): Promise<FullScan> {
  const configErrors = checkScanConfig(config);
  if (configErrors.length) return { report: makeReport(config, { skills: [], errors: configErrors, warnings: [] }), fatal: null };
  const limits = scanLimitsOf(config);
  const jobs = spaceBindings(config).flatMap(({ space, sources: sourceConfigs }) =>
    sourceConfigs.map(async (sourceConfig) => {
      const source = sources.get(sourceConfig.id);
      let result;
      try {
        if (!source) throw new Error(`no source implementation is registered for type "${sourceConfig.type}"`);
        result = await source.scan({ space: { id: space.id, namespace: space.namespace }, limits, ...(options.signal ? { signal: options.signal } : {}) });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        const issue = skillIssue("SKILL_SCAN_SOURCE_UNAVAILABLE", `Cannot scan skill source "${sourceConfig.id}" (${sourceConfig.type}): ${reason}`, {
          source_id: sourceConfig.id,
          source_type: sourceConfig.type,
          reason,
        });
        return { skills: [] as Skill[], errors: [issue], warnings: [] as SkillIssue[] };
      }
      const skills: Skill[] = result.skills.map((record) => ({ ...record, space_id: space.id, source_id: sourceConfig.id, namespace: space.namespace }));
      return { skills, errors: result.errors, warnings: result.warnings };
    }),
  );
  const results = await Promise.all(jobs);
  const skills = results.flatMap((r) => r.skills).sort(compareSkills);
  const errors = results.flatMap((r) => r.errors);
  const warnings = results.flatMap((r) => r.warnings);
  const fatal = findDuplicate(skills);
  if (fatal) return { report: makeReport(config, { skills: [], errors: [fatal.toIssue(), ...errors], warnings }), fatal };
  return { report: makeReport(config, { skills, errors, warnings }), fatal: null };
}

/** The scan report as JSON (no bodies, no `metadata.body_markdown`, everything sanitised). */
export function scanReportToJson(report: ScanReport): ScanReportJson {
  const issue = (it: SkillIssue) => ({ code: String(it.code), message: String(it.message), details: sanitizeJson(it.details ?? {}) as Record<string, unknown> });
  return {
    scan_id: report.scan_id,
    skills: report.skills.map(skillToJson),
    errors: report.errors.map(issue),
    warnings: report.warnings.map(issue),
    stats: { spaces_total: report.stats.spaces_total, sources_total: report.stats.sources_total, skills_total: report.stats.skills_total },
  };
}

export function skillToJson(skill: Skill): SkillJson {
  const { body_markdown: _body, ...metadata } = skill.metadata;
  return {
    space_id: skill.space_id,
    source_id: skill.source_id,
    namespace: skill.namespace,
    skill_name: skill.skill_name,
    description: skill.description,
    locator: skill.locator,
    path: skill.path,
    body_size: skill.body_size,
    required_env_vars: [...skill.required_env_vars],
    metadata: sanitizeJson(metadata) as Record<string, unknown>,
    scope: skill.scope,
  };
}
