/**
 * Effective configuration (spec 1.2-1.6): embedded defaults, then overlays from
 * `<workspace>/config/runtime.yaml`, `SKILLS_RUNTIME_SDK_CONFIG_PATHS` and explicit paths, deep-merged
 * in that order; the `sandbox.profile` preset; env and session overrides of the model and LLM fields;
 * strict validation; and a sources map naming where every effective value came from.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import YAML from "yaml";
import { ConfigError } from "../util/errors.ts";
import defaultYaml from "./default.yaml" with { type: "text" };
import { discoverOverlayPaths } from "./discover.ts";
import { loadDotenv } from "./dotenv.ts";
import { ENV, nonBlank, readProcessEnv, type EnvMap } from "./env.ts";
import { describeIssues, renderIssues } from "./format-error.ts";
import { isPlainObject, mergeLayers, provenanceOf, setAtPath, type ConfigLayer, type ConfigMap } from "./merge.ts";
import { displayPath } from "./paths.ts";
import { applySandboxPreset } from "./presets.ts";
import { RuntimeConfig, type SandboxProfile } from "./schema.ts";

export const EMBEDDED_LABEL = "embedded_default";

export interface SessionSettings {
  models?: { planner?: string | null; executor?: string | null };
  llm?: { base_url?: string | null; api_key_env?: string | null };
}

export interface LoadConfigOptions {
  /** Workspace root; default the current directory. Must exist. */
  workspaceRoot?: string;
  /** Explicit overlay files (`--config`), applied after the discovered ones. Relative to the workspace. */
  configPaths?: readonly string[];
  /** Discover `config/runtime.yaml` and `SKILLS_RUNTIME_SDK_CONFIG_PATHS` (default true). */
  discover?: boolean;
  /** Environment to read; default a snapshot of the process environment. */
  env?: EnvMap;
  /** Load `.env` (default true; `--no-dotenv` turns it off). */
  dotenv?: boolean;
  /** In-memory overlays applied after all files (e.g. a library caller's config object). */
  overlays?: readonly { label?: string; data: ConfigMap }[];
  /** Per-session overrides (Studio); they win over env and YAML. */
  sessionSettings?: SessionSettings;
}

export interface LoadedConfig {
  config: RuntimeConfig;
  workspaceRoot: string;
  overlayPaths: string[];
  /** The `.env` file read, or null. */
  envFile: string | null;
  /** Names of the variables the `.env` file added (values are never kept here). */
  dotenvKeys: string[];
  /** Process env plus `.env` values (non-overriding). Hand this to the runtime; never print it. */
  env: Record<string, string>;
  /** Leaf key path -> where its effective value came from. */
  sources: Record<string, string>;
  profile: SandboxProfile;
}

let embeddedCache: ConfigMap | undefined;

/** The embedded defaults as a fresh mapping. */
export function embeddedDefaults(): ConfigMap {
  embeddedCache ??= YAML.parse(defaultYaml) as ConfigMap;
  return structuredClone(embeddedCache);
}

/** Read one YAML overlay; an empty file is `{}`. */
export function readOverlayFile(path: string, workspaceRoot: string): ConfigMap {
  const shown = displayPath(workspaceRoot, path);
  if (!existsSync(path)) {
    throw new ConfigError(`Cannot load config overlay "${shown}": overlay config not found`, {
      code: "CLI_OVERLAY_NOT_FOUND",
      details: { path },
    });
  }
  let data: unknown;
  try {
    data = YAML.parse(readFileSync(path, "utf8"));
  } catch (error) {
    const e = error as Error & { linePos?: { line: number; col: number }[] };
    const pos = e.linePos?.[0];
    const where = pos ? ` (line ${pos.line}, column ${pos.col})` : "";
    const first = e.message.split("\n")[0] ?? e.message;
    throw new ConfigError(`Cannot load config overlay "${shown}": not valid YAML${where}: ${first}`, {
      code: "CLI_OVERLAY_LOAD_FAILED",
      details: { path },
      cause: error,
    });
  }
  if (data === null || data === undefined) return {};
  if (!isPlainObject(data)) {
    throw new ConfigError(
      `Cannot load config overlay "${shown}": the top level must be a mapping of keys (got ${Array.isArray(data) ? "a list" : typeof data})`,
      { code: "CLI_OVERLAY_INVALID", details: { path } },
    );
  }
  return data;
}

