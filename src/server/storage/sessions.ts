/**
 * `FileSessionStore`: Studio sessions as folders under `<ws>/.skills_runtime_sdk/sessions/<id>/`
 * (spec 12.2) holding `session.json`, `skills.json`, `skills_overlay.yaml` and `settings.json`.
 *
 * - Every id from a URL goes through the path-safety rule of layout.ts (400 on traversal) before
 *   any file access; an unknown id is a 404 `not_found`.
 * - Every file is written atomically (json-file.ts); a session is listed only once its
 *   `session.json` exists, which creation writes last.
 * - Read-modify-write of one session (runs_count, title, sources, settings, delete) runs under a
 *   per-session lock, so concurrent increments in this process are exact.
 * - A corrupt `session.json` is skipped by `list` (and logged) and is a 400 for `get`; a corrupt
 *   `skills.json` or `settings.json` is a 400 `validation_error`.
 */
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { EnvMap } from "../../config/env.ts";
import { resolveInWorkspace } from "../../config/paths.ts";
import { utcTimestamp } from "../../util/time.ts";
import { SessionSettings, type SessionRecord, type SessionSkillsConfig, type SessionStore } from "../context.ts";
import { HttpError } from "../errors.ts";
import { normalizeSources, OUTSIDE_WORKSPACE_RULE, pathInsideWorkspace } from "./filesystem-sources.ts";
import { newSessionId } from "./ids.ts";
import { readJsonFile, writeJsonAtomic, writeTextAtomic } from "./json-file.ts";
import { KeyedLock } from "./keyed-lock.ts";
import { sessionDir, storageLayout, type StorageLayout } from "./layout.ts";
import { sessionRecordOf, skillsConfigOf } from "./session-files.ts";
import { renderSkillsOverlay } from "./skills-overlay.ts";

export interface FileSessionStoreOptions {
  workspaceRoot: string;
  /** Environment for `~` expansion in filesystem sources (HOME). Default: empty (the OS home). */
  env?: EnvMap;
  /** Timestamp source (default `utcTimestamp`). */
  now?: () => string;
  /** Where skipped corrupt sessions are reported (default `console.warn`). */
  warn?: (message: string) => void;
}

export interface CreateSessionInput {
  title?: string | null;
  /** null/absent: the default source `<ws>/.skills_runtime_sdk/skills`; `[]`: explicitly none. */
  filesystem_sources?: readonly string[] | null;
}

const FILES = {
  session: "session.json",
  skills: "skills.json",
  overlay: "skills_overlay.yaml",
  settings: "settings.json",
} as const;

function notFound(sessionId: string): HttpError {
  return new HttpError("not_found", `Cannot find session ${JSON.stringify(sessionId)}`, { session_id: sessionId });
}

function corrupt(sessionId: string, file: string, error: string): HttpError {
  return new HttpError("validation_error", `Cannot read session ${JSON.stringify(sessionId)}: ${file} is corrupt (${error})`, { session_id: sessionId, file });
}

export class FileSessionStore implements SessionStore {
  readonly layout: StorageLayout;
  private readonly env: EnvMap;
  private readonly now: () => string;
  private readonly warn: (message: string) => void;
  private readonly locks = new KeyedLock();

  constructor(options: FileSessionStoreOptions) {
    this.layout = storageLayout(options.workspaceRoot);
    this.env = options.env ?? {};
    this.now = options.now ?? utcTimestamp;
    this.warn = options.warn ?? ((message) => console.warn(message));
  }

  /** The folder of a session (path-checked, may not exist). */
  sessionDir(sessionId: string): string {
    return sessionDir(this.layout, sessionId);
  }

  skillsOverlayPath(sessionId: string): string {
    return join(this.sessionDir(sessionId), FILES.overlay);
  }

  async create(input: CreateSessionInput = {}): Promise<SessionRecord> {
    const sources = await normalizeSources(this.layout.workspaceRoot, input.filesystem_sources ?? [this.layout.skillsDir], this.env);
    const sessionId = newSessionId();
    const dir = this.sessionDir(sessionId);
    await mkdir(this.layout.sessionsDir, { recursive: true });
    await mkdir(dir);
    const createdAt = this.now();
    const record: SessionRecord = { session_id: sessionId, created_at: createdAt, title: input.title ?? null, updated_at: createdAt, runs_count: 0 };
    await this.writeSkills(dir, { filesystem_sources: sources, disabled_paths: [] });
    await writeJsonAtomic(join(dir, FILES.settings), SessionSettings.parse({}));
    await writeJsonAtomic(join(dir, FILES.session), record);
    return record;
  }

