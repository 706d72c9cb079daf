/**
 * `apply_patch` (spec 4.3 #22): apply a Codex-style patch (apply-patch-parse.ts).
 *
 * Three phases, so a failing patch changes nothing:
 * 1. plan: every section runs against a virtual file system (later sections see earlier ones);
 * 2. stage: every file to write is written and fsynced to a temp file beside its target;
 * 3. commit: temp files are renamed over their targets, then deleted files are removed.
 * A failure in phases 1-2 leaves the workspace as it was (temp files and directories created
 * for them are removed). Only an OS error in the middle of phase 3 can leave some files changed.
 */
import { z } from "zod";
import { lstat, unlink } from "node:fs/promises";
import { RuntimeError, isRuntimeError } from "../util/errors.ts";
import { applyHunks } from "./apply-patch-hunks.ts";
import { parsePatch, type PatchSection } from "./apply-patch-parse.ts";
import description from "./apply-patch.md" with { type: "text" };
import { commitStaged, discardStaged, stageFile, type StagedFile } from "./atomic-write.ts";
import { fsError, fsErrorKind } from "./fs-errors.ts";
import { okResult, type ToolDefinition } from "./registry.ts";
import { openInsideWorkspace, resolveWorkspacePath } from "./workspace-path.ts";

export const ApplyPatchArgs = z.strictObject({
  input: z.string().describe("The whole patch text, from *** Begin Patch to *** End Patch"),
});
export type ApplyPatchArgs = z.infer<typeof ApplyPatchArgs>;

export interface PatchChange {
  kind: "add" | "update" | "delete" | "move";
  path: string;
  moved_to?: string;
}

interface OnDisk {
  exists: boolean;
  isDir: boolean;
  mode: number | null;
}

const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The patch's effect, built section by section over the real files. */
class VirtualFs {
  /** Final content per real path (null = deleted), in order of first change. */
  readonly final = new Map<string, string | null>();
  /** Permission bits a moved file carries to its new path. */
  readonly modes = new Map<string, number>();
  /** How the patch named each real path, for error messages. */
  readonly shown = new Map<string, string>();

  constructor(private readonly workspaceRoot: string) {}

  async disk(path: string): Promise<OnDisk> {
    try {
      const stats = await lstat(path);
      return { exists: true, isDir: stats.isDirectory(), mode: stats.isFile() ? stats.mode & 0o7777 : null };
    } catch (error) {
      if (fsErrorKind(error) === "not_found") return { exists: false, isDir: false, mode: null };
      throw error;
    }
  }

  async exists(path: string): Promise<boolean> {
    if (this.final.has(path)) return this.final.get(path) !== null;
    return (await this.disk(path)).exists;
  }

  async isDir(path: string): Promise<boolean> {
    return !this.final.has(path) && (await this.disk(path)).isDir;
  }

  async read(path: string, shown: string): Promise<string> {
    const text = this.final.get(path);
    if (typeof text === "string") return text;
    const handle = await openInsideWorkspace(this.workspaceRoot, path, shown);
    try {
      return strictDecoder.decode(await handle.readFile());
    } catch (error) {
      if (error instanceof TypeError) throw new RuntimeError("validation", `Cannot update "${shown}": it is not valid UTF-8 text`);
      throw error;
    } finally {
      await handle.close();
    }
  }
}

async function requireFile(vfs: VirtualFs, path: string, shown: string, action: string): Promise<void> {
  if (!(await vfs.exists(path))) throw new RuntimeError("not_found", `Cannot ${action} "${shown}": it does not exist`);
  if (await vfs.isDir(path)) throw new RuntimeError("validation", `Cannot ${action} "${shown}": it is a directory`);
}

async function planSection(vfs: VirtualFs, root: string, section: PatchSection, changes: PatchChange[]): Promise<void> {
  const target = await resolveWorkspacePath(root, section.path);
  if (section.kind === "add") {
    if (await vfs.exists(target)) throw new RuntimeError("validation", `Cannot add "${section.path}": it already exists`);
    vfs.final.set(target, `${section.lines.join("\n")}\n`);
    vfs.shown.set(target, section.path);
    changes.push({ kind: "add", path: section.path });
    return;
  }
  if (section.kind === "delete") {
    if (section.body.length > 0) throw new RuntimeError("validation", `Cannot delete "${section.path}": a Delete File section must be empty`);
    await requireFile(vfs, target, section.path, "delete");
    vfs.final.set(target, null);
    changes.push({ kind: "delete", path: section.path });
    return;
  }
  const moveTo = section.moveTo === null ? null : await resolveWorkspacePath(root, section.moveTo);
  await requireFile(vfs, target, section.path, "update");
  const text = applyHunks(section.path, await vfs.read(target, section.path), section.hunks);
  vfs.final.set(target, text);
  vfs.shown.set(target, section.path);
  changes.push({ kind: "update", path: section.path, ...(moveTo === null ? {} : { moved_to: moveTo }) });
  if (moveTo === null) return;
  if (await vfs.exists(moveTo)) throw new RuntimeError("validation", `Cannot move "${section.path}" to "${section.moveTo}": the target already exists`);
  const mode = vfs.modes.get(target) ?? (await vfs.disk(target)).mode;
  if (mode !== null) vfs.modes.set(moveTo, mode);
  vfs.final.set(moveTo, text);
  vfs.shown.set(moveTo, section.moveTo ?? moveTo);
  vfs.final.set(target, null);
  changes.push({ kind: "move", path: section.path, moved_to: moveTo });
}

async function commit(vfs: VirtualFs, root: string): Promise<void> {
  const staged: StagedFile[] = [];
  try {
    for (const [path, text] of vfs.final) {
      if (text === null) continue;
      const shownPath = vfs.shown.get(path) ?? path;
      try {
        staged.push(await stageFile(path, text, { workspaceRoot: root, createDirs: true, mode: vfs.modes.get(path), shownPath }));
      } catch (error) {
        throw fsError(error, "write", shownPath);
      }
    }
  } catch (error) {
    await Promise.all(staged.map(discardStaged));
    throw error;
  }
  for (const file of staged) await commitStaged(file);
  for (const [path, text] of vfs.final) {
    if (text === null) await unlink(path).catch((error) => (fsErrorKind(error) === "not_found" ? undefined : Promise.reject(error)));
  }
}

/** Errors as the reference maps them: not_found and permission kept, anything else validation. */
function patchError(error: unknown): RuntimeError {
  const mapped = isRuntimeError(error) ? error : fsError(error, "apply patch to", (error as { path?: string }).path ?? "?");
  if (mapped.kind === "not_found" || mapped.kind === "permission" || mapped.kind === "validation") return mapped;
  return new RuntimeError("validation", mapped.message, { details: mapped.details, cause: error });
}

export const applyPatchTool: ToolDefinition<ApplyPatchArgs> = {
  name: "apply_patch",
  description,
  parameters: ApplyPatchArgs,
  async handler(args, ctx) {
    const sections = parsePatch(args.input);
    const vfs = new VirtualFs(ctx.workspaceRoot);
    const changes: PatchChange[] = [];
    try {
      for (const section of sections) await planSection(vfs, ctx.workspaceRoot, section, changes);
      await commit(vfs, ctx.workspaceRoot);
    } catch (error) {
      throw patchError(error);
    }
    const count = (kind: PatchChange["kind"]) => changes.filter((c) => c.kind === kind).length;
    const summary = `apply_patch ok: add=${count("add")} update=${count("update")} delete=${count("delete")} move=${count("move")}`;
    return okResult(`${summary}\n`, { changes });
  },
};
