import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { SkillsConfig, type SkillsConfigInput } from "../config/schema.ts";
import { skillMd, tempDir, writeSkill } from "../../test/support/skills.ts";
import { failedScanReport, performFullScan, ScanReportJson, scanReportToJson } from "./scan.ts";
import { SOURCE_FACTORIES } from "./source-factories.ts";
import type { InMemoryRegistry, SkillSource } from "./source.ts";
import { sourcesById } from "./spaces.ts";

function live(config: SkillsConfig, registry: InMemoryRegistry = {}, env: Record<string, string> = {}): Map<string, SkillSource> {
  const deps = { workspaceRoot: "/", env, inMemoryRegistry: registry, sourceClients: {}, bundles: config.bundles };
  const out = new Map<string, SkillSource>();
  for (const source of sourcesById(config).values()) {
    const factory = SOURCE_FACTORIES[source.type];
    if (factory) out.set(source.id, factory(source, deps));
  }
  return out;
}

async function fullScan(input: SkillsConfigInput, registry?: InMemoryRegistry, env?: Record<string, string>) {
  const config = SkillsConfig.parse(input);
  return performFullScan(config, live(config, registry, env));
}

describe("performFullScan", () => {
  test("assigns each space's namespace and sorts by name, space, source, locator", async () => {
    const root = tempDir();
    writeSkill(root, "zz", skillMd("shared"));
    const { report, fatal } = await fullScan(
      {
        spaces: [
          { id: "s-web", namespace: "web:mvp", sources: ["fs", "mem"] },
          { id: "s-app", namespace: "app", sources: ["fs"] },
          { id: "off", namespace: "off", sources: ["fs"], enabled: false },
        ],
        sources: [
          { id: "fs", type: "filesystem", options: { root } },
          { id: "mem", type: "in-memory", options: { namespace: "web" } },
        ],
      },
      { web: [{ skill_name: "alpha", description: "d", body: "" }] },
    );
    expect(fatal).toBeNull();
    expect(report.skills.map((s) => [s.skill_name, s.namespace, s.space_id, s.source_id])).toEqual([
      ["alpha", "web:mvp", "s-web", "mem"],
      ["shared", "app", "s-app", "fs"],
      ["shared", "web:mvp", "s-web", "fs"],
    ]);
    expect(report.stats).toEqual({ spaces_total: 2, sources_total: 2, skills_total: 3 });
    expect(report.scan_id).toMatch(/^scan_[0-9a-f]{12}$/);
  });

  test("config problems give an empty report without scanning", async () => {
    let scanned = 0;
    const config = SkillsConfig.parse({
      spaces: [{ id: "s", namespace: "web", sources: ["fs", "ghost"] }],
      sources: [
        { id: "fs", type: "filesystem", options: { root: "/" } },
        { id: "odd", type: "sqlite" },
      ],
    });
    const spy: SkillSource = { ...live(config).get("fs")!, scan: async () => (scanned++, { skills: [], errors: [], warnings: [] }) };
    const { report } = await performFullScan(config, new Map([["fs", spy]]));
    expect(scanned).toBe(0);
    expect(report.skills).toEqual([]);
    expect(report.errors.map((e) => [e.code, e.details.source_id])).toEqual([
      ["SKILL_SCAN_METADATA_INVALID", "odd"],
      ["SKILL_SCAN_METADATA_INVALID", "ghost"],
    ]);
  });

  for (const [label, sources, registry] of [
    ["fs+fs", (a: string, b: string) => [{ id: "a", type: "filesystem", options: { root: a } }, { id: "b", type: "filesystem", options: { root: b } }], {}],
    ["fs+in-memory", (a: string) => [{ id: "a", type: "filesystem", options: { root: a } }, { id: "b", type: "in-memory", options: { namespace: "n" } }], { n: [{ skill_name: "dup", description: "d", body: "" }] }],
    ["mem+mem", () => [{ id: "a", type: "in-memory", options: { namespace: "n" } }, { id: "b", type: "in-memory", options: { namespace: "n" } }], { n: [{ skill_name: "dup", description: "d", body: "" }] }],
  ] as const) {
    test(`a duplicate key from ${label} is fatal and names both origins`, async () => {
      const a = tempDir();
      const b = tempDir();
      writeSkill(a, "dup", skillMd("dup"));
      writeSkill(b, "dup", skillMd("dup"));
      const { report, fatal } = await fullScan({ spaces: [{ id: "s1", namespace: "web", sources: ["a"] }, { id: "s2", namespace: "web", sources: ["b"] }], sources: sources(a, b) as never }, registry as InMemoryRegistry);
      expect(fatal?.code).toBe("SKILL_DUPLICATE_NAME");
      expect(fatal?.details.skill_name).toBe("dup");
      const conflicts = fatal?.details.conflicts as { space_id: string; source_id: string; locator: string }[];
      expect(conflicts.map((c) => [c.space_id, c.source_id])).toEqual([["s1", "a"], ["s2", "b"]]);
      expect(fatal?.message).toContain(`source "a" (space "s1") at ${conflicts[0]!.locator}`);
      expect(fatal?.message).toContain(`source "b" (space "s2") at ${conflicts[1]!.locator}`);
      expect(report.skills).toEqual([]);
      expect(report.errors[0]!.code).toBe("SKILL_DUPLICATE_NAME");
    });
  }

  test("the same name in two namespaces is fine", async () => {
    const a = tempDir();
    writeSkill(a, "dup", skillMd("dup"));
    const { fatal, report } = await fullScan({ spaces: [{ id: "s1", namespace: "web", sources: ["a"] }, { id: "s2", namespace: "app", sources: ["a"] }], sources: [{ id: "a", type: "filesystem", options: { root: a } }] });
    expect(fatal).toBeNull();
    expect(report.skills).toHaveLength(2);
  });

  test("a redis source without its DSN variable is unavailable with env_present false", async () => {
    const { report } = await fullScan({ spaces: [{ id: "s", namespace: "web", sources: ["r"] }], sources: [{ id: "r", type: "redis", options: { dsn_env: "SKILLS_REDIS_URL", key_prefix: "skills:" } }] });
    expect(report.errors.map((e) => [e.code, e.details.dsn_env, e.details.env_present])).toEqual([["SKILL_SCAN_SOURCE_UNAVAILABLE", "SKILLS_REDIS_URL", false]]);
  });

  test("a source that throws becomes an unavailable issue, not a crash", async () => {
    const config = SkillsConfig.parse({ spaces: [{ id: "s", namespace: "web", sources: ["fs"] }], sources: [{ id: "fs", type: "filesystem", options: { root: "/" } }] });
    const broken: SkillSource = { ...live(config).get("fs")!, scan: async () => Promise.reject(new Error("connection refused")) };
    const { report } = await performFullScan(config, new Map([["fs", broken]]));
    expect(report.errors.map((e) => [e.code, e.details.reason])).toEqual([["SKILL_SCAN_SOURCE_UNAVAILABLE", "connection refused"]]);
  });
});

