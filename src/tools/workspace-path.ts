/**
 * Path arguments of file tools, confined to the workspace (spec 4.2 `resolve_path`).
 *
 * `resolveWorkspacePath` turns a path argument into the absolute, symlink-free path it names and
 * refuses anything outside the real workspace root. Resolution walks the path one component at a
 * time (like Python's non-strict `Path.resolve()`): `..` applies to what was resolved so far,
 * every existing symlink is followed (dangling ones too), and components that do not exist yet
 * are kept as written. So `link/new.txt`, with `link` pointing outside, is refused before the
 * file exists.
 *
 * The check and the later use of the path are separate system calls, so a component can be
 * replaced by a symlink in between. `openInsideWorkspace` narrows that window for reads: it
 * opens with O_NOFOLLOW (a final component swapped for a symlink fails) and then checks where
 * the open descriptor really is (`/proc/self/fd` on Linux; elsewhere the path is resolved again
 * and the device/inode pair compared). Writes are covered in atomic-write.ts.
 */
import { constants, type Stats } from "node:fs";
import { lstat, open, readlink, type FileHandle } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import { isInside } from "../safety/paths.ts";
import { RuntimeError } from "../util/errors.ts";

/** Symlinks followed while resolving one path before giving up (Linux uses 40). */
const MAX_SYMLINKS = 40;

export const OUTSIDE_WORKSPACE = "forbidden path outside workspace_root";

/**
 * The real path `path` names: symlinks and `..` resolved component by component; components
 * that do not exist are kept as written. Throws a `permission` error on a symlink loop.
 */
export async function realpathLoose(path: string): Promise<string> {
  // Callers resolve against the workspace first; the process cwd is never a base.
  if (!isAbsolute(path)) throw new TypeError(`realpathLoose needs an absolute path, got "${path}"`);
  // Split without normalising: `link/..` must go to the parent of the link's target.
  const full = path;
  const pending = full.split("/").filter((part) => part !== "");
  let resolved = "/";
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === ".") continue;
    if (part === "..") {
      resolved = dirname(resolved);
      continue;
    }
    const next = join(resolved, part);
    let stats: Stats;
    try {
      stats = await lstat(next);
    } catch {
      // Missing (or unreadable): nothing below it can be a symlink we could follow; keep it as is.
      resolved = next;
      continue;
    }
    if (!stats.isSymbolicLink()) {
      resolved = next;
      continue;
    }
    links += 1;
    if (links > MAX_SYMLINKS) {
      throw new RuntimeError("permission", `Cannot resolve path "${path}": too many levels of symbolic links`, { details: { path } });
    }
    const target = await readlink(next);
    pending.unshift(...target.split("/").filter((p) => p !== ""));
    if (isAbsolute(target)) resolved = "/";
  }
  return resolved;
}

/** The real path of the workspace root (resolved the same way, so a missing root still works). */
export async function realWorkspaceRoot(workspaceRoot: string): Promise<string> {
  return realpathLoose(workspaceRoot);
}

function outsideError(path: string, resolved: string): RuntimeError {
  return new RuntimeError(
    "permission",
    `Cannot access path "${path}": ${OUTSIDE_WORKSPACE} (it resolves to "${resolved}")`,
    { details: { path, resolved_path: resolved } },
  );
}

/**
 * Resolve a tool's path argument: relative paths are taken under `workspaceRoot`; the result is
 * the real absolute path, which must be the real workspace root or inside it.
 */
export async function resolveWorkspacePath(workspaceRoot: string, path: string): Promise<string> {
  if (path.includes("\0")) {
    throw new RuntimeError("validation", `Cannot resolve path ${JSON.stringify(path)}: it contains a NUL byte`, { details: { path } });
  }
  const root = await realWorkspaceRoot(workspaceRoot);
  const resolved = await realpathLoose(isAbsolute(path) ? path : `${root}/${path}`);
  if (!isInside(resolved, root)) throw outsideError(path, resolved);
  return resolved;
}

/** Throw a `permission` error unless `resolved` (a real path) lies in the real workspace root. */
export async function assertInsideWorkspace(workspaceRoot: string, resolved: string, shownPath = resolved): Promise<void> {
  const root = await realWorkspaceRoot(workspaceRoot);
  if (!isInside(resolved, root)) throw outsideError(shownPath, resolved);
}

/** Where an open descriptor really is, or null when the platform cannot tell (no /proc). */
export async function descriptorPath(handle: FileHandle): Promise<string | null> {
  try {
    const target = await readlink(`/proc/self/fd/${handle.fd}`);
    return target.startsWith("/") ? target.replace(/ \(deleted\)$/, "") : null;
  } catch {
    return null;
  }
}

/**
 * Open an already resolved path for reading without following a symlink in the last component,
 * then check that what was opened is the file the check approved (inside the workspace).
 * O_NONBLOCK keeps a FIFO from blocking the open; callers check `stat().isFile()` themselves.
 */
export async function openInsideWorkspace(workspaceRoot: string, resolved: string, shownPath = resolved): Promise<FileHandle> {
  const handle = await open(resolved, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const actual = await descriptorPath(handle);
    if (actual !== null) {
      await assertInsideWorkspace(workspaceRoot, actual, shownPath);
    } else {
      const again = await realpathLoose(resolved);
      await assertInsideWorkspace(workspaceRoot, again, shownPath);
      const [opened, named] = await Promise.all([handle.stat(), lstat(again)]);
      if (opened.dev !== named.dev || opened.ino !== named.ino) throw outsideError(shownPath, again);
    }
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}
