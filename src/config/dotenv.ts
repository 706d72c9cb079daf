/**
 * `.env` loading (spec 1.5). Parsing uses the `dotenv` npm package's `parse()` (it never touches the
 * process env); this module decides WHICH file is read and which values are injected.
 *
 * 1. `SKILLS_RUNTIME_SDK_ENV_FILE` (non-blank) names the file; relative to the workspace, `~` expanded;
 *    a missing file is an error.
 * 2. Else `<workspace>/.env` when it exists.
 * Values never override variables already present in the environment.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "dotenv";
import { ConfigError } from "../util/errors.ts";
import { ENV, nonBlank, type EnvMap } from "./env.ts";
import { resolveInWorkspace } from "./paths.ts";

export interface DotenvResult {
  /** Absolute path of the file read, or null when none was found. */
  path: string | null;
  /** Variables from the file that are not already set in `env`. */
  vars: Record<string, string>;
}

export function parseDotenv(text: string): Record<string, string> {
  return parse(text);
}

export function loadDotenv(workspaceRoot: string, env: EnvMap): DotenvResult {
  const explicit = nonBlank(env, ENV.envFile);
  let path: string | null = null;
  if (explicit !== undefined) {
    path = resolveInWorkspace(workspaceRoot, explicit, env);
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new ConfigError(
        `Cannot load env file "${explicit}": env file not found: ${path} (named by ${ENV.envFile}; create it or unset the variable)`,
        { code: "CLI_DOTENV_LOAD_FAILED", details: { env_file: path } },
      );
    }
  } else {
    const candidate = join(workspaceRoot, ".env");
    if (existsSync(candidate) && statSync(candidate).isFile()) path = candidate;
  }
  if (path === null) return { path: null, vars: {} };
  let parsed: Record<string, string>;
  try {
    parsed = parseDotenv(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(`Cannot load env file "${path}": ${(error as Error).message}`, {
      code: "CLI_DOTENV_LOAD_FAILED",
      details: { env_file: path },
      cause: error,
    });
  }
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (key === "" || env[key] !== undefined) continue;
    vars[key] = value;
  }
  return { path, vars };
}
