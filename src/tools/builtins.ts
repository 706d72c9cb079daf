/**
 * The builtin tools a run offers, in the reference's catalogue order (spec 4.3; registration order
 * is the order the model sees). Tools of later issues (exec sessions, collab) join here.
 * Every builtin has a safety descriptor in src/safety/descriptors.ts.
 *
 * The skill tools (`skill_exec`, `skill_ref_read`) are builtins but are offered only when the run
 * has skills configured (`builtinRegistry(only, { skills: true })`): without a skills manager
 * they could only ever fail.
 */
import { applyPatchTool } from "./apply-patch.ts";
import { askHumanTool } from "./ask-human.ts";
import { execCommandTool } from "./exec-command.ts";
import { fileReadTool } from "./file-read.ts";
import { fileWriteTool } from "./file-write.ts";
import { grepFilesTool } from "./grep-files.ts";
import { listDirTool } from "./list-dir.ts";
import { readFileTool } from "./read-file.ts";
import type { SkillsManager } from "../skills/skills-manager.ts";
import { ToolRegistry, type ToolDefinition } from "./registry.ts";
import { requestUserInputTool } from "./request-user-input.ts";
import { shellCommandTool } from "./shell-command.ts";
import { shellExecTool } from "./shell-exec.ts";
import { shellTool } from "./shell.ts";
import { skillExecTool } from "./skill-exec.ts";
import { skillRefReadTool } from "./skill-ref-read.ts";
import { updatePlanTool } from "./update-plan.ts";
import { viewImageTool } from "./view-image.ts";
import { webSearchTool } from "./web-search.ts";
import { writeStdinTool } from "./write-stdin.ts";
import { spawnAgentTool } from "./spawn-agent.ts";
import { waitAgentsTool } from "./wait-agents.ts";
import { sendInputTool } from "./send-input.ts";
import { closeAgentTool } from "./close-agent.ts";
import { resumeAgentTool } from "./resume-agent.ts";

/** Builtins in catalogue order. */
export const BUILTIN_TOOLS: readonly ToolDefinition<any>[] = [
  shellExecTool,
  shellTool,
  shellCommandTool,
  execCommandTool,
  writeStdinTool,
  fileReadTool,
  fileWriteTool,
  askHumanTool,
  updatePlanTool,
  requestUserInputTool,
  viewImageTool,
  webSearchTool,
  spawnAgentTool,
  waitAgentsTool,
  sendInputTool,
  closeAgentTool,
  resumeAgentTool,
  skillExecTool,
  skillRefReadTool,
  listDirTool,
  grepFilesTool,
  applyPatchTool,
  readFileTool,
];

/** The sub-agent tools (a child Agent never gets them: no grandchildren). */
export const COLLAB_TOOL_NAMES: readonly string[] = [spawnAgentTool.name, waitAgentsTool.name, sendInputTool.name, closeAgentTool.name, resumeAgentTool.name];

/** Builtins that need the run's skills manager (`ToolServices.skills`). */
export const SKILL_TOOL_NAMES: readonly string[] = [skillExecTool.name, skillRefReadTool.name];

/** Whether a run with this skills manager offers the skill tools: a manager with at least one space. */
export function offersSkillTools(skills: SkillsManager | null | undefined): boolean {
  return skills != null && skills.config.spaces.length > 0;
}

export interface BuiltinRegistryOptions {
  /** Offer the skill tools: true when the run has a skills manager (skills configured). Default false. */
  skills?: boolean;
}

/** A registry holding the builtins (kind `builtin`), optionally only those named; skill tools only with `skills`. */
export function builtinRegistry(only?: readonly string[], options: BuiltinRegistryOptions = {}): ToolRegistry {
  const registry = new ToolRegistry();
  for (const tool of BUILTIN_TOOLS) {
    if (only && !only.includes(tool.name)) continue;
    if (!options.skills && SKILL_TOOL_NAMES.includes(tool.name)) continue;
    registry.register(tool, { kind: "builtin" });
  }
  return registry;
}
