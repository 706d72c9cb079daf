/**
 * Filesystem skill source (spec 7.6): folders holding a `SKILL.md`, found breadth-first below
 * `options.root` (relative -> under the workspace). Metadata only: front matter + agents/openai.yaml.
 *
 * - A root that does not exist or is not a directory yields no skills and no error (preflight
 *   warns about it, decisions.md item 8).
 * - Children are visited in name order; names starting with `.` are skipped when
 *   `ignore_dot_entries`; symlinks other than `SKILL.md` are skipped (symlinked directories are
 *   never followed); a directory below `max_depth` is counted but not listed.
 * - Every visited directory counts toward `max_dirs_per_root` (0 = unlimited); going over adds one
 *   `SKILL_SCAN_METADATA_INVALID` and stops that root.
 * - A `SKILL.md` (possibly a symlink) must resolve inside the resolved root (`path_escape`).
 * - The body is read only by `readBody`, which re-checks containment (TOCTOU guard).
 */
import type { Dirent } from "node:fs";
import { lstat, readdir, readFile, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { resolveActionInBundle } from "./actions.ts";
import { folderBundle, isWithin, resolveReal } from "./bundle.ts";
import { skillIssue, type SkillIssue } from "./issues.ts";
import { readReferenceFile } from "./references.ts";
import { checkFrontmatter, readFrontmatter, readRequiredEnvVars } from "./skill-md.ts";
import type { SkillRecord, SkillSource, SourceFactory, SourceScanRequest, SourceScanResult } from "./source.ts";
import { expandHome } from "../config/paths.ts";
import { formatMicros } from "../util/time.ts";

const INVALID = "SKILL_SCAN_METADATA_INVALID";

/** `mtime` as RFC3339 UTC with `Z` (Python isoformat: microseconds only when non-zero). */
export function rfc3339FromNanos(nanos: bigint): string {
  const text = formatMicros(nanos / 1000n);
  return text.endsWith(".000000Z") ? `${text.slice(0, -8)}Z` : text;
}

/** Directories listed at the same time within one level of the walk. */
const CONCURRENCY = 32;

/** `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

interface FsHandle {
  rootReal: string;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

export const createFilesystemSource: SourceFactory = (config, deps): SkillSource => {
  const rootOption = config.options.root;

  async function loadSkill(skillMd: string, isLink: boolean, rootLabel: string, rootReal: string, request: SourceScanRequest, errors: SkillIssue[]): Promise<SkillRecord | null> {
    const fail = (message: string, details: Record<string, unknown>) => {
      errors.push(skillIssue(INVALID, message, { source_id: config.id, path: skillMd, ...details }));
      return null;
    };
    let real: string;
    try {
      // Directories are never followed through symlinks, so only a symlinked SKILL.md can resolve elsewhere.
      real = isLink ? await resolveReal(skillMd) : join(rootReal, relative(rootLabel, skillMd));
    } catch (error) {
      return fail(`Cannot load skill "${skillMd}": cannot resolve the path`, { reason: `resolve_failed:${(error as Error).message}` });
    }
    if (!isWithin(rootReal, real)) {
      return fail(`Cannot load skill "${skillMd}": SKILL.md resolves outside the source root (${real})`, {
        root: rootLabel,
        root_real: rootReal,
        path_real: real,
        reason: "path_escape",
      });
    }
    let info;
    try {
      info = await stat(real, { bigint: true });
      if (!info.isFile()) return null;
    } catch {
      return null;
    }
    let front;
    try {
      front = await readFrontmatter(real, request.limits.max_frontmatter_bytes);
    } catch (error) {
      return fail(`Cannot load skill "${skillMd}": cannot read SKILL.md (${(error as Error).message})`, { reason: "read_failed" });
    }
    if (!front.ok) {
      const why = {
        frontmatter_missing: "SKILL.md must start with a '---' front matter line",
        frontmatter_unterminated: "the front matter has no closing '---' line",
        frontmatter_too_large: `the front matter is larger than skills.scan.max_frontmatter_bytes (${request.limits.max_frontmatter_bytes})`,
        frontmatter_not_utf8: "the front matter is not valid UTF-8",
      }[front.reason];
      return fail(`Cannot load skill "${skillMd}": ${why}`, { reason: front.reason });
    }
    const checked = checkFrontmatter(front.data);
    if (!checked.ok) {
      const field = checked.field === "name" ? "skill_name" : "description";
      return fail(`Cannot load skill "${skillMd}": ${checked.rule}`, {
        field,
        ...(checked.actual !== undefined ? { actual: checked.actual } : {}),
        reason: checked.reason,
        ...(front.yamlError ? { yaml_error: front.yamlError } : {}),
      });
    }
    return {
      skill_name: checked.value.skill_name,
      description: checked.value.description,
      locator: skillMd,
      path: real,
      body_size: Number(info.size),
      required_env_vars: await readRequiredEnvVars(resolve(real, "..")),
      metadata: { ...checked.value.metadata, updated_at: rfc3339FromNanos(info.mtimeNs) },
      scope: null,
      handle: { rootReal } satisfies FsHandle,
    };
  }

  interface DirVisit {
    children: string[];
    skills: SkillRecord[];
    errors: SkillIssue[];
  }

  /** List one directory: its subdirectories (to visit next) and its SKILL.md, loaded. */
  async function visit(dir: string, root: string, rootReal: string, request: SourceScanRequest): Promise<DirVisit> {
    const out: DirVisit = { children: [], skills: [], errors: [] };
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      out.errors.push(skillIssue(INVALID, `Cannot scan skill source "${config.id}": cannot list ${dir} (${(error as Error).message})`, { source_id: config.id, path: dir, reason: "list_failed" }));
      return out;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const name = entry.name;
      if (request.limits.ignore_dot_entries && name.startsWith(".")) continue;
      const path = join(dir, name);
      let kind: "link" | "dir" | "other" = entry.isSymbolicLink() ? "link" : entry.isDirectory() ? "dir" : "other";
      if (!entry.isSymbolicLink() && !entry.isDirectory() && !entry.isFile()) {
        const info = await lstat(path).catch(() => null);
        if (!info) continue;
        kind = info.isSymbolicLink() ? "link" : info.isDirectory() ? "dir" : "other";
      }
      if (kind === "link" && name !== "SKILL.md") continue;
      if (kind === "dir") {
        out.children.push(path);
        continue;
      }
      if (name !== "SKILL.md") continue;
      const skill = await loadSkill(path, kind === "link", root, rootReal, request, out.errors);
      if (skill) out.skills.push(skill);
    }
    return out;
  }

  /**
   * Breadth-first, one level at a time with the directories of a level listed concurrently; results
   * are merged in queue order, so skills, issues and the directory budget match a sequential walk.
   */
  async function scan(request: SourceScanRequest): Promise<SourceScanResult> {
    const result: SourceScanResult = { skills: [], errors: [], warnings: [] };
    if (typeof rootOption !== "string" || rootOption.trim() === "") {
      result.errors.push(skillIssue(INVALID, `Cannot scan skill source "${config.id}": options.root is required for a filesystem source`, { source_id: config.id }));
      return result;
    }
    const expanded = expandHome(rootOption, deps.env);
    const root = isAbsolute(expanded) ? resolve(expanded) : await resolveReal(resolve(deps.workspaceRoot, expanded));
    if (!(await isDirectory(root))) return result;
    const rootReal = await resolveReal(root);
    const { max_depth, max_dirs_per_root } = request.limits;
    let level = [root];
    let visited = 0;
    for (let depth = 0; level.length > 0; depth++) {
      request.signal?.throwIfAborted();
      const overflow = max_dirs_per_root >= 1 && visited + level.length > max_dirs_per_root;
      if (overflow) level = level.slice(0, max_dirs_per_root - visited);
      visited += level.length;
      const visits = depth <= max_depth ? await mapLimit(level, CONCURRENCY, (dir) => visit(dir, root, rootReal, request)) : [];
      const next: string[] = [];
      for (const v of visits) {
        result.skills.push(...v.skills);
        result.errors.push(...v.errors);
        next.push(...v.children);
      }
      if (overflow) {
        result.errors.push(
          skillIssue(INVALID, `Cannot scan skill source "${config.id}": more than ${max_dirs_per_root} directories below ${root} (skills.scan.max_dirs_per_root)`, {
            source_id: config.id,
            root,
            max_dirs_per_root,
          }),
        );
        break;
      }
      level = next;
    }
    return result;
  }

  function handleOf(skill: { handle?: unknown; locator: string }): FsHandle {
    return (skill.handle as FsHandle | undefined) ?? { rootReal: resolve(skill.locator, "..") };
  }

  return {
    id: config.id,
    type: config.type,
    scan,
    async readBody(skill) {
      const real = await resolveReal(skill.locator);
      const { rootReal } = handleOf(skill);
      if (!isWithin(rootReal, real)) throw new Error(`skill body path escapes the source root: ${real}`);
      return new TextDecoder("utf-8", { fatal: true }).decode(await readFile(real));
    },
    async readReference(skill, request) {
      return readReferenceFile(await folderBundle(skill.path ?? skill.locator), request);
    },
    async resolveAction(skill, request) {
      return resolveActionInBundle(skill, await folderBundle(skill.path ?? skill.locator), request.actionId);
    },
    async close() {},
  };
};

