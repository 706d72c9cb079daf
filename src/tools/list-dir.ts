/**
 * `list_dir` (spec 4.3 #20): breadth-first listing of a workspace directory to a depth, sorted by
 * relative path and paged with offset/limit. Hidden entries are skipped; symlinked directories
 * are listed (type `symlink`) but never entered.
 */
import { z } from "zod";
import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { compareCodePoints } from "../util/canonical-json.ts";
import { RuntimeError } from "../util/errors.ts";
import { fsError, fsErrorKind } from "./fs-errors.ts";
import description from "./list-dir.md" with { type: "text" };
import { errorResult, okResult, type ToolDefinition } from "./registry.ts";
import { realpathLoose, resolveWorkspacePath } from "./workspace-path.ts";

// Defaults are applied in the handler: a zod `.default()` would list the field as required in the
// provider-facing JSON schema (which is generated from the output type).
export const ListDirArgs = z.strictObject({
  dir_path: z.string().describe("Directory path, relative to the workspace root or absolute inside it"),
  depth: z.number().int().min(1).optional().meta({ default: 2, description: "How deep to recurse (1 = direct children)" }),
  offset: z.number().int().min(1).optional().meta({ default: 1, description: "1-based index of the first entry to return" }),
  limit: z.number().int().min(1).optional().meta({ default: 25, description: "Maximum number of entries to return" }),
});
export type ListDirArgs = z.infer<typeof ListDirArgs>;

export type EntryType = "file" | "dir" | "symlink" | "other";

export interface DirEntry {
  rel_path: string;
  abs_path: string;
  type: EntryType;
}

const SUFFIX: Record<EntryType, string> = { file: "", dir: "/", symlink: "@", other: "?" };

function entryType(dirent: Dirent): EntryType {
  if (dirent.isSymbolicLink()) return "symlink";
  if (dirent.isDirectory()) return "dir";
  if (dirent.isFile()) return "file";
  return "other";
}

/** All non-hidden entries down to `depth` levels below `root`, sorted by relative path. */
export async function collectEntries(root: string, depth: number, signal?: AbortSignal): Promise<DirEntry[]> {
  const out: DirEntry[] = [];
  const queue: Array<{ dir: string; rel: string; level: number }> = [{ dir: root, rel: "", level: 1 }];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    signal?.throwIfAborted();
    let children: Dirent[];
    try {
      children = await readdir(next.dir, { withFileTypes: true });
    } catch {
      continue; // unreadable directory: skipped, as the reference does
    }
    for (const child of children) {
      if (child.name.startsWith(".")) continue;
      const abs = join(next.dir, child.name);
      const rel = next.rel === "" ? child.name : `${next.rel}/${child.name}`;
      const type = entryType(child);
      // abs_path is the resolved path: a symlink shows where it points.
      out.push({ rel_path: rel, abs_path: type === "symlink" ? await realpathLoose(abs) : abs, type });
      if (type === "dir" && next.level < depth) queue.push({ dir: abs, rel, level: next.level + 1 });
    }
  }
  return out.sort((a, b) => compareCodePoints(a.rel_path, b.rel_path));
}

export const listDirTool: ToolDefinition<ListDirArgs> = {
  name: "list_dir",
  description,
  parameters: ListDirArgs,
  async handler(args, ctx) {
    const { depth = 2, offset = 1, limit = 25 } = args;
    const root = await resolveWorkspacePath(ctx.workspaceRoot, args.dir_path);
    try {
      if (!(await stat(root)).isDirectory()) {
        throw new RuntimeError("validation", `Cannot list directory "${args.dir_path}": it is not a directory`, {
          details: { dir_path: args.dir_path },
        });
      }
    } catch (error) {
      if (fsErrorKind(error) === "not_found") {
        return errorResult("not_found", `Cannot list directory "${args.dir_path}": it does not exist`, { dir_path: args.dir_path });
      }
      throw fsError(error, "list directory", args.dir_path, { dir_path: args.dir_path });
    }

    const entries = await collectEntries(root, depth, ctx.signal);
    const total = entries.length;
    const start = offset - 1;
    if (start >= total && (total > 0 || offset !== 1)) {
      return errorResult(
        "validation",
        `Cannot list directory "${args.dir_path}": offset ${offset} is beyond its ${total} entries`,
        { dir_path: root, offset, total },
      );
    }
    const page = entries.slice(start, start + limit);
    const truncated = start + limit < total;
    const lines = [`Absolute path: ${root}`, ...page.map((e) => `${e.rel_path}${SUFFIX[e.type]}`)];
    if (truncated) lines.push(`More than ${limit} entries found`);
    const data = { dir_path: root, depth, offset, limit, total, entries: page };
    return { ...okResult(`${lines.join("\n")}\n`, data), truncated };
  },
};
