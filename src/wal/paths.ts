/**
 * Where a run lives on disk (spec 3.4 / 17):
 * `<workspace>/.skills_runtime_sdk/runs/<run_id>/{events.jsonl, events.jsonl.lock, artifacts/}`.
 *
 * Run ids come from users, URLs and other processes, so every path built from one is checked: a
 * run id must be one plain path segment and the result must stay inside the runs directory.
 */
import { join, resolve, sep } from "node:path";
import { RuntimeError } from "../util/errors.ts";

export const STATE_DIR_NAME = ".skills_runtime_sdk";
export const WAL_FILE_NAME = "events.jsonl";
export const WAL_LOCK_SUFFIX = ".lock";
export const ARTIFACTS_DIR_NAME = "artifacts";
export const MAX_RUN_ID_LENGTH = 200;

// Control characters (C0, DEL, C1), path separators; plus "." and ".." as whole ids.
const FORBIDDEN_RUN_ID_CHARS = /[\u0000-\u001f\u007f-\u009f/\\]/;

/** Why `runId` is not a safe run id, or null when it is. */
export function runIdProblem(runId: string): string | null {
  if (typeof runId !== "string" || runId.length === 0) return "it is empty";
  if (runId.trim() !== runId) return "it has leading or trailing whitespace";
  if (runId.length > MAX_RUN_ID_LENGTH) return `it is longer than ${MAX_RUN_ID_LENGTH} characters`;
  if (runId === "." || runId === "..") return "it is a relative path segment";
  if (FORBIDDEN_RUN_ID_CHARS.test(runId)) return "it contains a path separator or a control character";
  return null;
}

/** Return `runId` unchanged, or throw a `validation` error naming the problem. */
export function validateRunId(runId: string): string {
  const problem = runIdProblem(runId);
  if (problem !== null) {
    throw new RuntimeError("validation", `Invalid run id ${JSON.stringify(String(runId))}: ${problem}`, {
      details: { run_id: String(runId) },
    });
  }
  return runId;
}

/** `<workspace>/.skills_runtime_sdk` (absolute). */
export function stateDir(workspaceRoot: string): string {
  return resolve(workspaceRoot, STATE_DIR_NAME);
}

/** `<workspace>/.skills_runtime_sdk/runs` (absolute). */
export function runsDir(workspaceRoot: string): string {
  return join(stateDir(workspaceRoot), "runs");
}

/** `<workspace>/.skills_runtime_sdk/runs/<run_id>` (absolute, validated). */
export function runDir(workspaceRoot: string, runId: string): string {
  validateRunId(runId);
  const root = runsDir(workspaceRoot);
  const dir = resolve(root, runId);
  if (!dir.startsWith(root + sep)) {
    throw new RuntimeError("validation", `Invalid run id ${JSON.stringify(runId)}: it escapes the runs directory`, {
      details: { run_id: runId },
    });
  }
  return dir;
}

/** The run's WAL file `…/runs/<run_id>/events.jsonl`. */
export function walPath(workspaceRoot: string, runId: string): string {
  return join(runDir(workspaceRoot, runId), WAL_FILE_NAME);
}

/** The cross-process lock file next to a WAL (`events.jsonl.lock`). */
export function walLockPath(walFilePath: string): string {
  return walFilePath + WAL_LOCK_SUFFIX;
}

/** The run's artifacts directory `…/runs/<run_id>/artifacts`. */
export function artifactsDir(workspaceRoot: string, runId: string): string {
  return join(runDir(workspaceRoot, runId), ARTIFACTS_DIR_NAME);
}
