/**
 * Filesystem skill sources of a session (spec 12.2): each non-blank entry is trimmed, `~` is
 * expanded, a relative path is resolved against the workspace root, and the result must stay
 * inside the workspace, also after following symlinks; otherwise a 400 `validation_error`
 * "invalid filesystem_source: path must stay within workspace_root" with `details.filesystem_sources`.
 */
import type { EnvMap } from "../../config/env.ts";
import { resolveInWorkspace } from "../../config/paths.ts";
import { isWithin, resolveReal } from "../../skills/bundle.ts";
import { HttpError } from "../errors.ts";

export const OUTSIDE_WORKSPACE_RULE = "path must stay within workspace_root";

/** Trimmed, non-blank entries in input order (what the API echoes back). */
export function trimSources(list: readonly string[]): string[] {
  return list.map((entry) => entry.trim()).filter((entry) => entry !== "");
}

/** Absolute path of a path inside the workspace (lexically and through symlinks), or null when it leaves it. */
export async function pathInsideWorkspace(workspaceRoot: string, raw: string, env: EnvMap): Promise<string | null> {
  const absolute = resolveInWorkspace(workspaceRoot, raw.trim(), env);
  if (!isWithin(workspaceRoot, absolute)) return null;
  const [realRoot, real] = await Promise.all([resolveReal(workspaceRoot), resolveReal(absolute)]);
  return isWithin(realRoot, real) ? absolute : null;
}

/**
 * Normalise a list of sources: trimmed, blanks dropped, absolute, de-duplicated (first wins: the
 * same root twice would make every skill in it a fatal duplicate).
 */
export async function normalizeSources(workspaceRoot: string, list: readonly string[], env: EnvMap): Promise<string[]> {
  const out: string[] = [];
  for (const entry of trimSources(list)) {
    const absolute = await pathInsideWorkspace(workspaceRoot, entry, env);
    if (absolute === null) {
      throw new HttpError("validation_error", `invalid filesystem_source ${JSON.stringify(entry)}: ${OUTSIDE_WORKSPACE_RULE}`, {
        filesystem_sources: [...list],
        invalid: entry,
      });
    }
    if (!out.includes(absolute)) out.push(absolute);
  }
  return out;
}
