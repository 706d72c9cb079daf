/**
 * The doctor report: effective config with its sources (secrets redacted), workspace and state
 * directory, sandbox availability from a real probe, and LLM endpoint status. Shared by
 * `skills-runtime doctor` and the server's `GET /api/v1/doctor`.
 */
import { existsSync } from "node:fs";
import { describeOrigin, loadConfig, type LoadConfigOptions, type LoadedConfig } from "../config/load.ts";
import { stateDir } from "../config/paths.ts";
import { createSandboxAdapter } from "../sandbox/create.ts";
import { describeFence } from "../sandbox/describe.ts";
import type { SandboxProbe } from "../sandbox/detect.ts";
import { describeError, isRuntimeError } from "../util/errors.ts";
import { redactDeep, secretValuesFromEnv } from "../util/redact.ts";
import { VERSION } from "../version.ts";

export type CheckStatus = "ok" | "warn" | "error";

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  message: string;
  fix?: string;
}

export interface LlmStatus {
  base_url: string;
  api_key_env: string;
  api_key_present: boolean;
  executor_model: string;
  /** null when the endpoint was not contacted. */
  reachable: boolean | null;
  detail: string;
}

export interface DoctorReport {
  ok: boolean;
  version: string;
  platform: string;
  workspace_root: string;
  state_dir: string;
  state_dir_exists: boolean;
  overlay_paths: string[];
  env_file: string | null;
  dotenv_keys: string[];
  config: unknown;
  sources: Record<string, string>;
  sandbox: (SandboxProbe & SandboxChoice) | null;
  llm: LlmStatus | null;
  checks: DoctorCheck[];
  config_error?: { code?: string; message: string };
}

/** What `restricted` tool calls would get with this config (added to the probe's fields). */
export interface SandboxChoice {
  profile: string;
  default_policy: string;
  mode: string;
  unshare_net: boolean;
  /** The adapter restricted calls would use (its evidence name), or null when none is usable. */
  adapter_name: string | null;
  /** What the fence guarantees with this profile, or why there is none. */
  restricted: string;
}

export interface DoctorOptions extends LoadConfigOptions {
  platform?: NodeJS.Platform;
  /** Contact the LLM endpoint (default true). */
  probeLlm?: boolean;
  fetch?: typeof fetch;
  llmTimeoutMs?: number;
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === "127.0.0.1" || host === "localhost" || host === "[::1]" || host === "::1";
  } catch {
    return false;
  }
}

async function checkLlm(loaded: LoadedConfig, options: DoctorOptions): Promise<LlmStatus> {
  const { llm, models } = loaded.config;
  const key = loaded.env[llm.api_key_env]?.trim() ?? "";
  const status: LlmStatus = {
    base_url: llm.base_url,
    api_key_env: llm.api_key_env,
    api_key_present: key !== "",
    executor_model: models.executor,
    reachable: null,
    detail: "",
  };
  if (options.probeLlm === false) {
    status.detail = "not contacted (probe disabled)";
    return status;
  }
  if (key === "" && !isLoopback(llm.base_url)) {
    status.detail = `not contacted: ${llm.api_key_env} is not set, so requests would be refused`;
    return status;
  }
  const url = `${llm.base_url.replace(/\/+$/, "")}/models`;
  try {
    const response = await (options.fetch ?? fetch)(url, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
      signal: AbortSignal.timeout(options.llmTimeoutMs ?? 3000),
    });
    status.reachable = true;
    status.detail = `GET ${url} answered HTTP ${response.status}`;
    if (response.status === 401 || response.status === 403) status.detail += ` (the key in ${llm.api_key_env} was refused)`;
  } catch (error) {
    status.reachable = false;
    status.detail = `GET ${url} failed: ${describeError(error)}`;
  }
  return status;
}

export async function buildDoctorReport(options: DoctorOptions = {}): Promise<DoctorReport> {
  const platform = options.platform ?? process.platform;
  const checks: DoctorCheck[] = [];
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig(options);
  } catch (error) {
    const message = describeError(error);
    const code = isRuntimeError(error) ? error.code : undefined;
    return {
      ok: false,
      version: VERSION,
      platform,
      workspace_root: options.workspaceRoot ?? ".",
      state_dir: "",
      state_dir_exists: false,
      overlay_paths: [],
      env_file: null,
      dotenv_keys: [],
      config: null,
      sources: {},
      sandbox: null,
      llm: null,
      checks: [{ name: "config", status: "error", message, fix: "Fix the file and key named above, then run doctor again." }],
      config_error: { ...(code ? { code } : {}), message },
    };
  }
  const { config, workspaceRoot } = loaded;
  checks.push({ name: "config", status: "ok", message: `valid (${loaded.overlayPaths.length} overlay file(s), profile ${loaded.profile})` });

  const selection = await createSandboxAdapter(config, { platform, workspaceRoot, pathEnv: loaded.env.PATH ?? "/usr/local/bin:/usr/bin:/bin" });
  const probe = selection.probe;
  const { profile, os } = config.sandbox;
  const restricted = config.sandbox.default_policy === "restricted";
  const fence =
    selection.adapter && probe.adapter
      ? `restricted calls run in ${selection.adapter.name} (profile ${profile}: ${describeFence(probe.adapter, { profile, unshareNet: os.bubblewrap.unshare_net })})`
      : `restricted calls fail with sandbox_denied: ${selection.unavailable?.reason ?? "no adapter"}`;
  if (probe.available) {
    checks.push({ name: "sandbox", status: "ok", message: `${probe.adapter} usable (${probe.binary}${probe.version ? ` ${probe.version}` : ""}); ${fence}` });
  } else {
    checks.push({
      name: "sandbox",
      status: restricted ? "error" : "warn",
      message: `${probe.reason}${restricted ? "; sandbox.default_policy is restricted, so shell tools will fail with sandbox_denied" : "; tool calls that ask for a restricted sandbox will fail with sandbox_denied"}`,
      ...(probe.fix ? { fix: probe.fix } : {}),
    });
  }

  const llm = await checkLlm(loaded, options);
  if (!llm.api_key_present && !isLoopback(llm.base_url)) {
    checks.push({ name: "llm", status: "warn", message: llm.detail, fix: `Set ${llm.api_key_env} in the environment or .env, or use --backend fake for offline runs.` });
  } else if (llm.reachable === false) {
    checks.push({ name: "llm", status: "warn", message: llm.detail, fix: `Check llm.base_url (from ${describeOrigin(loaded.sources["llm.base_url"], workspaceRoot)}).` });
  } else {
    checks.push({ name: "llm", status: "ok", message: llm.detail });
  }

  const secrets = secretValuesFromEnv(loaded.env, [config.llm.api_key_env]);
  const state = stateDir(workspaceRoot);
  return redactDeep(
    {
      ok: !checks.some((c) => c.status === "error"),
      version: VERSION,
      platform,
      workspace_root: workspaceRoot,
      state_dir: state,
      state_dir_exists: existsSync(state),
      overlay_paths: loaded.overlayPaths,
      env_file: loaded.envFile,
      dotenv_keys: loaded.dotenvKeys,
      config,
      sources: loaded.sources,
      sandbox: {
        ...probe,
        profile,
        default_policy: config.sandbox.default_policy,
        mode: os.mode,
        unshare_net: os.bubblewrap.unshare_net,
        adapter_name: selection.adapter?.name ?? null,
        restricted: fence,
      },
      llm,
      checks,
    },
    secrets,
  );
}
