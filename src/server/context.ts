/**
 * What every route of `serve` receives: the workspace, its loaded config, the security options,
 * and the stores and managers. Routes get this object explicitly (no globals); `createApp` builds
 * one per server. The interfaces here are the contracts between the route modules:
 * `SessionStore` (src/server/storage/sessions.ts), `RunManager` (src/server/run-manager.ts) and
 * `ApprovalsHub` (src/server/approvals-hub.ts).
 */
import { z } from "zod";
import type { LoadedConfig } from "../config/load.ts";
import type { ProbeTarget } from "../llm/local-probe.ts";
import type { SecurityOptions } from "./security.ts";

/** `sess_<32 hex>` */
export const SessionId = z.string().regex(/^sess_[0-9a-f]{32}$/, "expected sess_ followed by 32 lowercase hex characters");
/** `run_<32 hex>` (runs started elsewhere may use other ids that pass the WAL's run-id rules). */
export const RunIdParam = z.string().min(1).max(200);

/** The LLM settings of a session (GET/PUT /api/v1/sessions/{id}/settings). */
export const SessionSettings = z.strictObject({
  /** "fake": the offline backend; "openai": the configured OpenAI-compatible endpoint; null: the server default. */
  backend: z.enum(["fake", "openai"]).nullable().default(null),
  /** Executor model override (null: config `models.executor`). */
  model: z.string().min(1).max(200).nullable().default(null),
  /** Endpoint override (null: config `llm.base_url`); only http(s) URLs. */
  base_url: z.url({ protocol: /^https?$/ }).nullable().default(null),
});
export type SessionSettings = z.infer<typeof SessionSettings>;

export interface SessionRecord {
  session_id: string;
  created_at: string;
  title: string | null;
  updated_at: string;
  runs_count: number;
}

export interface SessionSkillsConfig {
  /** Absolute, normalised paths inside the workspace. */
  filesystem_sources: string[];
  disabled_paths: string[];
}

export interface SessionStore {
  /** 404 HttpError when the id is malformed-but-safe and unknown; 400 on traversal. */
  get(sessionId: string): Promise<SessionRecord>;
  incrementRuns(sessionId: string): Promise<SessionRecord>;
  /** 400 validation_error when skills.json is corrupt. */
  skillsConfig(sessionId: string): Promise<SessionSkillsConfig>;
  /** Absolute path of the session's `skills_overlay.yaml` (a config overlay for its runs). */
  skillsOverlayPath(sessionId: string): string;
  settings(sessionId: string): Promise<SessionSettings>;
  // Added for the session/skills routes (src/server/routes/sessions.ts, skills.ts):
  /** Every readable session, most recently updated first (corrupt ones skipped). */
  list(): Promise<SessionRecord[]>;
  /** 400 validation_error when a filesystem source leaves the workspace. */
  create(input?: { title?: string | null; filesystem_sources?: readonly string[] | null }): Promise<SessionRecord>;
  rename(sessionId: string, title: string | null): Promise<SessionRecord>;
  /** Removes the session and the runs whose run.json names it; 404 when unknown. */
  delete(sessionId: string): Promise<{ run_ids: string[] }>;
  /** Replaces the filesystem sources (normalised) and rewrites the skills overlay. */
  setSources(sessionId: string, sources: readonly string[]): Promise<SessionSkillsConfig>;
  /** Adds or removes a SKILL.md path in disabled_paths. */
  setSkillEnabled(sessionId: string, path: string, enabled: boolean): Promise<SessionSkillsConfig>;
  putSettings(sessionId: string, settings: SessionSettings): Promise<SessionSettings>;
}

export type RunStatus = "queued" | "running" | "waiting_approval" | "waiting_human" | "completed" | "failed" | "cancelled";

export interface RunManager {
  /** Cancel every running run (server shutdown): each WAL ends with run_cancelled. */
  shutdown(): Promise<void>;
  /** Runs currently executing in this process. */
  readonly activeCount: number;
  /** Cancel the runs of a session this process executes (a deleted session leaves none running). */
  cancelSessionRuns?(sessionId: string): Promise<string[]>;
}

export interface ApprovalsHub {
  /** Pending approvals of a run, oldest first. */
  listPending(runId: string): unknown[];
}

export interface LocalProbeSettings {
  /** Default the usual ports (local-probe.ts DEFAULT_PROBE_TARGETS). */
  targets?: readonly ProbeTarget[];
  /** Default `[security.port]`: the server never probes itself. */
  excludePorts?: readonly number[];
  /** Per-server timeout (default 300 ms). */
  timeoutMs?: number;
}

export interface ServerContext {
  workspaceRoot: string;
  loaded: LoadedConfig;
  security: SecurityOptions;
  /** `STUDIO_LLM_BACKEND=fake` (or `--backend fake`): every run uses the deterministic fake backend. */
  forceFakeBackend: boolean;
  /** Where `GET /api/v1/llm/local` (and runs) look for local LLM servers; default the usual ports minus `security.port`. */
  localProbe?: LocalProbeSettings;
  sessions: SessionStore;
  runs: RunManager;
  approvals: ApprovalsHub;
}
