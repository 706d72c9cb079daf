/**
 * Scan refresh policy and cache (spec 7.9).
 *
 * - The cache key is the canonical JSON of the whole skills config (scan options included).
 * - `always`: every call scans.
 * - `ttl`: the last error-free report is reused while it is younger than `ttl_sec` (monotonic clock)
 *   and the key is unchanged.
 * - `manual`: the last error-free report is reused until a forced refresh.
 * - ttl/manual with a cached report: a scan that fails (fatal duplicate or any error) returns a
 *   fallback report with the cached skills, no errors and one `SKILL_SCAN_REFRESH_FAILED` warning.
 *   Without a cached report the failure goes through as usual.
 * - Scans are serialised: a caller that waited for a running scan re-checks the cache first, so
 *   concurrent callers of an expired ttl cache cause a single refresh.
 */
import type { SkillsConfig } from "../config/schema.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { skillIssue } from "./issues.ts";
import { newScanId, type FullScan, type ScanReport } from "./scan.ts";

export type RefreshPolicy = SkillsConfig["scan"]["refresh_policy"];

export function scanCacheKey(config: SkillsConfig): string {
  return canonicalJson({ skills: config, scan_options: config.scan });
}

export interface ScanRequest {
  key: string;
  policy: RefreshPolicy;
  ttlSec: number;
  force: boolean;
  /** Performs a full scan (called at most once per request). */
  run: () => Promise<FullScan>;
}

export interface ScanOutcome extends FullScan {
  /** True when the report was served from the cache without scanning. */
  cached: boolean;
}

export class ScanCache {
  private lastOk: { key: string; report: ScanReport; at: number } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;

  /** `now` returns monotonic milliseconds (default `performance.now()`). */
  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Forget the cached report (the next ttl/manual scan runs). */
  clear(): void {
    this.lastOk = null;
  }

  scan(request: ScanRequest): Promise<ScanOutcome> {
    const next = this.queue.then(() => this.scanNow(request));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private fallback(cached: ScanReport, policy: RefreshPolicy, reason: string): ScanReport {
    const warning = skillIssue("SKILL_SCAN_REFRESH_FAILED", `Skill scan refresh failed (${reason}); returning the cached skills.`, {
      refresh_policy: policy,
      reason,
    });
    return { scan_id: newScanId(), skills: [...cached.skills], errors: [], warnings: [warning], stats: { ...cached.stats } };
  }

  private async scanNow(request: ScanRequest): Promise<ScanOutcome> {
    const { key, policy, force } = request;
    const cached = this.lastOk !== null && this.lastOk.key === key ? this.lastOk : null;
    if (!force && cached) {
      if (policy === "manual") return { report: cached.report, fatal: null, cached: true };
      if (policy === "ttl" && this.now() - cached.at < request.ttlSec * 1000) return { report: cached.report, fatal: null, cached: true };
    }
    const full = await request.run();
    const keepsCache = (policy === "ttl" || policy === "manual") && cached !== null;
    if (full.fatal) {
      if (keepsCache) return { report: this.fallback(cached.report, policy, full.fatal.message), fatal: null, cached: false };
      return { ...full, cached: false };
    }
    if (full.report.errors.length) {
      if (keepsCache) return { report: this.fallback(cached.report, policy, `scan_errors: ${full.report.errors.map((e) => e.code).join(", ")}`), fatal: null, cached: false };
      return { ...full, cached: false };
    }
    this.lastOk = { key, report: full.report, at: this.now() };
    return { ...full, cached: false };
  }
}
