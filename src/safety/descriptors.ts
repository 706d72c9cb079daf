/**
 * Tool safety descriptors: for every builtin tool (spec 4.3) its policy category and its
 * sanitizer (spec 5.6). Categories follow the reference, except decisions.md item 6: the collab
 * tools `spawn_agent`, `send_input`, `close_agent`, `resume_agent` are gated with the by-name
 * `custom` policy (tool_denylist, mode, tool_allowlist) instead of passing through.
 */
import type { PolicyCategory } from "./policy.ts";
import {
  sanitizeApplyPatch,
  sanitizeExecCommand,
  sanitizeFileWrite,
  sanitizeGeneric,
  sanitizeShell,
  sanitizeShellCommand,
  sanitizeShellExec,
  sanitizeSkillExec,
  sanitizeUnknownTool,
  sanitizeWriteStdin,
  type SanitizeContext,
  type SanitizedCall,
  type ToolArgs,
} from "./sanitize.ts";

export interface ToolSafetyDescriptor {
  category: PolicyCategory;
  sanitize(args: ToolArgs, ctx: SanitizeContext): SanitizedCall;
}

const shell = (sanitize: ToolSafetyDescriptor["sanitize"]): ToolSafetyDescriptor => ({ category: "shell", sanitize });
const file = (sanitize: ToolSafetyDescriptor["sanitize"]): ToolSafetyDescriptor => ({ category: "file", sanitize });

/** No gate (always allowed); events still hide `env` values and secrets. */
export const PASSTHROUGH_DESCRIPTOR: ToolSafetyDescriptor = { category: "none", sanitize: sanitizeGeneric };
/** Registered non-builtin tools and gated collab tools: by-name policy, generic sanitizer. */
export const CUSTOM_DESCRIPTOR: ToolSafetyDescriptor = { category: "custom", sanitize: sanitizeGeneric };
/** Unknown tools: always denied (fail closed), arguments not shown. */
export const DENY_DESCRIPTOR: ToolSafetyDescriptor = { category: "deny", sanitize: () => sanitizeUnknownTool() };

/** Builtin tools in registration (= provider) order, with their descriptors. */
export const BUILTIN_TOOL_DESCRIPTORS = {
  shell_exec: shell(sanitizeShellExec),
  shell: shell(sanitizeShell),
  shell_command: shell(sanitizeShellCommand),
  exec_command: shell(sanitizeExecCommand),
  write_stdin: file(sanitizeWriteStdin),
  file_read: PASSTHROUGH_DESCRIPTOR,
  file_write: file(sanitizeFileWrite),
  ask_human: PASSTHROUGH_DESCRIPTOR,
  update_plan: PASSTHROUGH_DESCRIPTOR,
  request_user_input: PASSTHROUGH_DESCRIPTOR,
  view_image: PASSTHROUGH_DESCRIPTOR,
  web_search: PASSTHROUGH_DESCRIPTOR,
  spawn_agent: CUSTOM_DESCRIPTOR,
  wait: PASSTHROUGH_DESCRIPTOR,
  send_input: CUSTOM_DESCRIPTOR,
  close_agent: CUSTOM_DESCRIPTOR,
  resume_agent: CUSTOM_DESCRIPTOR,
  skill_exec: shell(sanitizeSkillExec),
  skill_ref_read: PASSTHROUGH_DESCRIPTOR,
  list_dir: PASSTHROUGH_DESCRIPTOR,
  grep_files: PASSTHROUGH_DESCRIPTOR,
  apply_patch: file(sanitizeApplyPatch),
  read_file: PASSTHROUGH_DESCRIPTOR,
} as const satisfies Record<string, ToolSafetyDescriptor>;

export type BuiltinToolName = keyof typeof BUILTIN_TOOL_DESCRIPTORS;
export const BUILTIN_TOOL_NAMES = Object.keys(BUILTIN_TOOL_DESCRIPTORS) as BuiltinToolName[];

export function isBuiltinToolName(name: string): name is BuiltinToolName {
  return Object.hasOwn(BUILTIN_TOOL_DESCRIPTORS, name);
}

/**
 * How the registry knows a tool: `builtin` (one of the 23), `custom` (registered by the host,
 * even under a builtin name with override) or `unregistered` (the model named a tool that does
 * not exist).
 */
export type ToolKind = "builtin" | "custom" | "unregistered";

/** The descriptor for a tool; anything that cannot be resolved gets the deny descriptor. */
export function getToolDescriptor(tool: string, kind: ToolKind): ToolSafetyDescriptor {
  if (kind === "custom") return CUSTOM_DESCRIPTOR;
  if (kind === "builtin" && isBuiltinToolName(tool)) return BUILTIN_TOOL_DESCRIPTORS[tool];
  return DENY_DESCRIPTOR;
}
