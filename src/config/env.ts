/**
 * The ONLY place that reads `process.env`. Everything else receives an explicit env map.
 */

export type EnvMap = Readonly<Record<string, string | undefined>>;

/** A snapshot of the process environment. */
export function readProcessEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) out[key] = value;
  return out;
}

/** Put variables into the process environment (the CLI and the Studio do this with `.env` values). */
export function injectIntoProcessEnv(vars: Readonly<Record<string, string>>, options: { override?: boolean } = {}): void {
  for (const [key, value] of Object.entries(vars)) {
    if (!options.override && process.env[key] !== undefined) continue;
    process.env[key] = value;
  }
}

/** A value that is unset or blank after trimming counts as unset. */
export function nonBlank(env: EnvMap, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** Names of the environment variables skills-runtime itself reads. */
export const ENV = {
  envFile: "SKILLS_RUNTIME_SDK_ENV_FILE",
  configPaths: "SKILLS_RUNTIME_SDK_CONFIG_PATHS",
  plannerModel: "SKILLS_RUNTIME_SDK_PLANNER_MODEL",
  executorModel: "SKILLS_RUNTIME_SDK_EXECUTOR_MODEL",
  llmBaseUrl: "SKILLS_RUNTIME_SDK_LLM_BASE_URL",
  llmApiKeyEnv: "SKILLS_RUNTIME_SDK_LLM_API_KEY_ENV",
} as const;

/** Never passed to child processes: Bun's own switches (they would turn a child `bun` into us). */
const CHILD_ENV_DROP = new Set(["BUN_BE_BUN", "BUN_OPTIONS"]);
/** Provider credentials and other secrets by name (the LLM key never reaches a tool). */
const CHILD_ENV_SECRET = /(^|_)(API_?KEY|ACCESS_?KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIALS?|PRIVATE_?KEY|DSN)($|_)/i;

/**
 * The environment child processes start from: `env` minus Bun's switches, the configured LLM key
 * variable and anything whose name says it is a credential. Tools overlay their own `env` on top.
 */
export function childBaseEnv(env: EnvMap, options: { alsoDrop?: readonly string[] } = {}): Record<string, string> {
  const drop = new Set([...CHILD_ENV_DROP, ...(options.alsoDrop ?? [])]);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || drop.has(key) || CHILD_ENV_SECRET.test(key)) continue;
    out[key] = value;
  }
  return out;
}
