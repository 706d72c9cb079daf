/**
 * `view_image` (spec 4.3 #11): an image file as base64 with a MIME type guessed from its
 * extension. The size is checked before reading, so a huge file is refused without loading it.
 */
import { z } from "zod";
import { extname } from "node:path";
import { RuntimeError } from "../util/errors.ts";
import { errorResult, okResult, type ToolDefinition } from "./registry.ts";
import description from "./view-image.md" with { type: "text" };
import { withToolFile } from "./tool-file.ts";

export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

const MIME_BY_EXTENSION: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
};

export function guessImageMime(path: string): string {
  return MIME_BY_EXTENSION[extname(path).toLowerCase()] ?? "application/octet-stream";
}

function tooLarge(path: string, resolved: string, bytes: number) {
  return errorResult("validation", `Cannot view image "${path}": it is ${bytes} bytes, over the ${MAX_IMAGE_BYTES} byte limit`, {
    path: resolved,
    bytes,
    max_bytes: MAX_IMAGE_BYTES,
  });
}

export const ViewImageArgs = z.strictObject({
  path: z.string().min(1).describe("Image path, relative to the workspace root or absolute inside it"),
});
export type ViewImageArgs = z.infer<typeof ViewImageArgs>;

export const viewImageTool: ToolDefinition<ViewImageArgs> = {
  name: "view_image",
  description,
  parameters: ViewImageArgs,
  async handler(args, ctx) {
    return withToolFile(ctx.workspaceRoot, args.path, { action: "view image", details: (resolved) => ({ path: resolved }) }, async (handle, resolved) => {
      const stats = await handle.stat();
      if (!stats.isFile()) {
        throw new RuntimeError("validation", `Cannot view image "${args.path}": it is not a file`, { details: { path: resolved } });
      }
      if (stats.size > MAX_IMAGE_BYTES) return tooLarge(args.path, resolved, stats.size);
      const raw = await handle.readFile();
      if (raw.length > MAX_IMAGE_BYTES) return tooLarge(args.path, resolved, raw.length);
      return okResult("", { path: resolved, mime: guessImageMime(resolved), base64: raw.toString("base64"), bytes: raw.length });
    });
  },
};
