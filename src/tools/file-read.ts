/**
 * `file_read` (spec 4.3 #6): a text file's content, head and tail kept when it is over
 * `max_bytes`.
 */
import { z } from "zod";
import type { FileHandle } from "node:fs/promises";
import { RuntimeError } from "../util/errors.ts";
import description from "./file-read.md" with { type: "text" };
import { okResult, type ToolDefinition } from "./registry.ts";
import { withToolFile } from "./tool-file.ts";

/** The reference's `ToolExecutionContext.max_file_bytes`. */
export const DEFAULT_MAX_FILE_BYTES = 262_144;
export const TRUNCATION_MARKER = "\n...<truncated>\n";

export const FileReadArgs = z.strictObject({
  path: z.string().describe("File path, relative to the workspace root or absolute inside it"),
  max_bytes: z.number().int().min(1).nullish().describe("Maximum bytes to return (default 262144)"),
});
export type FileReadArgs = z.infer<typeof FileReadArgs>;

const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

function joinHeadTail(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const marker = new TextEncoder().encode(TRUNCATION_MARKER);
  const out = new Uint8Array(head.length + marker.length + tail.length);
  out.set(head, 0);
  out.set(marker, head.length);
  out.set(tail, head.length + marker.length);
  return out;
}

/**
 * The file's bytes, or its first ⌊max/2⌋ and last ⌈max/2⌉ bytes around the marker when the file
 * is larger than `maxBytes`.
 */
export async function readHeadTail(handle: FileHandle, maxBytes: number): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const { size } = await handle.stat();
  const headLength = Math.floor(maxBytes / 2);
  const tailLength = maxBytes - headLength;
  if (size <= maxBytes) {
    const bytes = new Uint8Array(await handle.readFile());
    if (bytes.length <= maxBytes) return { bytes, truncated: false };
    // The file grew between stat and read: cut what was read the same way.
    return { bytes: joinHeadTail(bytes.subarray(0, headLength), bytes.subarray(bytes.length - tailLength)), truncated: true };
  }
  const head = await readAt(handle, 0, headLength);
  const tail = await readAt(handle, size - tailLength, tailLength);
  return { bytes: joinHeadTail(head, tail), truncated: true };
}

export const fileReadTool: ToolDefinition<FileReadArgs> = {
  name: "file_read",
  description,
  parameters: FileReadArgs,
  async handler(args, ctx) {
    return withToolFile(ctx.workspaceRoot, args.path, { action: "read file", details: () => ({ path: args.path }) }, async (handle) => {
      const stats = await handle.stat();
      if (!stats.isFile()) {
        const what = stats.isDirectory() ? "it is a directory" : "it is not a regular file";
        throw new RuntimeError("unknown", `Cannot read file "${args.path}": ${what}`, { details: { path: args.path } });
      }
      const { bytes, truncated } = await readHeadTail(handle, args.max_bytes ?? DEFAULT_MAX_FILE_BYTES);
      return { ...okResult(decoder.decode(bytes), { path: args.path }), truncated };
    });
  },
};
