/**
 * The config a run of `serve` uses: the server's overlays (with its env, `.env` already merged
 * in), then the session's skills overlay when the file exists, then the session's settings (model
 * and endpoint overrides). The run manager builds every run's config here, and
 * `GET /api/v1/sessions/{id}/config` shows the same thing, so the two cannot drift.
 */
import { access } from "node:fs/promises";
import { loadConfig, type LoadedConfig } from "../config/load.ts";
import type { SessionSettings, SessionStore } from "./context.ts";

export interface RunConfigOptions {
  sessions: Pick<SessionStore, "skillsOverlayPath">;
  /** null: a run without a session (only the server's overlays). */
  sessionId: string | null;
  settings: SessionSettings;
}

/** Throws ConfigError when an overlay (e.g. a hand-edited session overlay) is invalid. */
export async function loadRunConfig(base: LoadedConfig, options: RunConfigOptions): Promise<LoadedConfig> {
  const configPaths = [...base.overlayPaths];
  if (options.sessionId) {
    const overlay = options.sessions.skillsOverlayPath(options.sessionId);
    if (await access(overlay).then(() => true, () => false)) configPaths.push(overlay);
  }
  return loadConfig({
    workspaceRoot: base.workspaceRoot,
    configPaths,
    discover: false,
    dotenv: false,
    env: base.env,
    sessionSettings: { models: { executor: options.settings.model }, llm: { base_url: options.settings.base_url } },
  });
}
