/**
 * Atomic file replacement for file tools: write a temp file in the target's directory, fsync it,
 * rename it over the target, then fsync the directory (best effort). A reader sees the old file
 * or the new one, never a mix; if anything fails the original file is untouched.
 *
 * Split in two steps so several files can be staged first and renamed only when every one of them
 * was written (apply_patch): `stageFile` then `commitStaged` (or `discardStaged`).
 *
 * What is guaranteed against a path changing after the workspace check (`target` must come from
 * `resolveWorkspacePath`):
 * - the last component is never followed: the temp file is created with O_CREAT|O_EXCL|O_NOFOLLOW
 *   and rename(2) replaces a symlink at the target instead of writing through it;
 * - the parent directory must still resolve to itself (no symlink swapped in) before the temp file
 *   is created and again right before the rename; on Linux the open temp descriptor is also
 *   checked through /proc/self/fd.
 * Not covered: a parent swapped in the instant between the last check and rename(2) (there is no
 * renameat with a directory descriptor in Node's fs).
 */
import { constants } from "node:fs";
import { lstat, mkdir, open, rename, rmdir, unlink } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { RuntimeError } from "../util/errors.ts";
import { assertInsideWorkspace, descriptorPath, realpathLoose } from "./workspace-path.ts";

export interface StageOptions {
  workspaceRoot: string;
  /** Create missing parent directories (default false). */
  createDirs?: boolean;
  /** The path as the caller named it, for error messages. */
  shownPath?: string;
  /** Permission bits of the new file (default: those of the file it replaces, else 0o666 minus umask). */
  mode?: number;
}

export interface StagedFile {
  target: string;
  temp: string;
  /** The top-most directory this staging created (removed again by `discardStaged`). */
  createdDir: string | null;
  workspaceRoot: string;
  shownPath: string;
}

function parentChanged(shownPath: string, real: string): RuntimeError {
  return new RuntimeError(
    "permission",
    `Cannot write "${shownPath}": its directory changed after the workspace check (now resolves to "${real}")`,
    { details: { path: shownPath, resolved_path: real } },
  );
}

async function checkParent(parent: string, workspaceRoot: string, shownPath: string): Promise<void> {
  const real = await realpathLoose(parent);
  if (real !== parent) throw parentChanged(shownPath, real);
  await assertInsideWorkspace(workspaceRoot, real, shownPath);
}

/** Permission bits for the new file: those of the file it replaces, else 0o666 minus the umask. */
async function modeFor(target: string): Promise<number | null> {
  try {
    const stats = await lstat(target);
    return stats.isFile() ? stats.mode & 0o7777 : null;
  } catch {
    return null;
  }
}

function tempName(target: string): string {
  const suffix = crypto.getRandomValues(new Uint32Array(2)).reduce((s, n) => s + n.toString(36), "");
  return `${dirname(target)}/.${basename(target)}.${suffix}.tmp`;
}

/** Write `data` to a synced temp file beside `target` (which must be a resolved, checked path). */
export async function stageFile(target: string, data: Uint8Array | string, options: StageOptions): Promise<StagedFile> {
  const shownPath = options.shownPath ?? target;
  const parent = dirname(target);
  const createdDir = options.createDirs ? ((await mkdir(parent, { recursive: true })) ?? null) : null;
  const staged: StagedFile = { target, temp: tempName(target), createdDir, workspaceRoot: options.workspaceRoot, shownPath };
  try {
    await checkParent(parent, options.workspaceRoot, shownPath);
    const mode = options.mode ?? (await modeFor(target));
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    const handle = await open(staged.temp, flags, mode === null ? 0o666 : 0o600);
    try {
      const actual = await descriptorPath(handle);
      if (actual !== null && dirname(actual) !== parent) throw parentChanged(shownPath, dirname(actual));
      if (mode !== null) await handle.chmod(mode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return staged;
  } catch (error) {
    await discardStaged(staged);
    throw error;
  }
}

/** Rename the staged temp file over its target and fsync the directory (best effort). */
export async function commitStaged(staged: StagedFile): Promise<void> {
  const parent = dirname(staged.target);
  await checkParent(parent, staged.workspaceRoot, staged.shownPath);
  await rename(staged.temp, staged.target);
  await syncDirectory(parent);
}

/** Remove a staged temp file and the directories its staging created, ignoring errors. */
export async function discardStaged(staged: StagedFile): Promise<void> {
  await unlink(staged.temp).catch(() => undefined);
  if (staged.createdDir === null) return;
  for (let dir = dirname(staged.target); ; dir = dirname(dir)) {
    // rmdir only removes empty directories: anything someone else put there stays.
    if (!(await rmdir(dir).then(() => true, () => false))) return;
    if (dir === staged.createdDir || dir === dirname(dir)) return;
  }
}

export async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: some file systems refuse fsync on directories.
  }
}

/** Atomically replace (or create) `target` with `data`. */
export async function writeFileAtomic(target: string, data: Uint8Array | string, options: StageOptions): Promise<void> {
  const staged = await stageFile(target, data, options);
  try {
    await commitStaged(staged);
  } catch (error) {
    await discardStaged(staged);
    throw error;
  }
}
