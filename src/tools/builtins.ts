/**
 * The builtin tools a run offers, in the reference's catalogue order (spec 4.3; registration order
 * is the order the model sees). Tools of later issues (exec sessions, collab, skills) join here.
 * Every builtin has a safety descriptor in src/safety/descriptors.ts.
 */
import { applyPatchTool } from "./apply-patch.ts";
import { askHumanTool } from "./ask-human.ts";
import { fileReadTool } from "./file-read.ts";
import { fileWriteTool } from "./file-write.ts";
import { grepFilesTool } from "./grep-files.ts";
import { listDirTool } from "./list-dir.ts";
import { readFileTool } from "./read-file.ts";
import { ToolRegistry, type ToolDefinition } from "./registry.ts";
import { requestUserInputTool } from "./request-user-input.ts";
import { shellCommandTool } from "./shell-command.ts";
import { shellExecTool } from "./shell-exec.ts";
import { shellTool } from "./shell.ts";
import { updatePlanTool } from "./update-plan.ts";
import { viewImageTool } from "./view-image.ts";
import { webSearchTool } from "./web-search.ts";

/** Builtins in catalogue order. */
export const BUILTIN_TOOLS: readonly ToolDefinition<any>[] = [
  shellExecTool,
  shellTool,
  shellCommandTool,
  fileReadTool,
  fileWriteTool,
  askHumanTool,
  updatePlanTool,
  requestUserInputTool,
  viewImageTool,
  webSearchTool,
  listDirTool,
  grepFilesTool,
  applyPatchTool,
  readFileTool,
];

/** A registry holding the builtins (kind `builtin`), optionally only those named. */
export function builtinRegistry(only?: readonly string[]): ToolRegistry {
  const registry = new ToolRegistry();
  for (const tool of BUILTIN_TOOLS) {
    if (only && !only.includes(tool.name)) continue;
    registry.register(tool, { kind: "builtin" });
  }
  return registry;
}
