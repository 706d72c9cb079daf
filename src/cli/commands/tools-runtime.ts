/**
 * What `skills-runtime tools <subcommand>` needs around one tool call (spec 11.3): the workspace
 * bootstrap (root, `.env`, overlays, effective config), the tool context and services, the
 * `--input-file` loader confined to the workspace, the offline HumanIO of `--answers-json`, and the
 * JSON envelope `{tool, result, stats}`.
 *
 * Unlike the reference, the loaded config is applied (sandbox.default_policy, tools.web_search, ...)
 * and a broken config stops the call with a `validation` result instead of being ignored.
 */
import { randomBytes } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { discoverOverlayPaths } from "../../config/discover.ts";
import { loadConfig, type LoadedConfig } from "../../config/load.ts";
import { expandHome, resolveInWorkspace } from "../../config/paths.ts";
import type { RuntimeConfig } from "../../config/schema.ts";
import { toolEnvironment } from "../../core/agent.ts";
import type { ToolResultPayload } from "../../events/tool-result.ts";
import { pyStr } from "../../safety/python-compat.ts";
import { builtinRegistry } from "../../tools/builtins.ts";
import { fsError, fsErrorKind } from "../../tools/fs-errors.ts";
import type { HumanIO, HumanInputRequest } from "../../tools/human-io.ts";
import { errorResult, type ToolServices } from "../../tools/registry.ts";
import { openInsideWorkspace, resolveWorkspacePath } from "../../tools/workspace-path.ts";
import { describeError, isRuntimeError } from "../../util/errors.ts";
import { RuntimeClient, type RuntimeClientOptions } from "../../runtime/client.ts";
import { PersistentCollab } from "../../runtime/persistent-collab.ts";
import { PersistentExecSessions } from "../../runtime/persistent-exec.ts";
import type { ParsedArgs } from "../args.ts";
import type { CliIO } from "../command.ts";
import type { ChildBackendChoice } from "./tools-subcommands.ts";

export interface ToolsStats {
  workspace_root: string;
  overlay_paths: string[];
  env_file: string | null;
  dotenv_error?: string;
}

export type ToolsBootstrap =
  | { ok: true; loaded: LoadedConfig; stats: ToolsStats }
  /** The workspace or its config cannot be used: `failure` is printed as the result. */
  | { ok: false; failure: ToolResultPayload; stats: ToolsStats };

function configPathsFlag(args: ParsedArgs): string[] {
  return (args.flags.config as string[] | undefined) ?? [];
}

/**
 * Resolve the workspace root, read `.env` (a failure is reported as `stats.dotenv_error` and the
 * call goes on without it, as in the reference) and load the effective config.
 */
export function bootstrapTools(args: ParsedArgs, io: CliIO): ToolsBootstrap {
  const root = resolve(io.cwd, expandHome(String(args.flags["workspace-root"] ?? "."), io.env));
  const stats: ToolsStats = { workspace_root: root, overlay_paths: [], env_file: null };
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    return { ok: false, failure: errorResult("validation", "workspace_root is invalid", { workspace_root: root }), stats };
  }
  const load = (dotenv: boolean) =>
    loadConfig({ workspaceRoot: root, configPaths: configPathsFlag(args), dotenv, env: io.env });
  let dotenvError: string | undefined;
  try {
    let loaded: LoadedConfig;
    try {
      loaded = load(args.flags["no-dotenv"] !== true);
    } catch (error) {
      if (!isRuntimeError(error) || error.code !== "CLI_DOTENV_LOAD_FAILED") throw error;
      dotenvError = error.message;
      loaded = load(false);
    }
    return {
      ok: true,
      loaded,
      stats: { ...stats, overlay_paths: loaded.overlayPaths, env_file: loaded.envFile, ...(dotenvError ? { dotenv_error: dotenvError } : {}) },
    };
  } catch (error) {
    const code = isRuntimeError(error) ? error.code : undefined;
    const failed: ToolsStats = { ...stats, overlay_paths: discoverOverlayPaths(root, io.env, configPathsFlag(args)), ...(dotenvError ? { dotenv_error: dotenvError } : {}) };
    return { ok: false, failure: errorResult("validation", `Cannot load the workspace config: ${describeError(error)}`, code ? { code } : undefined), stats: failed };
  }
}

/**
 * The offline HumanIO of `--answers-json` (spec 11.3): the answer to a question is the mapping's
 * value for its id (the part of the call id after the last `:`), stringified as Python's `str()`
 * does; a missing id answers the first choice, or "" when there are none.
 */
export class OfflineHumanIO implements HumanIO {
  constructor(private readonly answers: Readonly<Record<string, unknown>>) {}

