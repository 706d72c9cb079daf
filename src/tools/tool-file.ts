/**
 * A file named by a tool's path argument, opened for reading inside the workspace: a missing file
 * is a `not_found` result, any other failure (before or while reading) throws with the kind of its
 * OS error, and the handle is always closed.
 */
import type { FileHandle } from "node:fs/promises";
import type { ToolResultPayload } from "../events/tool-result.ts";
import { fsError, fsErrorKind } from "./fs-errors.ts";
import { errorResult } from "./registry.ts";
import { openInsideWorkspace, resolveWorkspacePath } from "./workspace-path.ts";

export interface ToolFileOptions {
  /** The action in messages: `Cannot <action> "<path>": ...`. */
  action: string;
  /** `data` of errors, from the resolved path. */
  details: (resolved: string) => Record<string, unknown>;
}

export async function withToolFile(
  workspaceRoot: string,
  shownPath: string,
  options: ToolFileOptions,
  use: (handle: FileHandle, resolved: string) => Promise<ToolResultPayload>,
): Promise<ToolResultPayload> {
  const resolved = await resolveWorkspacePath(workspaceRoot, shownPath);
  let handle: FileHandle;
  try {
    handle = await openInsideWorkspace(workspaceRoot, resolved, shownPath);
  } catch (error) {
    if (fsErrorKind(error) === "not_found") {
      return errorResult("not_found", `Cannot ${options.action} "${shownPath}": it does not exist`, { path: shownPath });
    }
    throw fsError(error, options.action, shownPath, options.details(resolved));
  }
  try {
    return await use(handle, resolved);
  } catch (error) {
    throw fsError(error, options.action, shownPath, options.details(resolved));
  } finally {
    await handle.close();
  }
}
