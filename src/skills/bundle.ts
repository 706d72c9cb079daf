/**
 * A skill bundle: the local directory that holds a skill's `references/` and `actions/` (the skill
 * folder of a filesystem skill, or a Redis zip bundle extracted into the bundle cache, spec 7.15),
 * and the containment check every file access under it uses.
 */
import { realpath } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";

export interface SkillBundle {
  /** Absolute, resolved directory. */
  root: string;
  /** sha256 of the zip the root was extracted from; null for a filesystem skill folder. */
  sha256: string | null;
}

/** `path` resolved through symlinks; a missing tail is resolved lexically (like Python's non-strict resolve). */
export async function resolveReal(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch {
    const parent = resolve(absolute, "..");
    if (parent === absolute) return absolute;
    const base = absolute.slice(parent.length).replace(/^[/\\]+/, "");
    return resolve(await resolveReal(parent), base);
  }
}

/** True when `child` is `parent` or lies below it (both absolute, already resolved). */
export function isWithin(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The bundle of a filesystem skill: the resolved folder holding its SKILL.md. */
export async function folderBundle(skillMdPath: string): Promise<SkillBundle> {
  return { root: await resolveReal(resolve(skillMdPath, "..")), sha256: null };
}
