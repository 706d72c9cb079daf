/**
 * `read_file` (spec 4.3 #23): numbered lines of a UTF-8 file, as a slice or as the indented block
 * around an anchor line (read-file-indentation.ts). Lines are split on `\r\n`, `\r` and `\n`
 * (text-lines.ts explains the difference from the reference's `str.splitlines()`).
 */
import { z } from "zod";
import type { FileHandle } from "node:fs/promises";
import { pyStrip } from "../safety/python-compat.ts";
import { RuntimeError } from "../util/errors.ts";
import { fsError, fsErrorKind } from "./fs-errors.ts";
import description from "./read-file.md" with { type: "text" };
import { selectIndentationRange } from "./read-file-indentation.ts";
import { errorResult, okResult, type ToolDefinition } from "./registry.ts";
import { splitLines } from "./text-lines.ts";
import { openInsideWorkspace, resolveWorkspacePath } from "./workspace-path.ts";

export const MAX_LINE_CHARS = 500;
const MODES = ["slice", "indentation"] as const;

// Defaults are applied in the handler: a zod `.default()` would list the field as required in the
// provider-facing JSON schema (which is generated from the output type).
export const ReadFileIndentation = z.strictObject({
  anchor_line: z.number().int().min(1).nullish().describe("Line whose block to show (default: offset)"),
  max_levels: z.number().int().min(0).optional().meta({ default: 4, description: "Enclosing blocks to climb (0 = unlimited)" }),
  include_siblings: z.boolean().optional().meta({ default: false, description: "Show the enclosing block, siblings included" }),
  include_header: z.boolean().optional().meta({ default: false, description: "Include the block's header line" }),
  max_lines: z.number().int().min(1).nullish().describe("Maximum lines to return (default: limit)"),
});
export type ReadFileIndentation = z.infer<typeof ReadFileIndentation>;

export const ReadFileArgs = z.strictObject({
  file_path: z.string().describe("File path, relative to the workspace root or absolute inside it"),
  offset: z.number().int().min(1).optional().meta({ default: 1, description: "1-based first line" }),
  limit: z.number().int().min(1).optional().meta({ default: 2000, description: "Maximum number of lines" }),
  mode: z.string().optional().meta({ default: "slice", description: "`slice` (default) or `indentation`" }),
  indentation: ReadFileIndentation.nullish().describe("Options of the indentation mode"),
});
export type ReadFileArgs = z.infer<typeof ReadFileArgs>;

/** The arguments with their defaults applied. */
interface ReadRequest {
  filePath: string;
  offset: number;
  limit: number;
  indentation: ReadFileIndentation;
}

const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A line cut to 500 characters (code points, as Python counts) with `...` appended. */
export function clipLine(line: string): string {
  if (line.length <= MAX_LINE_CHARS) return line;
  const chars = Array.from(line);
  return chars.length <= MAX_LINE_CHARS ? line : `${chars.slice(0, MAX_LINE_CHARS).join("")}...`;
}

async function readText(handle: FileHandle, filePath: string, resolved: string): Promise<string> {
  const stats = await handle.stat();
  if (!stats.isFile()) {
    throw new RuntimeError("validation", `Cannot read "${filePath}": it is not a file`, { details: { file_path: filePath } });
  }
  const bytes = await handle.readFile();
  try {
    return strictDecoder.decode(bytes);
  } catch {
    throw new RuntimeError("validation", `Cannot read "${filePath}": it is not valid UTF-8 text`, { details: { file_path: resolved } });
  }
}

interface Selection {
  start: number;
  end: number;
  maxLines: number;
}

/** The inclusive 0-based range to show, or an error result for an anchor out of range. */
function indentationSelection(args: ReadRequest, lines: string[], resolved: string): Selection | ReturnType<typeof errorResult> {
  const options = args.indentation;
  const anchorLine = options.anchor_line ?? args.offset;
  if (anchorLine > lines.length) {
    return errorResult("validation", `Cannot read "${args.filePath}": anchor_line ${anchorLine} is beyond its ${lines.length} lines`, {
      file_path: resolved,
      anchor_line: anchorLine,
      total_lines: lines.length,
    });
  }
  const maxLines = options.max_lines ?? args.limit;
  const range = selectIndentationRange(lines, {
    anchorIndex: anchorLine - 1,
    maxLevels: options.max_levels ?? 4,
    includeSiblings: options.include_siblings ?? false,
    includeHeader: options.include_header ?? false,
  });
  if (range === null) return { start: anchorLine - 1, end: Math.min(lines.length, anchorLine - 1 + maxLines) - 1, maxLines };
  return { start: range[0], end: range[1], maxLines };
}

export const readFileTool: ToolDefinition<ReadFileArgs> = {
  name: "read_file",
  description,
  parameters: ReadFileArgs,
  async handler(args, ctx) {
    const mode = pyStrip(args.mode ?? "") || "slice";
    if (!(MODES as readonly string[]).includes(mode)) {
      return errorResult("validation", `Cannot read "${args.file_path}": mode "${mode}" is not supported (use slice or indentation)`, {
        mode,
        supported: [...MODES],
      });
    }
    const resolved = await resolveWorkspacePath(ctx.workspaceRoot, args.file_path);
    let handle: FileHandle;
    try {
      handle = await openInsideWorkspace(ctx.workspaceRoot, resolved, args.file_path);
    } catch (error) {
      if (fsErrorKind(error) === "not_found") {
        return errorResult("not_found", `Cannot read "${args.file_path}": it does not exist`, { file_path: args.file_path });
      }
      throw fsError(error, "read", args.file_path, { file_path: resolved });
    }
    let text: string;
    try {
      text = await readText(handle, args.file_path, resolved);
    } catch (error) {
      throw fsError(error, "read", args.file_path, { file_path: resolved });
    } finally {
      await handle.close();
    }

    const { offset = 1, limit = 2000 } = args;
    const request: ReadRequest = { filePath: args.file_path, offset, limit, indentation: args.indentation ?? {} };
    const lines = splitLines(text);
    const total = lines.length;
    if (offset > Math.max(total, 1)) {
      return errorResult("validation", `Cannot read "${args.file_path}": offset ${offset} is beyond its ${total} lines`, {
        file_path: resolved,
        offset,
        total_lines: total,
      });
    }
    let selection: Selection = { start: offset - 1, end: Math.min(total, offset - 1 + limit) - 1, maxLines: limit };
    if (mode === "indentation") {
      const chosen = indentationSelection(request, lines, resolved);
      if ("ok" in chosen) return chosen;
      selection = chosen;
    }
    const start = Math.max(0, selection.start);
    const end = Math.min(total - 1, selection.end);
    const length = end < start ? 0 : Math.min(end - start + 1, selection.maxLines);
    const out = lines.slice(start, start + length).map((line, i) => `L${start + i + 1}: ${clipLine(line)}`);
    const truncated = mode === "slice" ? offset - 1 + limit < total : length < end - start + 1;
    const data = { file_path: resolved, offset, limit, total_lines: total, mode };
    return { ...okResult(out.length > 0 ? `${out.join("\n")}\n` : "", data), truncated };
  },
};
