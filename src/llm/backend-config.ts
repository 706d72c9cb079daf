/**
 * From the config's `llm` section (spec 1.1, snake_case keys) to `OpenAIChatBackend` options.
 * The API key is looked up by NAME (`llm.api_key_env`) in an env map the caller passes in; this
 * module never reads `process.env`. Retry values are taken as given: 0 means 0 (decisions item 7).
 */
import { ConfigError } from "../util/errors.ts";
import type { OpenAIBackendOptions } from "./openai-backend.ts";

/** The subset of the config's `llm` section the backend needs. */
export interface LlmSettings {
  base_url: string;
  api_key_env: string;
  timeout_sec: number;
  retry: { max_retries: number; base_delay_sec: number; cap_delay_sec: number; jitter_ratio: number };
}

export interface BackendConfigContext {
  /** `models.executor` (after any env/session override). */
  model: string;
  env: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
}

export function openAIBackendOptions(llm: LlmSettings, context: BackendConfigContext): OpenAIBackendOptions {
  const apiKey = context.env[llm.api_key_env]?.trim();
  if (!apiKey) {
    throw new ConfigError(
      `Cannot create the OpenAI-compatible backend: environment variable "${llm.api_key_env}" (llm.api_key_env) is not set`,
      { details: { api_key_env: llm.api_key_env } },
    );
  }
  return {
    baseUrl: llm.base_url,
    apiKey,
    model: context.model,
    timeoutSec: llm.timeout_sec,
    retry: {
      maxRetries: llm.retry.max_retries,
      baseDelaySec: llm.retry.base_delay_sec,
      capDelaySec: llm.retry.cap_delay_sec,
      jitterRatio: llm.retry.jitter_ratio,
    },
    ...(context.fetch ? { fetch: context.fetch } : {}),
  };
}