  /** Every readable session, most recently updated first; corrupt ones are skipped (and reported). */
  async list(): Promise<SessionRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.layout.sessionsDir);
    } catch {
      return [];
    }
    const records = await Promise.all(
      names
        .filter((name) => !name.startsWith("."))
        .map(async (name): Promise<SessionRecord | null> => {
          const read = await readJsonFile(join(this.layout.sessionsDir, name, FILES.session));
          if (read.state === "missing") return null;
          const parsed = read.state === "ok" ? sessionRecordOf(read.value, name) : { ok: false as const, error: read.error };
          if (parsed.ok) return parsed.record;
          this.warn(`serve: skipping session "${name}": session.json is corrupt (${parsed.error})`);
          return null;
        }),
    );
    const key = (record: SessionRecord) => record.updated_at || record.created_at;
    return records
      .filter((record): record is SessionRecord => record !== null)
      .sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : a.session_id < b.session_id ? 1 : -1));
  }

  async get(sessionId: string): Promise<SessionRecord> {
    const dir = this.sessionDir(sessionId);
    const read = await readJsonFile(join(dir, FILES.session));
    if (read.state === "missing") throw notFound(sessionId);
    if (read.state === "corrupt") throw corrupt(sessionId, FILES.session, read.error);
    const parsed = sessionRecordOf(read.value, sessionId);
    if (!parsed.ok) throw corrupt(sessionId, FILES.session, parsed.error);
    return parsed.record;
  }

  /** Change the title (null clears it); bumps updated_at. */
  rename(sessionId: string, title: string | null): Promise<SessionRecord> {
    return this.update(sessionId, (record) => ({ ...record, title }));
  }

  incrementRuns(sessionId: string): Promise<SessionRecord> {
    return this.update(sessionId, (record) => ({ ...record, runs_count: record.runs_count + 1 }));
  }

  /** Remove the session folder and every run folder whose run.json names the session; returns those run ids. */
  delete(sessionId: string): Promise<{ run_ids: string[] }> {
    const dir = this.sessionDir(sessionId);
    return this.locks.run(sessionId, async () => {
      if (!(await stat(dir).catch(() => null))?.isDirectory()) throw notFound(sessionId);
      await rm(dir, { recursive: true, force: true });
      const runIds: string[] = [];
      for (const name of await readdir(this.layout.runsDir).catch(() => [] as string[])) {
        const read = await readJsonFile(join(this.layout.runsDir, name, "run.json"));
        if (read.state !== "ok" || typeof read.value !== "object" || read.value === null) continue;
        if ((read.value as { session_id?: unknown }).session_id !== sessionId) continue;
        await rm(join(this.layout.runsDir, name), { recursive: true, force: true });
        runIds.push(name);
      }
      return { run_ids: runIds.sort() };
    });
  }

  async skillsConfig(sessionId: string): Promise<SessionSkillsConfig> {
    const dir = this.sessionDir(sessionId);
    const read = await readJsonFile(join(dir, FILES.skills));
    if (read.state === "missing") throw notFound(sessionId);
    if (read.state === "corrupt") throw corrupt(sessionId, FILES.skills, read.error);
    const parsed = skillsConfigOf(read.value);
    if (!parsed.ok) throw corrupt(sessionId, FILES.skills, parsed.error);
    try {
      const sources = await normalizeSources(this.layout.workspaceRoot, parsed.config.filesystem_sources, this.env);
      return { filesystem_sources: sources, disabled_paths: parsed.config.disabled_paths };
    } catch (error) {
      if (error instanceof HttpError) throw corrupt(sessionId, FILES.skills, `a filesystem source is outside the workspace: ${error.message}`);
      throw error;
    }
  }

  /** Replace the session's sources (normalised; disabled_paths kept) and rewrite its overlay. */
  setSources(sessionId: string, sources: readonly string[]): Promise<SessionSkillsConfig> {
    const dir = this.sessionDir(sessionId);
    return this.locks.run(sessionId, async () => {
      const normalized = await normalizeSources(this.layout.workspaceRoot, sources, this.env);
      const current = await this.skillsConfig(sessionId);
      const next = { filesystem_sources: normalized, disabled_paths: current.disabled_paths };
      await this.writeSkills(dir, next);
      return next;
    });
  }

  /** Enable or disable a skill by its SKILL.md path (kept in disabled_paths as an absolute path). */
  setSkillEnabled(sessionId: string, path: string, enabled: boolean): Promise<SessionSkillsConfig> {
    const dir = this.sessionDir(sessionId);
    return this.locks.run(sessionId, async () => {
      const target = await pathInsideWorkspace(this.layout.workspaceRoot, path, this.env);
      if (target === null) {
        throw new HttpError("validation_error", `Cannot ${enabled ? "enable" : "disable"} skill ${JSON.stringify(path)}: ${OUTSIDE_WORKSPACE_RULE}`, { path });
      }
      const current = await this.skillsConfig(sessionId);
      const disabled = current.disabled_paths.filter((entry) => resolveInWorkspace(this.layout.workspaceRoot, entry, this.env) !== target);
      if (!enabled) disabled.push(target);
      const next = { filesystem_sources: current.filesystem_sources, disabled_paths: disabled };
      await writeJsonAtomic(join(dir, FILES.skills), next);
      return next;
    });
  }

  async settings(sessionId: string): Promise<SessionSettings> {
    const dir = this.sessionDir(sessionId);
    if (!(await stat(dir).catch(() => null))?.isDirectory()) throw notFound(sessionId);
    const read = await readJsonFile(join(dir, FILES.settings));
    if (read.state === "missing") return SessionSettings.parse({});
    if (read.state === "corrupt") throw corrupt(sessionId, FILES.settings, read.error);
    const parsed = SessionSettings.safeParse(read.value);
    if (!parsed.success) throw corrupt(sessionId, FILES.settings, parsed.error.issues.map((issue) => issue.message).join("; "));
    return parsed.data;
  }

  putSettings(sessionId: string, settings: SessionSettings): Promise<SessionSettings> {
    const dir = this.sessionDir(sessionId);
    return this.locks.run(sessionId, async () => {
      await this.get(sessionId);
      const value = SessionSettings.parse(settings);
      await writeJsonAtomic(join(dir, FILES.settings), value);
      return value;
    });
  }

  private update(sessionId: string, change: (record: SessionRecord) => SessionRecord): Promise<SessionRecord> {
    const dir = this.sessionDir(sessionId);
    return this.locks.run(sessionId, async () => {
      const next = { ...change(await this.get(sessionId)), updated_at: this.now() };
      await writeJsonAtomic(join(dir, FILES.session), next);
      return next;
    });
  }

  private async writeSkills(dir: string, config: SessionSkillsConfig): Promise<void> {
    await writeJsonAtomic(join(dir, FILES.skills), config);
    await writeTextAtomic(join(dir, FILES.overlay), renderSkillsOverlay(config.filesystem_sources));
  }
}
