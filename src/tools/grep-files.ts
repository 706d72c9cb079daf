/**
 * `grep_files` (spec 4.3 #21): which files under a workspace path match a regex. The walk is
 * depth-first like Python's `os.walk` (a directory's files, then its subdirectories), in sorted
 * name order so results are stable; symlinked directories are not entered; a symlinked file is
 * searched only when its target is a regular file inside the workspace.
 */
import { z } from "zod";
import type { Dirent, Stats } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { pyStrip } from "../safety/python-compat.ts";
import { isInside } from "../safety/paths.ts";
import { compareCodePoints } from "../util/canonical-json.ts";
import { describeError, RuntimeError } from "../util/errors.ts";
import { fnmatchRegExp } from "./fnmatch.ts";
import { fsError, fsErrorKind } from "./fs-errors.ts";
import description from "./grep-files.md" with { type: "text" };
import { compilePythonRegex } from "./py-regex.ts";
import { errorResult, okResult, type ToolDefinition } from "./registry.ts";
import { openInsideWorkspace, realpathLoose, realWorkspaceRoot, resolveWorkspacePath } from "./workspace-path.ts";

export const GrepFilesArgs = z.strictObject({
  pattern: z.string().describe("Regular expression (Python syntax) searched in each file"),
  path: z.string().nullish().describe("Directory or file to search (default: the workspace root)"),
  include: z.string().nullish().describe('Glob on the path relative to `path`, e.g. "*.md"'),
  // Default applied in the handler (a zod `.default()` would make the JSON schema require it).
  limit: z.number().int().min(1).optional().meta({ default: 100, description: "Maximum number of matching files" }),
});
export type GrepFilesArgs = z.infer<typeof GrepFilesArgs>;

const BINARY_PROBE_BYTES = 1024;
const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

interface Search {
  regex: RegExp;
  include: RegExp | null;
  limit: number;
  workspaceRoot: string;
  realRoot: string;
  signal: AbortSignal;
  matches: string[];
}

/** True when the file is text (no NUL in its first 1024 bytes) and the regex finds a match. */
async function fileMatches(search: Search, path: string): Promise<boolean> {
  let handle;
  try {
    handle = await openInsideWorkspace(search.workspaceRoot, path);
  } catch {
    return false; // unreadable files are skipped, as the reference does
  }
  try {
    if (!(await handle.stat()).isFile()) return false;
    const bytes = new Uint8Array(await handle.readFile());
    if (bytes.subarray(0, BINARY_PROBE_BYTES).includes(0)) return false;
    return search.regex.test(decoder.decode(bytes));
  } catch {
    return false;
  } finally {
    await handle.close();
  }
}

/** The path to read for a directory entry that is not a directory, or null to skip it. */
async function searchablePath(search: Search, abs: string, entry: Dirent): Promise<string | null> {
  if (entry.isFile()) return abs;
  if (!entry.isSymbolicLink()) return null;
  const real = await realpathLoose(abs);
  if (!isInside(real, search.realRoot)) return null;
  return (await stat(real).then((s) => s.isFile(), () => false)) ? real : null;
}

/** Search one file; true once the limit is reached. */
async function consider(search: Search, path: string): Promise<boolean> {
  if (await fileMatches(search, path)) search.matches.push(path);
  return search.matches.length >= search.limit;
}

/** Walk `dir` (its files, then its subdirectories); true once the limit is reached. */
async function walk(search: Search, dir: string, rel: string): Promise<boolean> {
  search.signal.throwIfAborted();
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  entries = entries.filter((e) => !e.name.startsWith(".")).sort((a, b) => compareCodePoints(a.name, b.name));
  for (const entry of entries) {
    if (entry.isDirectory()) continue;
    const relPath = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (search.include && !search.include.test(relPath)) continue;
    const path = await searchablePath(search, join(dir, entry.name), entry);
    if (path !== null && (await consider(search, path))) return true;
  }
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    if (await walk(search, join(dir, entry.name), rel === "" ? entry.name : `${rel}/${entry.name}`)) return true;
  }
  return false;
}

function compile(kind: string, value: string, build: () => RegExp): RegExp {
  try {
    return build();
  } catch (error) {
    throw new RuntimeError("validation", `Cannot search files: invalid ${kind} "${value}": ${describeError(error)}`, {
      details: { [kind === "include glob" ? "include" : "pattern"]: value },
    });
  }
}

export const grepFilesTool: ToolDefinition<GrepFilesArgs> = {
  name: "grep_files",
  description,
  parameters: GrepFilesArgs,
  async handler(args, ctx) {
    const pattern = pyStrip(args.pattern);
    if (pattern === "") return errorResult("validation", "Cannot search files: the pattern is empty");
    const include = args.include != null && pyStrip(args.include) !== "" ? args.include : null;
    const regex = compile("pattern regex", pattern, () => compilePythonRegex(pattern));
    const includeGlob = include === null ? null : compile("include glob", include, () => fnmatchRegExp(include));

    const realRoot = await realWorkspaceRoot(ctx.workspaceRoot);
    const root = args.path != null ? await resolveWorkspacePath(ctx.workspaceRoot, args.path) : realRoot;
    const { limit = 100 } = args;
    const search: Search = { regex, include: includeGlob, limit, workspaceRoot: ctx.workspaceRoot, realRoot, signal: ctx.signal, matches: [] };
    let stats: Stats | null = null;
    try {
      stats = await stat(root);
    } catch (error) {
      // A missing root is "no matches", not an error.
      if (fsErrorKind(error) !== "not_found") throw fsError(error, "search", args.path ?? root, { path: args.path ?? root });
    }
    let truncated = false;
    if (stats?.isFile()) {
      // Single-file mode: `include` is matched against the file name.
      if (!includeGlob || includeGlob.test(basename(root))) truncated = await consider(search, root);
    } else if (stats?.isDirectory()) {
      truncated = await walk(search, root, "");
    } else if (stats) {
      return errorResult("validation", `Cannot search "${args.path ?? root}": it is neither a file nor a directory`, { path: args.path ?? root });
    }
    const files = search.matches;
    const stdout = files.length === 0 ? "No matches found.\n" : `${files.join("\n")}\n`;
    return { ...okResult(stdout, { files, pattern, root, include, limit }), truncated };
  },
};
