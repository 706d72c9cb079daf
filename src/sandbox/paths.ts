/**
 * Host path facts the sandbox adapters need, behind a tiny injectable interface so the argv and
 * profile builders stay pure and their tests exact on any machine.
 */
import { existsSync, realpathSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { SandboxProfile } from "../config/schema.ts";

export interface SandboxFs {
  /** True when `path` exists (symlinks followed: a dangling link does not exist). */
  exists(path: string): boolean;
  /** The symlink-free absolute path, or null when it does not exist. */
  realpath(path: string): string | null;
}

export const hostFs: SandboxFs = {
  exists: (path) => existsSync(path),
  realpath: (path) => {
    try {
      return realpathSync(path);
    } catch {
      return null;
    }
  },
};

export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * Entries of the workspace that stay read-only inside the writable workspace under `balanced`
 * and `prod`: the git repository (hooks and config run on the host later), the runtime's state
 * directory (WALs, approvals) and the config directory (it sets the policy itself).
 */
export const PROTECTED_ENTRIES = [".git", ".skills_runtime_sdk", "config"] as const;

export function protectsWorkspaceMeta(profile: SandboxProfile): boolean {
  return profile !== "dev";
}

/**
 * The real paths to keep read-only for `profile`: each protected entry that exists, symlinks
 * resolved. An entry whose real path is outside the workspace is left out: the sandbox binds (or
 * allows writes to) nothing outside the workspace anyway.
 */
export function protectedPaths(root: string, { profile, fs }: { profile: SandboxProfile; fs: SandboxFs }): string[] {
  if (!protectsWorkspaceMeta(profile)) return [];
  const out: string[] = [];
  for (const entry of PROTECTED_ENTRIES) {
    const real = fs.realpath(join(root, entry));
    if (real !== null && isInside(root, real) && !out.includes(real)) out.push(real);
  }
  return out;
}
