import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseIsoMicros } from "./iso-time.ts";
import { computeRunMetricsSummary, metricsExitCode, RunMetricsSummary } from "./metrics.ts";
import { pythonPathString, resolveMetricsLocator } from "./metrics-locator.ts";

const FIXTURES = join(import.meta.dir, "../../test/fixtures/wal");
// Both files hold what the reference's compute_run_metrics_summary returned for the same input.
const expected = JSON.parse(readFileSync(join(FIXTURES, "reference-expected.json"), "utf8")).metrics as Record<string, unknown>;
const edge = JSON.parse(readFileSync(join(FIXTURES, "reference-metrics-edge.json"), "utf8")) as Record<string, unknown> & {
  _inputs: Record<string, string[]>;
};

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "wal-metrics-")));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("computeRunMetricsSummary", () => {
  test.each(Object.keys(expected))("matches the reference on %s, key order included", (name) => {
    const summary = computeRunMetricsSummary(join(FIXTURES, name));
    expect(JSON.stringify(summary)).toBe(JSON.stringify(expected[name]));
    expect(RunMetricsSummary.safeParse(summary).success).toBe(true);
  });

  test.each(Object.keys(edge._inputs))("matches the reference on the edge case %s", (name) => {
    const path = join(dir, `${name}.jsonl`);
    writeFileSync(path, edge._inputs[name]!.map((line) => line + "\n").join(""));
    expect(JSON.stringify(computeRunMetricsSummary(path))).toBe(JSON.stringify(edge[name]));
  });

  test("reports locator problems with the reference's kinds and messages", () => {
    expect(computeRunMetricsSummary("  ").errors).toEqual([{ kind: "validation", message: "wal_locator is empty" }]);
    expect(computeRunMetricsSummary("wal://x").errors).toEqual([
      { kind: "not_supported", message: "metrics only supports filesystem wal_locator, got: wal://x" },
    ]);
    const missing = computeRunMetricsSummary(`${dir}//runs/./x/events.jsonl`);
    expect(missing.status).toBe("unknown");
    expect(missing.errors).toEqual([{ kind: "not_found", message: `events file not found: ${dir}/runs/x/events.jsonl` }]);
    expect(computeRunMetricsSummary(dir).errors).toEqual([
      { kind: "invalid_wal", message: `failed to read events file: [Errno 21] Is a directory: '${dir}'` },
    ]);
  });
});

describe("metricsExitCode", () => {
  test("maps error kinds to the runs metrics exit codes", () => {
    const withKinds = (...kinds: string[]) => ({ errors: kinds.map((kind) => ({ kind, message: "" })) });
    expect(metricsExitCode(withKinds())).toBe(0);
    expect(metricsExitCode(withKinds("rate_limited"))).toBe(0);
    expect(metricsExitCode(withKinds("not_found", "invalid_wal"))).toBe(20);
    expect(metricsExitCode(withKinds("validation"))).toBe(20);
    expect(metricsExitCode(withKinds("not_found", "not_supported"))).toBe(23);
    expect(metricsExitCode(withKinds("not_found"))).toBe(22);
  });
});

describe("resolveMetricsLocator", () => {
  test("follows the runs metrics flag rules", () => {
    mkdirSync(join(dir, "real"));
    symlinkSync(join(dir, "real"), join(dir, "link"));
    expect(resolveMetricsLocator(dir, { runId: " r1 " })).toBe(join(dir, ".skills_runtime_sdk/runs/r1/events.jsonl"));
    expect(resolveMetricsLocator(dir, { walLocator: "link/events.jsonl" })).toBe(join(dir, "real/events.jsonl"));
    expect(resolveMetricsLocator(dir, { walLocator: "/abs/../x.jsonl" })).toBe("/x.jsonl");
    expect(resolveMetricsLocator(dir, { walLocator: "wal://in-memory/x" })).toBe("wal://in-memory/x");
    expect(() => resolveMetricsLocator(dir, {})).toThrow(/exactly one/);
    expect(() => resolveMetricsLocator(dir, { runId: "../x" })).toThrow(/Invalid run id/);
  });

  test("normalises paths like Python's Path", () => {
    expect(pythonPathString("a//b/./c/")).toBe("a/b/c");
    expect(pythonPathString("//srv/x")).toBe("//srv/x");
    expect(pythonPathString("///srv")).toBe("/srv");
  });
});

describe("parseIsoMicros", () => {
  test("parses RFC 3339 forms with offsets and rejects the rest like Python", () => {
    expect(parseIsoMicros("1970-01-01T00:00:01.5Z")).toBe(1_500_000n);
    expect(parseIsoMicros("1970-01-01T08:00:00+08:00")).toBe(0n);
    expect(parseIsoMicros("1970-01-01 00:00:00.1234567")).toBe(123_456n);
    expect(parseIsoMicros("1970-01-02")).toBe(86_400_000_000n);
    expect(parseIsoMicros("1970-01-01T00:01")).toBe(60_000_000n);
    for (const bad of ["nope", "2026-02-30T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00+25:00"]) {
      expect(() => parseIsoMicros(bad)).toThrow(`Invalid isoformat string: '${bad}'`);
    }
  });
});
