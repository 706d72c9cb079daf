/**
 * Start-up work of `serve` on the workspace (spec 12.1): install the built-in example skills into
 * `<ws>/.skills_runtime_sdk/skills/` (the default filesystem source of new sessions), never
 * overwriting a skill folder that already exists.
 */
import { installBuiltinSkills } from "../skills/builtin.ts";
import { storageLayout } from "./storage/layout.ts";

export interface PreparedWorkspace {
  /** Where the built-in skills live (the default session source). */
  skillsDir: string;
  /** Built-in skills written now. */
  installed: string[];
  /** Built-in skills whose folder already existed (left untouched). */
  kept: string[];
}

export async function prepareWorkspace(workspaceRoot: string): Promise<PreparedWorkspace> {
  const { skillsDir } = storageLayout(workspaceRoot);
  const { installed, kept } = await installBuiltinSkills(skillsDir);
  return { skillsDir, installed, kept };
}
