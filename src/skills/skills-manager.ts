/**
 * SkillsManager (spec 7.16): one per agent / Studio session. Ties the skills config, the live
 * sources, the scan cache, mention resolution and injection rendering together for the engine, the
 * skill tools, the CLI and the server.
 *
 * - `preflight()`: config issues without scanning (plus the missing-root warnings of decisions.md
 *   item 8 unless `checkRoots: false`).
 * - `scan()` / `refresh()`: metadata-only scan under the refresh policy; a duplicate key rejects with
 *   `SKILL_DUPLICATE_NAME` after storing a report that lists it (`lastReport`).
 * - `resolveMentions(text)`: the skills a text mentions, in mention order; an unresolved valid
 *   mention rejects (`skill_unknown` / `skill_space_not_configured`).
 * - `resolveStrictMention(arg)`: the single-token form of the skill tools.
 * - `renderInjectedSkill(skill, {mode})`: the prompt text of a skill (`body` by default).
 * - `readReference` / `resolveAction`: delegate to the skill's source.
 * - `close()`: closes the sources (which close only the clients they created).
 * Sources are created on first use; nothing here reads `process.env` (pass `env`).
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { SkillsConfig, type SkillsConfigInput, type SkillSourceConfig } from "../config/schema.ts";
import { ConfigError, RuntimeError } from "../util/errors.ts";
import { ScanCache, scanCacheKey } from "./cache.ts";
import { renderSkill, type SkillRenderMode } from "./injection.ts";
import { SkillError, type SkillIssue } from "./issues.ts";
import { extractMentions, parseStrictMention } from "./mentions.ts";
import { checkSkillRoots, preflightSkillsConfig, type DirectoryProbe } from "./preflight.ts";
import { checkSpacesConfigured, resolveAgainstReport, skillUnknown, type ResolvedMention } from "./resolve.ts";
import { performFullScan, type ScanReport } from "./scan.ts";
import { SOURCE_FACTORIES } from "./source-factories.ts";
import type { InMemoryRegistry, ReadOptions, ReferenceRead, ResolvedAction, Skill, SkillSource, SourceDeps, SourceFactory } from "./source.ts";
import { sourcesById } from "./spaces.ts";

export interface SkillsManagerOptions {
  workspaceRoot: string;
  /** The `skills` config section (parsed here, strictly). Default: the schema defaults. */
  config?: SkillsConfigInput;
  /** Environment for DSN lookups and `~` expansion. Default: empty. */
  env?: Readonly<Record<string, string | undefined>>;
  inMemoryRegistry?: InMemoryRegistry;
  /** Clients injected per source id (Redis/PostgreSQL); never closed by the manager. */
  sourceClients?: Readonly<Record<string, unknown>>;
  /** Extra or replacement source factories by type (tests, embedding). */
  sourceFactories?: Readonly<Record<string, SourceFactory>>;
  /** Monotonic milliseconds for the ttl policy (default `performance.now()`). */
  now?: () => number;
}

const probeDirectory: DirectoryProbe = (path) => {
  try {
    return statSync(path).isDirectory() ? "directory" : "not_a_directory";
  } catch {
    return "missing";
  }
};

export class SkillsManager {
  readonly workspaceRoot: string;
  readonly config: SkillsConfig;
  private readonly deps: SourceDeps;
  private readonly factories: Readonly<Record<string, SourceFactory>>;
  private readonly live = new Map<string, SkillSource>();
  private readonly cache: ScanCache;
  private readonly cacheKey: string;
  private readonly disabled = new Set<string>();
  private report: ScanReport | null = null;

  constructor(options: SkillsManagerOptions) {
    const parsed = SkillsConfig.safeParse(options.config ?? {});
    if (!parsed.success) {
      throw new ConfigError(`Cannot create the skills manager: the skills config is invalid:\n${z.prettifyError(parsed.error)}`, { code: "CLI_CONFIG_INVALID" });
    }
    this.workspaceRoot = resolve(options.workspaceRoot);
    this.config = parsed.data;
    this.factories = { ...SOURCE_FACTORIES, ...options.sourceFactories };
    this.deps = {
      workspaceRoot: this.workspaceRoot,
      env: options.env ?? {},
      inMemoryRegistry: options.inMemoryRegistry ?? {},
      sourceClients: options.sourceClients ?? {},
      bundles: this.config.bundles,
    };
    this.cache = new ScanCache(options.now ? { now: options.now } : {});
    this.cacheKey = scanCacheKey(this.config);
  }

  /** Config issues; `checkRoots` (default true) adds the missing filesystem root warnings. */
  preflight(options: { checkRoots?: boolean } = {}): SkillIssue[] {
    const issues = preflightSkillsConfig(this.config);
    if (options.checkRoots === false) return issues;
    return [...issues, ...checkSkillRoots(this.config, { workspaceRoot: this.workspaceRoot, env: this.deps.env, probe: probeDirectory })];
  }

  /** The report of the last scan (also after a fatal duplicate), or null before any scan. */
  get lastReport(): ScanReport | null {
    return this.report;
  }