/** Check that the workspace root exists and is a directory; returns its absolute path. */
export function resolveWorkspaceRoot(path: string): string {
  const abs = resolve(path);
  if (!existsSync(abs)) {
    throw new ConfigError(`Cannot use workspace root "${path}": directory not found (${abs})`, {
      code: "CLI_WORKSPACE_ROOT_NOT_FOUND",
      details: { workspace_root: abs },
    });
  }
  if (!statSync(abs).isDirectory()) {
    throw new ConfigError(`Cannot use workspace root "${path}": not a directory (${abs})`, {
      code: "CLI_WORKSPACE_ROOT_INVALID",
      details: { workspace_root: abs },
    });
  }
  return abs;
}

const OVERRIDES = [
  { path: "models.planner", env: ENV.plannerModel },
  { path: "models.executor", env: ENV.executorModel },
  { path: "llm.base_url", env: ENV.llmBaseUrl },
  { path: "llm.api_key_env", env: ENV.llmApiKeyEnv },
] as const;

function sessionValue(settings: SessionSettings | undefined, path: string): string | undefined {
  const [group, key] = path.split(".") as [keyof SessionSettings, string];
  const value = (settings?.[group] as Record<string, string | null | undefined> | undefined)?.[key];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function collectLeaves(value: unknown, path: string, out: string[]): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, item] of Object.entries(value)) collectLeaves(item, path ? `${path}.${key}` : key, out);
  } else if (path) out.push(path);
}

export function describeOrigin(label: string | undefined, workspaceRoot: string): string {
  if (label === undefined) return "schema default";
  if (label === EMBEDDED_LABEL) return "embedded defaults";
  if (label.startsWith("overlay:")) return displayPath(workspaceRoot, label.slice("overlay:".length));
  return label;
}

/** Validate an already-merged config map, naming the origin of each bad value. */
export function validateMerged(merged: ConfigMap, provenance: Map<string, string>, workspaceRoot: string): RuntimeConfig {
  const parsed = RuntimeConfig.safeParse(merged);
  if (parsed.success) return parsed.data;
  const issues = describeIssues(parsed.error.issues, merged, RuntimeConfig, (path) =>
    describeOrigin(provenanceOf(provenance, path), workspaceRoot),
  );
  throw new ConfigError(renderIssues(issues), { code: "CLI_CONFIG_INVALID", details: { issues } });
}

/** Load the effective configuration for a workspace. Throws ConfigError with a precise message. */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const workspaceRoot = resolveWorkspaceRoot(options.workspaceRoot ?? ".");
  const processEnv = options.env ?? readProcessEnv();
  const dotenv = options.dotenv === false ? { path: null, vars: {} } : loadDotenv(workspaceRoot, processEnv);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) env[k] = v;
  Object.assign(env, dotenv.vars);

  const overlayPaths =
    options.discover === false
      ? (options.configPaths ?? []).map((p) => resolve(workspaceRoot, p))
      : discoverOverlayPaths(workspaceRoot, env, options.configPaths ?? []);
  const layers: ConfigLayer[] = [{ label: EMBEDDED_LABEL, data: embeddedDefaults() }];
  for (const path of overlayPaths) layers.push({ label: `overlay:${path}`, data: readOverlayFile(path, workspaceRoot) });
  for (const [i, overlay] of (options.overlays ?? []).entries()) {
    layers.push({ label: overlay.label ?? `overlay:in-memory#${i}`, data: overlay.data });
  }
  const { merged, provenance } = mergeLayers(layers);
  const origin = (path: string) => describeOrigin(provenanceOf(provenance, path), workspaceRoot);
  const profile = applySandboxPreset(merged, provenance, { baselineLabel: EMBEDDED_LABEL, origin });

  for (const item of OVERRIDES) {
    const fromSession = sessionValue(options.sessionSettings, item.path);
    const fromEnv = nonBlank(env, item.env);
    const value = fromSession ?? fromEnv;
    if (value === undefined) continue;
    setAtPath(merged, item.path.split("."), value);
    provenance.set(item.path, fromSession !== undefined ? `session_settings:${item.path}` : `env:${item.env}`);
  }

  const config = validateMerged(merged, provenance, workspaceRoot);
  const leaves: string[] = [];
  collectLeaves(config, "", leaves);
  const sources: Record<string, string> = {};
  for (const leaf of leaves) sources[leaf] = provenanceOf(provenance, leaf) ?? "schema_default";

  return {
    config,
    workspaceRoot,
    overlayPaths,
    envFile: dotenv.path,
    dotenvKeys: Object.keys(dotenv.vars),
    env,
    sources,
    profile,
  };
}
