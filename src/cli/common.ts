import { resolve } from "node:path";
/** Flags shared by the commands that load a workspace, and the bootstrap they drive. */
import { loadConfig, type LoadedConfig } from "../config/load.ts";
import type { FlagSpec, ParsedArgs } from "./args.ts";
import type { CliIO } from "./command.ts";

export const WORKSPACE_FLAGS: readonly FlagSpec[] = [
  { name: "workspace-root", type: "string", value: "DIR", default: ".", description: "Workspace the command works in (config, skills, runs)." },
  { name: "config", type: "strings", value: "FILE", description: "Extra YAML overlay applied after config/runtime.yaml and SKILLS_RUNTIME_SDK_CONFIG_PATHS (relative to the workspace)." },
  { name: "no-dotenv", type: "boolean", description: "Do not read .env (nor the file named by SKILLS_RUNTIME_SDK_ENV_FILE)." },
];

export const OUTPUT_FLAGS: readonly FlagSpec[] = [
  { name: "json", type: "boolean", description: "Print machine-readable JSON." },
  { name: "pretty", type: "boolean", description: "Indent JSON output (implies --json)." },
];

export function loadWorkspaceConfig(args: ParsedArgs, io: CliIO): LoadedConfig {
  return loadConfig({
    workspaceRoot: workspaceRootFlag(args, io),
    configPaths: (args.flags.config as string[] | undefined) ?? [],
    dotenv: args.flags["no-dotenv"] !== true,
    env: io.env,
  });
}

/** The --workspace-root flag resolved against the caller's cwd. */
export function workspaceRootFlag(args: ParsedArgs, io: CliIO): string {
  return resolve(io.cwd, String(args.flags["workspace-root"] ?? "."));
}

/** JSON text for output: compact by default, 2-space indent with --pretty. */
export function formatJson(value: unknown, pretty: boolean): string {
  return `${pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)}\n`;
}

export function wantsJson(args: ParsedArgs): boolean {
  return args.flags.json === true || args.flags.pretty === true;
}
