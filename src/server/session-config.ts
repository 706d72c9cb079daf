/**
 * `GET /api/v1/sessions/{id}/config`: the effective config a run of the session would use (built
 * by run-config.ts, exactly as the run manager builds it), where each value came from, and the
 * LLM backend the run would ask for. Secrets are redacted the way the doctor report does it
 * (src/core/doctor.ts): every value of a secret-looking env variable, and of `llm.api_key_env`,
 * is replaced wherever it appears; only env variable NAMES are ever shown.
 */
import { z } from "zod";
import type { LoadedConfig } from "../config/load.ts";
import { RuntimeConfig } from "../config/schema.ts";
import { redactDeep, secretValuesFromEnv } from "../util/redact.ts";
import type { SessionSettings, SessionStore } from "./context.ts";
import { loadRunConfig } from "./run-config.ts";
import { serverBackendKind } from "./run-backend.ts";

export const BackendView = z.object({
  /** "fake": the offline backend (forced by the server or chosen by the session); "openai": the configured endpoint; "auto": the endpoint when its key is set, else a local server. */
  kind: z.enum(["fake", "openai", "auto"]),
  /** `serve --backend fake` / `--fake-script` / `STUDIO_LLM_BACKEND=fake`: the session cannot choose. */
  forced_fake: z.boolean(),
  /** `models.executor` after the session's override (an "auto" run on a local server may use that server's first model). */
  model: z.string(),
  /** `llm.base_url` after the session's override. */
  base_url: z.string(),
  /** The NAME of the variable holding the API key (never its value). */
  api_key_env: z.string(),
  api_key_present: z.boolean(),
});
export type BackendView = z.infer<typeof BackendView>;

export const SessionConfigView = z.object({
  session_id: z.string(),
  /** The full effective config (secrets redacted). */
  config: RuntimeConfig,
  /** Dotted leaf key -> "embedded_default" | "preset:<profile>" | "overlay:<path>" | "env:<NAME>" | "session_settings:<key>" | "schema_default". */
  sources: z.record(z.string(), z.string()),
  /** Overlay files in the order they were applied (the session's skills overlay last, when it exists). */
  overlays: z.array(z.string()),
  /** The `.env` file the server loaded, or null. */
  env_file: z.string().nullable(),
  backend: BackendView,
});
export type SessionConfigView = z.infer<typeof SessionConfigView>;

export interface SessionConfigOptions {
  sessions: SessionStore;
  /** The server's loaded config (its overlays, env and `.env`). */
  loaded: LoadedConfig;
  forceFakeBackend: boolean;
}

/** 404 (from the store) for an unknown session; ConfigError when an overlay is invalid. */
export async function sessionConfigView(sessionId: string, options: SessionConfigOptions): Promise<SessionConfigView> {
  await options.sessions.get(sessionId);
  const settings: SessionSettings = await options.sessions.settings(sessionId);
  const run = await loadRunConfig(options.loaded, { sessions: options.sessions, sessionId, settings });
  const { llm, models } = run.config;
  const view: SessionConfigView = {
    session_id: sessionId,
    config: run.config,
    sources: run.sources,
    overlays: run.overlayPaths,
    // The run reads the server's env (with its .env merged in), so the file is the server's.
    env_file: options.loaded.envFile,
    backend: {
      kind: serverBackendKind(settings, options.forceFakeBackend),
      forced_fake: options.forceFakeBackend,
      model: models.executor,
      base_url: llm.base_url,
      api_key_env: llm.api_key_env,
      api_key_present: (run.env[llm.api_key_env] ?? "").trim() !== "",
    },
  };
  return redactDeep(view, secretValuesFromEnv(run.env, [llm.api_key_env]));
}
