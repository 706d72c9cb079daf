/**
 * The skills of a Studio session: a fresh metadata scan of the session's filesystem sources
 * through the engine's SkillsManager (the same space/source layout as the session's skills
 * overlay, the scan limits of the loaded config), with each skill's enabled flag from
 * `disabled_paths` and the scan's problems as issues the Studio can show (spec 12.4, plus
 * `issues`: preflight warnings such as a missing root, invalid SKILL.md files, a fatal duplicate).
 */
import { isAbsolute } from "node:path";
import { z } from "zod";
import type { EnvMap } from "../config/env.ts";
import { resolveInWorkspace } from "../config/paths.ts";
import type { SkillsConfig } from "../config/schema.ts";
import { resolveReal } from "../skills/bundle.ts";
import { SkillError, type SkillIssue } from "../skills/issues.ts";
import { SkillsManager } from "../skills/skills-manager.ts";
import type { Skill } from "../skills/source.ts";
import type { SessionSkillsConfig } from "./context.ts";
import { sessionSkillsOverlay } from "./storage/skills-overlay.ts";

export const IssueView = z.object({
  code: z.string(),
  message: z.string(),
  level: z.enum(["error", "warning"]),
  /** The file or folder the issue is about, when known. */
  path: z.string().nullable(),
});
export type IssueView = z.infer<typeof IssueView>;

export const SkillView = z.object({
  name: z.string(),
  /** The namespace a mention uses: `$[<namespace>].<name>`. */
  namespace: z.string(),
  description: z.string(),
  path: z.string(),
  enabled: z.boolean(),
  dependencies: z.object({ env_vars: z.array(z.string()) }),
});
export type SkillView = z.infer<typeof SkillView>;

export interface ScanContext {
  workspaceRoot: string;
  env: EnvMap;
  /** The loaded config's skills section: its scan limits apply; spaces and sources are the session's. */
  baseConfig?: SkillsConfig;
}

export interface SessionScan {
  skills: Skill[];
  issues: IssueView[];
  /** The fatal scan error (a duplicate skill name), when there was one. */
  fatal: SkillError | null;
}

export function issueView(issue: SkillIssue): IssueView {
  const { details } = issue;
  // Preflight issues carry a config key in `path` and the file system path in `resolved`.
  const path = typeof details.resolved === "string" ? details.resolved : typeof details.path === "string" && isAbsolute(details.path) ? details.path : null;
  return { code: issue.code, message: issue.message, level: details.level === "warning" ? "warning" : "error", path };
}

/** Scan the given (normalised) sources as a session's runs would see them. */
export async function scanSessionSources(context: ScanContext, sources: readonly string[]): Promise<SessionScan> {
  const overlay = sessionSkillsOverlay(sources).skills;
  const config = { ...(context.baseConfig ?? {}), spaces: overlay.spaces, sources: overlay.sources, injection: overlay.injection };
  const manager = new SkillsManager({ workspaceRoot: context.workspaceRoot, config, env: context.env });
  try {
    const issues = manager.preflight().map(issueView);
    let fatal: SkillError | null = null;
    try {
      await manager.scan({ forceRefresh: true });
    } catch (error) {
      if (!(error instanceof SkillError)) throw error;
      fatal = error;
    }
    const report = manager.lastReport;
    issues.push(...(report?.errors ?? []).map(issueView), ...(report?.warnings ?? []).map(issueView));
    return { skills: report?.skills ?? [], issues, fatal };
  } finally {
    await manager.close();
  }
}

/** The real paths of `disabled_paths` (relative entries resolve under the workspace). */
async function disabledSet(context: ScanContext, disabled: readonly string[]): Promise<Set<string>> {
  const paths = await Promise.all(disabled.map((entry) => resolveReal(resolveInWorkspace(context.workspaceRoot, entry, context.env))));
  return new Set(paths);
}

/** The skills of a session as the API lists them. */
export async function sessionSkillViews(context: ScanContext, config: SessionSkillsConfig): Promise<{ skills: SkillView[]; issues: IssueView[] }> {
  const scan = await scanSessionSources(context, config.filesystem_sources);
  const disabled = await disabledSet(context, config.disabled_paths);
  const skills = await Promise.all(
    scan.skills.map(async (skill): Promise<SkillView> => ({
      name: skill.skill_name,
      namespace: skill.namespace,
      description: skill.description,
      path: skill.path ?? skill.locator,
      enabled: skill.path === null || !disabled.has(await resolveReal(skill.path)),
      dependencies: { env_vars: [...skill.required_env_vars] },
    })),
  );
  return { skills, issues: scan.issues };
}

/** Whether the skill at `skillPath` is enabled under `disabled_paths`. */
export async function isSkillEnabled(context: ScanContext, disabled: readonly string[], skillPath: string): Promise<boolean> {
  return !(await disabledSet(context, disabled)).has(await resolveReal(skillPath));
}

/** Whether `path` (resolved) is the SKILL.md of one of the scanned skills. */
export async function isScannedSkillPath(context: ScanContext, scan: SessionScan, path: string): Promise<boolean> {
  const target = await resolveReal(resolveInWorkspace(context.workspaceRoot, path, context.env));
  for (const skill of scan.skills) {
    if (skill.path !== null && (await resolveReal(skill.path)) === target) return true;
  }
  return false;
}
