/**
 * The Redis skill source against a real Redis on 127.0.0.1 (SKILLS_RUNTIME_TEST_REDIS_URL, set by
 * .ci/run). Every run writes under its own random key prefix and deletes it afterwards. The
 * missing-DSN and unreachable-server cases need no server and always run.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RedisClient } from "bun";
import type { SkillsConfigInput } from "../../src/config/schema.ts";
import { isSkillError, type SkillError, type SkillToolErrorKind } from "../../src/skills/issues.ts";
import { SkillsManager } from "../../src/skills/skills-manager.ts";
import type { Skill } from "../../src/skills/source.ts";
import { tempDirs } from "../support/fs-tools.ts";
import { buildZip, sha256Hex, type ZipEntrySpec } from "../support/zip.ts";

const REDIS_URL = process.env.SKILLS_RUNTIME_TEST_REDIS_URL;
const SKIP = REDIS_URL ? "" : " (skipped: SKILLS_RUNTIME_TEST_REDIS_URL is not set)";
const it = (name: string, fn: () => Promise<void>) => test.skipIf(!REDIS_URL)(`${name}${SKIP}`, fn);
const dirs = tempDirs("skills-redis-");

const RUN = `srt-test:${crypto.randomUUID().slice(0, 8)}:`;
let redis: RedisClient;
let prefixCounter = 0;

beforeAll(async () => {
  if (REDIS_URL) redis = new RedisClient(REDIS_URL);
});

afterAll(async () => {
  if (!REDIS_URL) return;
  let cursor = "0";
  const glob = `${RUN.replace(/[\\*?[\]^]/g, (c) => `\\${c}`)}*`;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", glob, "COUNT", "500");
    if (keys.length > 0) await redis.send("DEL", keys);
    cursor = next;
  } while (cursor !== "0");
  redis.close();
});

/** A fresh key prefix under this run's prefix. */
function freshPrefix(): string {
  prefixCounter += 1;
  return `${RUN}${prefixCounter}:`;
}

async function putSkill(prefix: string, namespace: string, name: string, fields: Record<string, string> = {}, body?: string): Promise<void> {
  const hash = { skill_name: name, description: `The ${name} skill`, created_at: "2026-01-02T03:04:05Z", ...fields };
  await redis.send("HSET", [`${prefix}meta:${namespace}:${name}`, ...Object.entries(hash).flat()]);
  if (body !== undefined) await redis.set(`${prefix}body:${namespace}:${name}`, body);
}

function redisConfig(prefix: string, namespace = "team:web", extra: Partial<SkillsConfigInput> = {}): SkillsConfigInput {
  return {
    spaces: [{ id: "space1", namespace, sources: ["r1"] }],
    sources: [{ id: "r1", type: "redis", options: { dsn_env: "SKILLS_REDIS_DSN", key_prefix: prefix } }],
    ...extra,
  };
}

function manager(config: SkillsConfigInput, options: { env?: Record<string, string>; clients?: Record<string, unknown>; workspaceRoot?: string } = {}) {
  return new SkillsManager({
    workspaceRoot: options.workspaceRoot ?? dirs.make(),
    config,
    env: options.env ?? { SKILLS_REDIS_DSN: REDIS_URL ?? "" },
    sourceClients: options.clients ?? {},
  });
}

