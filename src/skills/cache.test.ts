import { describe, expect, test } from "bun:test";
import { ScanCache, type RefreshPolicy } from "./cache.ts";
import { SkillError } from "./issues.ts";
import type { FullScan, ScanReport } from "./scan.ts";

function report(names: string[], errors: string[] = []): ScanReport {
  return {
    scan_id: `scan_${names.join("_")}`,
    skills: names.map((n) => ({ skill_name: n }) as never),
    errors: errors.map((code) => ({ code, message: code, details: {} })),
    warnings: [],
    stats: { spaces_total: 1, sources_total: 1, skills_total: names.length },
  };
}

function harness(policy: RefreshPolicy, ttlSec = 300) {
  let clock = 0;
  let runs = 0;
  let next: () => FullScan = () => ({ report: report(["a"]), fatal: null });
  const cache = new ScanCache({ now: () => clock });
  return {
    advance: (ms: number) => void (clock += ms),
    setNext: (fn: () => FullScan) => void (next = fn),
    runs: () => runs,
    scan: (force = false, key = "k") =>
      cache.scan({
        key,
        policy,
        ttlSec,
        force,
        run: async () => {
          runs++;
          await Bun.sleep(1);
          return next();
        },
      }),
  };
}

describe("ScanCache", () => {
  test("always: every call scans", async () => {
    const h = harness("always");
    await h.scan();
    await h.scan();
    expect(h.runs()).toBe(2);
  });

  test("ttl: the cached report is reused until it expires", async () => {
    const h = harness("ttl", 300);
    const first = await h.scan();
    h.advance(299_999);
    const second = await h.scan();
    expect(second.report).toBe(first.report);
    expect(second.cached).toBe(true);
    h.advance(1);
    await h.scan();
    expect(h.runs()).toBe(2);
  });

  test("ttl: a changed cache key scans again", async () => {
    const h = harness("ttl");
    await h.scan(false, "k1");
    await h.scan(false, "k2");
    expect(h.runs()).toBe(2);
  });

  test("ttl: after expiry a failing scan returns the cached skills with a warning", async () => {
    const h = harness("ttl", 1);
    await h.scan();
    h.advance(1000);
    h.setNext(() => ({ report: report([], ["SKILL_SCAN_SOURCE_UNAVAILABLE"]), fatal: null }));
    const out = await h.scan();
    expect(out.report.skills.map((s) => s.skill_name)).toEqual(["a"]);
    expect(out.report.errors).toEqual([]);
    expect(out.report.warnings.map((w) => [w.code, w.details.refresh_policy, w.details.reason])).toEqual([["SKILL_SCAN_REFRESH_FAILED", "ttl", "scan_errors: SKILL_SCAN_SOURCE_UNAVAILABLE"]]);
  });

  test("manual: reuses the cache until forced; a fatal duplicate on refresh falls back", async () => {
    const h = harness("manual");
    await h.scan();
    h.advance(10_000_000);
    await h.scan();
    expect(h.runs()).toBe(1);
    h.setNext(() => ({ report: report([], ["SKILL_DUPLICATE_NAME"]), fatal: new SkillError("SKILL_DUPLICATE_NAME", "dup") }));
    const out = await h.scan(true);
    expect(out.fatal).toBeNull();
    expect(out.report.warnings[0]?.code).toBe("SKILL_SCAN_REFRESH_FAILED");
    expect(h.runs()).toBe(2);
  });

  test("without a cached report, errors and fatal results go through", async () => {
    const h = harness("ttl");
    h.setNext(() => ({ report: report([], ["SKILL_DUPLICATE_NAME"]), fatal: new SkillError("SKILL_DUPLICATE_NAME", "dup") }));
    expect((await h.scan()).fatal?.code).toBe("SKILL_DUPLICATE_NAME");
    h.setNext(() => ({ report: report([], ["X"]), fatal: null }));
    expect((await h.scan()).report.errors.map((e) => e.code)).toEqual(["X"]);
    expect(h.runs()).toBe(2);
  });

  test("a report with errors is never cached", async () => {
    const h = harness("manual");
    h.setNext(() => ({ report: report([], ["X"]), fatal: null }));
    await h.scan();
    h.setNext(() => ({ report: report(["b"]), fatal: null }));
    expect((await h.scan()).report.skills.map((s) => s.skill_name)).toEqual(["b"]);
    expect(h.runs()).toBe(2);
  });

  test("concurrent callers of an expired ttl cache cause a single refresh", async () => {
    const h = harness("ttl");
    const results = await Promise.all([h.scan(), h.scan(), h.scan(), h.scan()]);
    expect(h.runs()).toBe(1);
    expect(new Set(results.map((r) => r.report.scan_id)).size).toBe(1);
  });

  test("a scan that throws does not block the next one", async () => {
    const h = harness("always");
    h.setNext(() => {
      throw new Error("boom");
    });
    await expect(h.scan()).rejects.toThrow("boom");
    h.setNext(() => ({ report: report(["c"]), fatal: null }));
    expect((await h.scan()).report.skills).toHaveLength(1);
  });
});
