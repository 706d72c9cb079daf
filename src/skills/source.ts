/**
 * THE skill source interface (spec 7.2, 7.6-7.7, 7.11-7.16). Keep it stable: every backend
 * (filesystem, in-memory, Redis, PostgreSQL) implements it and the manager only talks to it.
 *
 * A source is created once per `skills.sources[]` entry by a factory (source-factories.ts) from its
 * config and the manager's dependencies, and lives until `close()`. It is namespace-agnostic: the
 * manager calls `scan()` once per enabled space that lists the source, passing that space's id and
 * namespace (Redis/PostgreSQL/in-memory use the namespace to select rows; the filesystem ignores it).
 *
 * Contract, method by method:
 * - `scan(request)`: METADATA ONLY. Never read a skill body, never fetch a bundle. Return the skills
 *   found as `SkillRecord`s (the manager stamps space_id/source_id/namespace on them) and report
 *   every problem as an issue (`SKILL_SCAN_METADATA_INVALID` for a bad row/file, with
 *   `details.source_id` and `locator`/`path`/`index` and `field`/`reason`;
 *   `SKILL_SCAN_SOURCE_UNAVAILABLE` when the backend cannot be reached, with `details.reason`, and
 *   `dsn_env` + `env_present` for DSN-based sources). `scan` must not throw for data problems; it
 *   may reject only when `request.signal` is aborted.
 * - `readBody(skill)`: the full text injected for the skill (for filesystem skills the whole
 *   SKILL.md, front matter included). Throw anything on failure: the manager wraps it into
 *   `SKILL_BODY_READ_FAILED`.
 * - `readReference(skill, request)`: read `references/...` (or `assets/...` where allowed) from the
 *   skill's bundle (spec 7.12 steps 4-7). Sources that have a local bundle root delegate to
 *   `readReferenceFile()` (references.ts); sources without files throw
 *   `SkillError("SKILL_REF_SOURCE_UNSUPPORTED")`.
 * - `resolveAction(skill, request)`: turn `metadata.actions[action_id]` into a checked argv with
 *   absolute script paths inside `<bundle>/actions/` (spec 7.11 steps 4-8). Sources with a local
 *   bundle root delegate to `resolveActionInBundle()` (actions.ts); others throw
 *   `SkillError("SKILL_ACTION_SOURCE_UNSUPPORTED")`.
 * - `close()`: release clients the source created itself (never injected ones). Idempotent.
 *
 * Errors thrown on the tool path are `SkillError`s (issues.ts) with a framework code, so the tools
 * can map them to `not_found` / `permission` / `validation` (spec 7.11 step 4, 7.12).
 * Nothing here reads `process.env`: DSNs come from `SourceDeps.env`.
 */
import type { SkillSourceConfig, SkillsConfig } from "../config/schema.ts";
import type { SkillIssue } from "./issues.ts";

/** One skill as scanned (metadata only). Field names are the scan report's JSON keys (spec 7.5). */
export interface Skill {
  space_id: string;
  source_id: string;
  namespace: string;
  skill_name: string;
  description: string;
  /** Stable address across sources: a SKILL.md path, `mem://ns/name`, `redis://key`, `schema.table#id`. */
  locator: string;
  /** Resolved SKILL.md path for filesystem skills, else null. Enable/disable is keyed by it. */
  path: string | null;
  /** Body size in bytes when known without reading the body. */
  body_size: number | null;
  /** Env vars the skill needs (spec 7.10), in order, without duplicates. */
  required_env_vars: string[];
  /** Every other front-matter key / column, kept fail-open (plus source extras such as `updated_at`). */
  metadata: Record<string, unknown>;
  /** `in-memory` for in-memory skills; a source-defined string or null otherwise. */
  scope: string | null;
  /** Source-private data needed later (e.g. an in-memory body loader). Never serialised. */
  handle?: unknown;
}

/** What a source returns from `scan`: a skill before the manager assigns its space. */
export type SkillRecord = Omit<Skill, "space_id" | "source_id" | "namespace">;

/** `skills.scan` limits a source honours (filesystem uses all of them). */
export interface ScanLimits {
  ignore_dot_entries: boolean;
  max_depth: number;
  /** 0 disables the check. */
  max_dirs_per_root: number;
  max_frontmatter_bytes: number;
}

export interface SourceScanRequest {
  /** The space being scanned: its id and namespace (lookups key on the namespace). */
  space: { id: string; namespace: string };
  limits: ScanLimits;
  signal?: AbortSignal;
}

export interface SourceScanResult {
  skills: SkillRecord[];
  errors: SkillIssue[];
  warnings: SkillIssue[];
}

export interface ReadOptions {
  signal?: AbortSignal;
}

export interface ReferenceReadRequest extends ReadOptions {
  /** Relative path whose first segment is `references` (or `assets` when allowed). */
  refPath: string;
  /** Byte cap; longer files are cut and get `\n<truncated>` appended. */
  maxBytes: number;
  /** `skills.references.allow_assets`; a source may still refuse assets (Redis bundles always do). */
  allowAssets: boolean;
}

export interface ReferenceRead {
  /** Absolute path read. */
  path: string;
  text: string;
  truncated: boolean;
}

export interface ActionRequest extends ReadOptions {
  actionId: string;
}

/** A checked action (spec 7.11): ready for the shell tool, minus the stable SKILLS_RUNTIME_SDK_* env. */
export interface ResolvedAction {
  action_id: string;
  /** argv with path-like arguments rewritten to absolute paths under `<bundle_root>/actions/`. */
  argv: string[];
  timeout_ms: number | null;
  /** The action's own env, values stringified. */
  env: Record<string, string>;
  bundle_root: string;
  /** sha256 of the Redis bundle the root was extracted from, else null. */
  bundle_sha256: string | null;
}

/** The source contract. See the comment at the top of this file. */
export interface SkillSource {
  readonly id: string;
  readonly type: string;
  scan(request: SourceScanRequest): Promise<SourceScanResult>;
  readBody(skill: Skill, options?: ReadOptions): Promise<string>;
  readReference(skill: Skill, request: ReferenceReadRequest): Promise<ReferenceRead>;
  resolveAction(skill: Skill, request: ActionRequest): Promise<ResolvedAction>;
  close(): Promise<void>;
}

/** One row of the in-memory registry (spec 7.7); validated by the in-memory source. */
export type InMemorySkillRow = Record<string, unknown>;
/** namespace -> rows, handed to `SkillsManager` (spec 7.7). */
export type InMemoryRegistry = Readonly<Record<string, readonly InMemorySkillRow[]>>;

/** What a factory may use to build a source. Explicit: nothing reads globals. */
export interface SourceDeps {
  /** Absolute workspace root (relative roots and cache dirs resolve against it). */
  workspaceRoot: string;
  /** Environment for DSN lookups (`options.dsn_env`) and `~` expansion. */
  env: Readonly<Record<string, string | undefined>>;
  inMemoryRegistry: InMemoryRegistry;
  /** Clients injected per source id (Redis/PostgreSQL); the source must not close them. */
  sourceClients: Readonly<Record<string, unknown>>;
  /** `skills.bundles` (Redis zip bundles, spec 7.15). */
  bundles: SkillsConfig["bundles"];
}

export type SourceFactory = (config: SkillSourceConfig, deps: SourceDeps) => SkillSource;