/** Wraps the real client and records the commands the source sends. */
function counting(client: RedisClient) {
  const calls: string[] = [];
  return {
    calls,
    client: {
      scan: (cursor: string, ...args: string[]) => {
        calls.push("SCAN");
        return client.scan(cursor, ...args);
      },
      hgetall: (key: string) => {
        calls.push(`HGETALL ${key}`);
        return client.hgetall(key);
      },
      getBuffer: (key: string) => {
        calls.push(`GET ${key}`);
        return client.getBuffer(key);
      },
      strlen: (key: string) => {
        calls.push(`STRLEN ${key}`);
        return client.strlen(key);
      },
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<SkillError> {
  try {
    await promise;
  } catch (error) {
    if (isSkillError(error)) return error;
    throw error;
  }
  throw new Error("expected a SkillError");
}

describe("redis source: scan and read", () => {
  it("scans the meta hashes of the space's namespace into skills without reading bodies", async () => {
    const prefix = freshPrefix();
    await putSkill(prefix, "team:web", "article-writer", {
      body_size: "42",
      required_env_vars: JSON.stringify(["API_TOKEN", "API_TOKEN", "OTHER"]),
      metadata: JSON.stringify({ "short-description": "Writes", tags: ["a"] }),
      etag: "e1",
      scope: "team",
    }, "# Article writer\n");
    await putSkill(prefix, "team:web", "novel-writer", {}, "# Novel\n");
    await putSkill(prefix, "team:other", "elsewhere", {}, "# no\n");
    const spy = counting(redis);
    const skills = manager(redisConfig(prefix), { clients: { r1: spy.client } });
    const report = await skills.scan();
    expect(report.errors).toEqual([]);
    expect(report.skills.map((s) => s.skill_name)).toEqual(["article-writer", "novel-writer"]);
    const writer = report.skills[0]!;
    expect(writer).toMatchObject({
      space_id: "space1",
      source_id: "r1",
      namespace: "team:web",
      locator: `redis://${prefix}meta:team:web:article-writer`,
      path: null,
      body_size: 42,
      required_env_vars: ["API_TOKEN", "OTHER"],
      scope: "team",
    });
    expect(writer.metadata).toEqual({
      "short-description": "Writes",
      tags: ["a"],
      etag: "e1",
      created_at: "2026-01-02T03:04:05Z",
      updated_at: null,
      body_key: `${prefix}body:team:web:article-writer`,
      bundle_sha256: null,
      bundle_key: null,
      bundle_size: null,
      bundle_format: null,
    });
    expect(spy.calls.filter((call) => call.startsWith("GET"))).toEqual([]);

    const text = await skills.renderInjectedSkill(writer);
    expect(text).toBe(`<skill>\n<name>article-writer</name>\n<path>${writer.locator}</path>\n# Article writer\n\n</skill>`);
    expect(spy.calls.filter((call) => call.startsWith("GET"))).toEqual([`GET ${prefix}body:team:web:article-writer`]);
    await skills.close();
  });

  it("reports each malformed record by field and keeps the good ones", async () => {
    const prefix = freshPrefix();
    await putSkill(prefix, "team:web", "good-one", {}, "ok");
    await putSkill(prefix, "team:web", "Bad Name");
    await putSkill(prefix, "team:web", "no-date", { created_at: "" });
    await putSkill(prefix, "team:web", "bad-env", { required_env_vars: "[1, 2]" });
    await putSkill(prefix, "team:web", "bad-json", { metadata: "{nope" });
    await putSkill(prefix, "team:web", "bad-sha", { bundle_sha256: "abc" });
    await putSkill(prefix, "team:web", "bad-format", { bundle_format: "tar" });
    await putSkill(prefix, "team:web", "bad-size", { body_size: "-1" });
    const skills = manager(redisConfig(prefix));
    const report = await skills.scan();
    expect(report.skills.map((s) => s.skill_name)).toEqual(["good-one"]);
    const fields = Object.fromEntries(report.errors.map((issue) => [String(issue.details.locator).split(":").pop(), issue.details.field]));
    expect(fields).toEqual({
      "Bad Name": "skill_name",
      "no-date": "created_at",
      "bad-env": "required_env_vars",
      "bad-json": "metadata",
      "bad-sha": "bundle_sha256",
      "bad-format": "bundle_format",
      "bad-size": "body_size",
    });
    expect(report.errors.every((issue) => issue.code === "SKILL_SCAN_METADATA_INVALID" && issue.details.source_id === "r1")).toBe(true);
    const slug = report.errors.find((issue) => issue.details.field === "skill_name")!;
    expect(slug.details.reason).toBe("invalid_skill_name_slug");
    expect(slug.message).toContain(`"redis://${prefix}meta:team:web:Bad Name"`);
    await skills.close();
  });

  it("matches the key prefix literally even when it holds glob characters", async () => {
    const base = freshPrefix();
    await putSkill(`${base}a*[x]:`, "team:web", "literal", {}, "x");
    await putSkill(`${base}ab[x]:`, "team:web", "wildcard-victim", {}, "x");
    await putSkill(`${base}ax:`, "team:web", "class-victim", {}, "x");
    const report = await manager(redisConfig(`${base}a*[x]:`)).scan();
    expect(report.skills.map((s) => s.skill_name)).toEqual(["literal"]);
  });

  it("a missing body key fails the injection with SKILL_BODY_READ_FAILED naming the key", async () => {
    const prefix = freshPrefix();
    await putSkill(prefix, "team:web", "bodiless");
    const skills = manager(redisConfig(prefix));
    const [skill] = (await skills.scan()).skills;
    const error = await rejection(skills.renderInjectedSkill(skill!));
    expect(error.code).toBe("SKILL_BODY_READ_FAILED");
    expect(error.details.reason).toBe(`body key "${prefix}body:team:web:bodiless" does not exist`);
  });

  it("the same skill name from Redis and from a folder in one namespace is a fatal duplicate naming both", async () => {
    const prefix = freshPrefix();
    await putSkill(prefix, "team:web", "twin", {}, "redis twin");
    const workspace = dirs.make();
    mkdirSync(join(workspace, "skills", "twin"), { recursive: true });
    writeFileSync(join(workspace, "skills", "twin", "SKILL.md"), "---\nname: twin\ndescription: folder twin\n---\nbody\n");
    const config: SkillsConfigInput = {
      spaces: [{ id: "space1", namespace: "team:web", sources: ["r1", "fs"] }],
      sources: [
        { id: "r1", type: "redis", options: { dsn_env: "SKILLS_REDIS_DSN", key_prefix: prefix } },
        { id: "fs", type: "filesystem", options: { root: "skills" } },
      ],
    };
    const skills = manager(config, { workspaceRoot: workspace });
    const error = await rejection(skills.scan());
    expect(error.code).toBe("SKILL_DUPLICATE_NAME");
    const locators = (error.details.conflicts as Array<{ source_id: string; locator: string }>).map((c) => `${c.source_id} ${c.locator}`).sort();
    expect(locators).toEqual([`fs ${join(workspace, "skills", "twin", "SKILL.md")}`, `r1 redis://${prefix}meta:team:web:twin`]);
    expect(skills.lastReport?.errors[0]?.code).toBe("SKILL_DUPLICATE_NAME");
    await skills.close();
  });

  it("never closes an injected client", async () => {
    const prefix = freshPrefix();
    await putSkill(prefix, "team:web", "kept", {}, "x");
    const injected = new RedisClient(REDIS_URL);
    const skills = manager(redisConfig(prefix), { clients: { r1: injected } });
    expect((await skills.scan()).skills).toHaveLength(1);
    await skills.close();
    expect(await injected.get(`${prefix}body:team:web:kept`)).toBe("x");
    injected.close();
  });
});

describe("redis source: connection problems (no server needed)", () => {
  test("a missing DSN env var is SKILL_SCAN_SOURCE_UNAVAILABLE naming the variable", async () => {
    const skills = manager(redisConfig("p:"), { env: {} });
    const report = await skills.scan();
    expect(report.skills).toEqual([]);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({
      code: "SKILL_SCAN_SOURCE_UNAVAILABLE",
      details: { source_id: "r1", source_type: "redis", dsn_env: "SKILLS_REDIS_DSN", env_present: false },
    });
    expect(report.errors[0]!.message).toBe('Cannot scan skill source "r1" (redis): environment variable "SKILLS_REDIS_DSN" is not set');
  });

  test("an unreachable server is a prompt SKILL_SCAN_SOURCE_UNAVAILABLE that never shows the DSN", async () => {
    const dsn = "redis://admin:hunter2-secret@127.0.0.1:1/0";
    const skills = manager(redisConfig("p:"), { env: { SKILLS_REDIS_DSN: dsn } });
    const started = performance.now();
    const report = await skills.scan();
    expect(performance.now() - started).toBeLessThan(6000);
    const [issue] = report.errors;
    expect(issue).toMatchObject({ code: "SKILL_SCAN_SOURCE_UNAVAILABLE", details: { dsn_env: "SKILLS_REDIS_DSN", env_present: true } });
    expect(issue!.message).toStartWith('Cannot connect to Redis for skill source "r1" (DSN from "SKILLS_REDIS_DSN"): redis connect failed:');
    const text = JSON.stringify(report);
    expect(text).not.toContain("hunter2-secret");
    expect(text).not.toContain(dsn);
    await skills.close();
  });
});

describe("redis source: bundles", () => {
  const goodEntries: ZipEntrySpec[] = [
    { name: "references/guide.md", data: "# Guide\nUse it well.\n" },
    { name: "actions/run.sh", data: "#!/bin/sh\necho ran\n" },
  ];
  const actions = { run: { argv: ["sh", "actions/run.sh", "--fast"], timeout_ms: 5000, env: { MODE: "x" } } };

  async function bundledSkill(prefix: string, name: string, zip: Uint8Array, fields: Record<string, string> = {}) {
    await putSkill(prefix, "team:web", name, { bundle_sha256: sha256Hex(zip), metadata: JSON.stringify({ actions }), ...fields }, "body");
    await redis.set(`${prefix}bundle:team:web:${name}`, zip);
  }

  async function scanned(prefix: string, options: { clients?: Record<string, unknown>; workspaceRoot?: string; config?: Partial<SkillsConfigInput> } = {}) {
    const workspaceRoot = options.workspaceRoot ?? dirs.make();
    const config = redisConfig(prefix, "team:web", { bundles: { max_bytes: 64 * 1024 }, ...options.config });
    const skills = manager(config, { workspaceRoot, ...(options.clients ? { clients: options.clients } : {}) });
    const report = await skills.scan();
    return { skills, workspaceRoot, byName: (name: string) => report.skills.find((s) => s.skill_name === name) as Skill };
  }

  it("round-trips a bundle: references and actions come from the extracted cache, fetched once", async () => {
    const prefix = freshPrefix();
    const zip = buildZip(goodEntries);
    await bundledSkill(prefix, "bundled", zip);
    const spy = counting(redis);
    const { skills, workspaceRoot, byName } = await scanned(prefix, { clients: { r1: spy.client } });
    const skill = byName("bundled");
    const sha = sha256Hex(zip);
    const cacheDir = join(workspaceRoot, ".skills_runtime_sdk", "bundles", sha);

    const ref = await skills.readReference(skill, "references/guide.md");
    expect(ref).toEqual({ path: join(cacheDir, "references", "guide.md"), text: "# Guide\nUse it well.\n", truncated: false });
    const action = await skills.resolveAction(skill, "run");
    expect(action).toEqual({
      action_id: "run",
      argv: ["sh", join(cacheDir, "actions", "run.sh"), "--fast"],
      timeout_ms: 5000,
      env: { MODE: "x" },
      bundle_root: cacheDir,
      bundle_sha256: sha,
    });
    expect(spy.calls.filter((call) => call.startsWith("GET"))).toEqual([`GET ${prefix}bundle:team:web:bundled`]);
    expect(existsSync(cacheDir)).toBe(true);
    await skills.close();
  });

  it("never serves assets/ from a Redis bundle, even with references.allow_assets", async () => {
    const prefix = freshPrefix();
    await bundledSkill(prefix, "assets-skill", buildZip(goodEntries));
    const { skills, byName } = await scanned(prefix, { config: { references: { enabled: true, allow_assets: true } } });
    const error = await rejection(skills.readReference(byName("assets-skill"), "assets/logo.png"));
    expect(error.code).toBe("SKILL_REF_PATH_INVALID");
    expect(error.toolKind).toBe("permission");
  });

  const refused: Array<[string, ZipEntrySpec[], string, string, SkillToolErrorKind]> = [
    ["a zip-slip bundle", [{ name: "references/../../escape.txt", data: "pwned" }], "SKILL_BUNDLE_INVALID", "dotdot_segment", "validation"],
    ["a symlink bundle", [{ name: "references/passwd", data: "/etc/passwd", unixMode: 0o120777 }], "SKILL_BUNDLE_INVALID", "symlink_entry", "validation"],
    [
      "a zip-bomb bundle",
      [{ name: "references/bomb.bin", data: new Uint8Array(16 * 1024 * 1024), declaredSize: 100 }],
      "SKILL_BUNDLE_TOO_LARGE",
      "max_single_file_bytes",
      "permission",
    ],
  ];
  for (const [label, entries, code, reason, kind] of refused) {
    it(`refuses ${label} with ${code} (${reason}) and caches nothing`, async () => {
      const prefix = freshPrefix();
      await bundledSkill(prefix, "evil", buildZip(entries));
      const { skills, workspaceRoot, byName } = await scanned(prefix);
      const error = await rejection(skills.readReference(byName("evil"), "references/passwd"));
      expect(error.code).toBe(code);
      expect(error.details.reason).toBe(reason);
      expect(error.toolKind).toBe(kind);
      const cacheRoot = join(workspaceRoot, ".skills_runtime_sdk", "bundles");
      expect(new Bun.Glob("**/*").scanSync({ cwd: cacheRoot, onlyFiles: false, dot: true }).next().done).toBe(true);
      expect(existsSync(join(workspaceRoot, ".skills_runtime_sdk", "escape.txt"))).toBe(false);
    });
  }

  it("checks the bundle contract: fingerprint missing, mismatched, and bundle not stored", async () => {
    const prefix = freshPrefix();
    const zip = buildZip(goodEntries);
    await putSkill(prefix, "team:web", "no-sha", {}, "b");
    await bundledSkill(prefix, "wrong-sha", zip, { bundle_sha256: "f".repeat(64) });
    await putSkill(prefix, "team:web", "no-bundle", { bundle_sha256: "e".repeat(64) }, "b");
    const { skills, byName } = await scanned(prefix);
    const codes = await Promise.all(
      ["no-sha", "wrong-sha", "no-bundle"].map(async (name) => (await rejection(skills.resolveAction(byName(name), "run"))).code),
    );
    expect(codes).toEqual(["SKILL_BUNDLE_FINGERPRINT_MISSING", "SKILL_BUNDLE_FINGERPRINT_MISMATCH", "SKILL_BUNDLE_NOT_FOUND"]);
  });

  it("refuses a stored bundle over bundles.max_bytes without downloading it", async () => {
    const prefix = freshPrefix();
    const zip = buildZip([{ name: "references/big.txt", data: crypto.getRandomValues(new Uint8Array(4096)), method: "store" }]);
    await bundledSkill(prefix, "too-big", zip);
    const spy = counting(redis);
    const { skills, byName } = await scanned(prefix, { clients: { r1: spy.client }, config: { bundles: { max_bytes: 1024 } } });
    const error = await rejection(skills.readReference(byName("too-big"), "references/big.txt"));
    expect(error.code).toBe("SKILL_BUNDLE_TOO_LARGE");
    expect(error.details).toMatchObject({ reason: "max_bytes", max_bytes: 1024, bundle_bytes: zip.byteLength });
    expect(spy.calls.filter((call) => !call.startsWith("SCAN") && !call.startsWith("HGETALL"))).toEqual([`STRLEN ${prefix}bundle:team:web:too-big`]);
  });

  it("uses bundle_key from the record when given", async () => {
    const prefix = freshPrefix();
    const zip = buildZip(goodEntries);
    await putSkill(prefix, "team:web", "custom-key", { bundle_sha256: sha256Hex(zip), bundle_key: `${prefix}elsewhere`, bundle_format: "ZIP" }, "b");
    await redis.set(`${prefix}elsewhere`, zip);
    const { skills, byName } = await scanned(prefix);
    expect((await skills.readReference(byName("custom-key"), "references/guide.md")).text).toBe("# Guide\nUse it well.\n");
  });
});
