/**
 * `file_write` (spec 4.3 #7): replace or create a whole file atomically (atomic-write.ts).
 */
import { z } from "zod";
import { RuntimeError } from "../util/errors.ts";
import { writeFileAtomic } from "./atomic-write.ts";
import description from "./file-write.md" with { type: "text" };
import { fsError } from "./fs-errors.ts";
import { okResult, type ToolDefinition } from "./registry.ts";
import { resolveWorkspacePath } from "./workspace-path.ts";

export const FileWriteArgs = z.strictObject({
  path: z.string().describe("File path, relative to the workspace root or absolute inside it"),
  content: z.string().describe("The complete file content"),
  sandbox_permissions: z.string().nullish().describe("`require_escalated` asks for approval"),
  justification: z.string().nullish().describe("Why the write is needed (shown when approval is asked)"),
  create_dirs: z.boolean().nullish().describe("Create missing parent directories (default true)"),
  mkdirs: z.boolean().nullish().describe("Alias of create_dirs"),
});
export type FileWriteArgs = z.infer<typeof FileWriteArgs>;

export const fileWriteTool: ToolDefinition<FileWriteArgs> = {
  name: "file_write",
  description,
  parameters: FileWriteArgs,
  async handler(args, ctx) {
    const resolved = await resolveWorkspacePath(ctx.workspaceRoot, args.path);
    const bytes = new TextEncoder().encode(args.content);
    try {
      await writeFileAtomic(resolved, bytes, {
        workspaceRoot: ctx.workspaceRoot,
        createDirs: args.create_dirs ?? args.mkdirs ?? true,
        shownPath: args.path,
      });
    } catch (error) {
      const mapped = fsError(error, "write file", args.path, { path: args.path });
      // file_write has no not_found kind: a missing parent (create_dirs false) is `unknown`.
      if (mapped.kind === "not_found") throw new RuntimeError("unknown", mapped.message, { details: mapped.details, cause: error });
      throw mapped;
    }
    return okResult(`wrote ${bytes.length} bytes`, { path: args.path, bytes: bytes.length });
  },
};