  private liveSources(): Map<string, SkillSource> {
    for (const config of sourcesById(this.config).values()) {
      if (!this.live.has(config.id) && this.factories[config.type]) this.live.set(config.id, this.factories[config.type]!(config, this.deps));
    }
    return this.live;
  }

  async scan(options: { forceRefresh?: boolean; signal?: AbortSignal } = {}): Promise<ScanReport> {
    const { refresh_policy, ttl_sec } = this.config.scan;
    const outcome = await this.cache.scan({
      key: this.cacheKey,
      policy: refresh_policy,
      ttlSec: ttl_sec,
      force: options.forceRefresh === true,
      run: () => performFullScan(this.config, this.liveSources(), options.signal ? { signal: options.signal } : {}),
    });
    this.report = outcome.report;
    if (outcome.fatal) throw outcome.fatal;
    return outcome.report;
  }

  refresh(options: { signal?: AbortSignal } = {}): Promise<ScanReport> {
    return this.scan({ ...options, forceRefresh: true });
  }

  /** Skills of the last scan; `enabledOnly` leaves out skills disabled by path. */
  listSkills(options: { enabledOnly?: boolean } = {}): Skill[] {
    const skills = this.report?.skills ?? [];
    return options.enabledOnly ? skills.filter((skill) => skill.path === null || !this.disabled.has(skill.path)) : [...skills];
  }

  /** Enable or disable a scanned filesystem skill by its SKILL.md path. */
  setEnabled(path: string, enabled: boolean): void {
    const target = resolve(this.workspaceRoot, path);
    if (!(this.report?.skills ?? []).some((skill) => skill.path === target)) {
      throw new RuntimeError("validation", `Cannot ${enabled ? "enable" : "disable"} skill "${target}": no scanned skill has this path`, {
        code: "USER_ERROR",
        details: { path: target },
      });
    }
    if (enabled) this.disabled.delete(target);
    else this.disabled.add(target);
  }

  /** The skills `text` mentions, in mention order (spec 7.4; decisions.md item 3). */
  async resolveMentions(text: string, options: { signal?: AbortSignal } = {}): Promise<ResolvedMention[]> {
    const mentions = extractMentions(text);
    if (mentions.length === 0) return [];
    checkSpacesConfigured(mentions, this.config);
    const report = await this.scan(options);
    return resolveAgainstReport(mentions, report, { config: this.config, disabledPaths: this.disabled });
  }

  /** The strict single-token mention of a tool argument, resolved (a disabled skill counts as unknown). */
  async resolveStrictMention(argument: string, options: { signal?: AbortSignal } = {}): Promise<ResolvedMention> {
    const mention = parseStrictMention(argument);
    const [resolved] = await this.resolveMentions(mention.mention_text, options);
    if (!resolved) throw skillUnknown(mention, this.listSkills({ enabledOnly: true }));
    return resolved;
  }

  /** The live source that produced `skill`. */
  sourceOf(skill: Pick<Skill, "source_id" | "skill_name">): SkillSource {
    const source = this.liveSources().get(skill.source_id);
    if (!source) {
      throw new SkillError("SKILL_SCAN_METADATA_INVALID", `Cannot use skill "${skill.skill_name}": source "${skill.source_id}" is not configured`, {
        details: { source_id: skill.source_id },
      });
    }
    return source;
  }

  /** The skill's full body, through its source (unchecked; see `renderInjectedSkill`). */
  readBody(skill: Skill, options: ReadOptions = {}): Promise<string> {
    return this.sourceOf(skill).readBody(skill, options);
  }

  /** Prompt text of a skill (spec 7.8); `body` checks `skills.injection.max_bytes`. Null for `none`. */
  renderInjectedSkill(skill: Skill, options: { mode?: SkillRenderMode; signal?: AbortSignal } = {}): Promise<string | null> {
    return renderSkill(skill, options.mode ?? "body", {
      load: () => this.readBody(skill, options.signal ? { signal: options.signal } : {}),
      maxBytes: this.config.injection.max_bytes,
    });
  }

  /** A reference file of the skill (spec 7.12); `maxBytes` defaults to `skills.references.default_max_bytes`. */
  readReference(skill: Skill, refPath: string, options: { maxBytes?: number; signal?: AbortSignal } = {}): Promise<ReferenceRead> {
    return this.sourceOf(skill).readReference(skill, {
      refPath,
      maxBytes: options.maxBytes ?? this.config.references.default_max_bytes,
      allowAssets: this.config.references.allow_assets,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** A checked action of the skill (spec 7.11). */
  resolveAction(skill: Skill, actionId: string, options: { signal?: AbortSignal } = {}): Promise<ResolvedAction> {
    return this.sourceOf(skill).resolveAction(skill, { actionId, ...(options.signal ? { signal: options.signal } : {}) });
  }

  /** Source configs by id (read-only view for callers that report on sources). */
  sourceConfigs(): Map<string, SkillSourceConfig> {
    return sourcesById(this.config);
  }

  async close(): Promise<void> {
    const sources = [...this.live.values()];
    this.live.clear();
    await Promise.allSettled(sources.map((source) => source.close()));
  }
}