test("a source without an implementation is reported unavailable", async () => {
  const config = SkillsConfig.parse({ spaces: [{ id: "s", namespace: "web", sources: ["pg"] }], sources: [{ id: "pg", type: "pgsql", options: {} }] });
  const { report } = await performFullScan(config, new Map());
  expect(report.errors.map((e) => [e.code, e.details.source_id, e.details.source_type])).toEqual([["SKILL_SCAN_SOURCE_UNAVAILABLE", "pg", "pgsql"]]);
});

test("an aborted scan rejects instead of reporting", async () => {
  const root = tempDir();
  writeSkill(root, "a", skillMd("alpha"));
  const config = SkillsConfig.parse({ spaces: [{ id: "s", namespace: "web", sources: ["fs"] }], sources: [{ id: "fs", type: "filesystem", options: { root } }] });
  const controller = new AbortController();
  controller.abort(new Error("stop"));
  await expect(performFullScan(config, live(config), { signal: controller.signal })).rejects.toThrow("stop");
});

describe("scan report JSON", () => {
  test("has the reference's shape, drops body_markdown and handles, and is sanitised", async () => {
    const root = tempDir();
    writeSkill(root, "a", skillMd("alpha", "d", "license: MIT\n"));
    const { report } = await fullScan(
      { spaces: [{ id: "s", namespace: "web", sources: ["fs", "mem"] }], sources: [{ id: "fs", type: "filesystem", options: { root } }, { id: "mem", type: "in-memory", options: { namespace: "m" } }] },
      { m: [{ skill_name: "beta", description: "d", body: "secret body", body_markdown: "secret", ratio: Number.NaN, tags: new Set(["x"]) }] },
    );
    const json = scanReportToJson(report);
    expect(ScanReportJson.parse(json)).toEqual(json);
    expect(Object.keys(json)).toEqual(["scan_id", "skills", "errors", "warnings", "stats"]);
    expect(Object.keys(json.skills[0]!)).toEqual(["space_id", "source_id", "namespace", "skill_name", "description", "locator", "path", "body_size", "required_env_vars", "metadata", "scope"]);
    expect(json.skills[0]!.path).toBe(join(root, "a/SKILL.md"));
    expect(json.skills[1]!.metadata).toEqual({ ratio: "NaN", tags: ["x"] });
    const text = JSON.stringify(json);
    expect(text).not.toContain("secret");
    expect(text).not.toContain("handle");
  });

  test("the CLI failure report has zero stats", () => {
    expect(scanReportToJson(failedScanReport([{ code: "CLI_CONFIG_INVALID", message: "m", details: {} }]))).toEqual({
      scan_id: "scan_cli_error",
      skills: [],
      errors: [{ code: "CLI_CONFIG_INVALID", message: "m", details: {} }],
      warnings: [],
      stats: { spaces_total: 0, sources_total: 0, skills_total: 0 },
    });
  });
});
