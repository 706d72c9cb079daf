/** Path helpers for config files: `~` expansion and workspace-relative resolution. */
import { homedir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { EnvMap } from "./env.ts";

export function expandHome(path: string, env: EnvMap): string {
  if (path === "~") return env.HOME ?? homedir();
  if (path.startsWith("~/")) return join(env.HOME ?? homedir(), path.slice(2));
  return path;
}

/** Resolve `path` against `workspaceRoot` unless it is absolute; `~` is expanded first. */
export function resolveInWorkspace(workspaceRoot: string, path: string, env: EnvMap): string {
  const expanded = expandHome(path, env);
  return isAbsolute(expanded) ? resolve(expanded) : resolve(workspaceRoot, expanded);
}

/** A path for messages: relative to the workspace when inside it, else absolute. */
export function displayPath(workspaceRoot: string, path: string): string {
  const rel = relative(workspaceRoot, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

/** The runtime-owned state directory of a workspace. */
export function stateDir(workspaceRoot: string): string {
  return join(workspaceRoot, ".skills_runtime_sdk");
}