  async requestHumanInput(request: HumanInputRequest): Promise<string> {
    const questionId = request.callId.split(":").at(-1) ?? "";
    if (Object.hasOwn(this.answers, questionId)) return pyStr(this.answers[questionId]);
    return request.choices?.[0] ?? "";
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Read `--input-file` (or `--content-file`): it must resolve inside the workspace (else
 * `permission`), exist (else `not_found`) and be a regular file (else `validation`).
 */
export async function readInputFile(workspaceRoot: string, raw: string, env: Readonly<Record<string, string>>): Promise<{ text: string } | { error: ToolResultPayload }> {
  let resolved: string;
  try {
    resolved = await resolveWorkspacePath(workspaceRoot, resolveInWorkspace(workspaceRoot, raw, env));
  } catch (error) {
    const kind = isRuntimeError(error) && error.kind === "validation" ? "validation" : "permission";
    return { error: errorResult(kind, describeError(error), { path: raw }) };
  }
  try {
    if (!(await stat(resolved)).isFile()) return { error: errorResult("validation", "input file must be a file", { path: resolved }) };
  } catch (error) {
    if (fsErrorKind(error) === "not_found") return { error: errorResult("not_found", `input file not found: ${resolved}`, { path: resolved }) };
    const mapped = fsError(error, "read input file", raw, { path: resolved });
    return { error: errorResult(mapped.kind === "unknown" ? "validation" : mapped.kind, mapped.message, { path: resolved }) };
  }
  try {
    const handle = await openInsideWorkspace(workspaceRoot, resolved, raw);
    try {
      return { text: utf8.decode(await handle.readFile()) };
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof TypeError) return { error: errorResult("validation", `Cannot read input file "${raw}": it is not valid UTF-8`, { path: resolved }) };
    const mapped = fsError(error, "read input file", raw, { path: resolved });
    return { error: errorResult(mapped.kind === "unknown" ? "validation" : mapped.kind, mapped.message, { path: resolved }) };
  }
}

/** `--input` text or the `--input-file` content parsed as a JSON object (update-plan, request-user-input). */
export async function readJsonObjectInput(
  text: string | undefined,
  file: string | undefined,
  workspaceRoot: string,
  env: Readonly<Record<string, string>>,
): Promise<{ value: Record<string, unknown> } | { error: ToolResultPayload }> {
  let raw = text;
  if (raw === undefined) {
    if (file === undefined) return { error: errorResult("validation", "missing input: pass --input or --input-file") };
    const read = await readInputFile(workspaceRoot, file, env);
    if ("error" in read) return read;
    raw = read.text;
  }
  const parsed = parseJson(raw, "input");
  if ("error" in parsed) return parsed;
  if (!isObject(parsed.value)) return { error: errorResult("validation", "input JSON root must be an object") };
  return { value: parsed.value };
}

export function parseJson(raw: string, what: string): { value: unknown } | { error: ToolResultPayload } {
  try {
    return { value: JSON.parse(raw) };
  } catch (error) {
    return { error: errorResult("validation", `Cannot parse ${what} as JSON: ${(error as Error).message}`) };
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Exec sessions and sub-agents of the workspace's runtime server (spec 8.2, 11.3), so separate CLI
 * invocations share session ids and child ids. The server is started on first use with the CLI's
 * environment.
 */
export function runtimeServerServices(
  workspaceRoot: string,
  io: CliIO,
  options: { childBackend?: ChildBackendChoice; client?: RuntimeClientOptions } = {},
): Pick<ToolServices, "execSessions" | "collab"> {
  const client = new RuntimeClient(workspaceRoot, { env: io.env, ...options.client });
  return {
    execSessions: new PersistentExecSessions(client),
    collab: new PersistentCollab(client, options.childBackend ? { childBackend: options.childBackend } : {}),
  };
}

/** Services for a CLI tool call: the loaded config applied, child env from the CLI's env plus `.env`. */
export function toolServices(
  loaded: LoadedConfig,
  io: CliIO,
  options: { humanIO: HumanIO | null } & Pick<ToolServices, "sandboxAdapter" | "sandboxUnavailable" | "execSessions" | "collab">,
): ToolServices {
  const config: RuntimeConfig = loaded.config;
  const { credentials, secrets, baseEnv } = toolEnvironment(config, loaded.env);
  return {
    config,
    humanIO: options.humanIO,
    secrets,
    homeDir: io.env.HOME ?? null,
    baseEnv,
    credentials,
    sandboxAdapter: options.sandboxAdapter,
    sandboxUnavailable: options.sandboxUnavailable ?? null,
    execSessions: options.execSessions ?? null,
    collab: options.collab ?? null,
  };
}

/** Run one builtin through a fresh registry with the plain CLI context (run id `tools_cli`, no events). */
export async function dispatchTool(tool: string, toolArgs: Record<string, unknown>, workspaceRoot: string, services: ToolServices, signal: AbortSignal): Promise<ToolResultPayload> {
  return builtinRegistry([tool]).dispatch(tool, toolArgs, {
    workspaceRoot,
    runId: "tools_cli",
    callId: `cli_${tool}_${randomBytes(16).toString("hex")}`,
    signal,
    env: {},
    emit: async () => {},
    services,
  });
}
