/**
 * Where Studio storage lives under `<workspace>/.skills_runtime_sdk/` (spec 12.2), and the path
 * safety rule for ids taken from URLs: a `session_id` / `run_id` must name exactly one folder
 * directly inside `sessions/` / `runs/`. Anything else (`..`, `a/b`, an absolute path, a NUL byte,
 * an empty string) is a 400 `validation_error`, never a file access.
 */
import { dirname, join, resolve } from "node:path";
import { stateDir } from "../../config/paths.ts";
import { HttpError } from "../errors.ts";

export interface StorageLayout {
  workspaceRoot: string;
  /** `<ws>/.skills_runtime_sdk` */
  stateDir: string;
  sessionsDir: string;
  runsDir: string;
  /** The default filesystem skill source of a session (built-in and generated skills). */
  skillsDir: string;
}

export function storageLayout(workspaceRoot: string): StorageLayout {
  const root = resolve(workspaceRoot);
  const state = stateDir(root);
  return {
    workspaceRoot: root,
    stateDir: state,
    sessionsDir: join(state, "sessions"),
    runsDir: join(state, "runs"),
    skillsDir: join(state, "skills"),
  };
}

export type IdLabel = "session_id" | "run_id";

/** The folder `id` names directly inside `parent`; 400 `validation_error` when it would be anywhere else. */
export function childDir(parent: string, id: string, label: IdLabel): string {
  const target = id === "" || id.includes("\0") ? parent : resolve(parent, id);
  if (target === parent || dirname(target) !== parent) {
    throw new HttpError("validation_error", `Invalid ${label} ${JSON.stringify(id)}: it must name one folder inside ${label === "session_id" ? "sessions/" : "runs/"}`, {
      [label]: id,
    });
  }
  return target;
}

export function sessionDir(layout: StorageLayout, sessionId: string): string {
  return childDir(layout.sessionsDir, sessionId, "session_id");
}

export function runDir(layout: StorageLayout, runId: string): string {
  return childDir(layout.runsDir, runId, "run_id");
}
