import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { SkillsConfigInput } from "../config/schema.ts";
import { skillMd, tempDir, writeSkill, writeTree } from "../../test/support/skills.ts";
import { isSkillError, type SkillError } from "./issues.ts";
import { SkillsManager, type SkillsManagerOptions } from "./skills-manager.ts";
import type { InMemoryRegistry, SkillSource } from "./source.ts";

async function failure(promise: Promise<unknown>): Promise<SkillError> {
  try {
    await promise;
  } catch (error) {
    if (isSkillError(error)) return error;
    throw error;
  }
  throw new Error("expected a SkillError");
}

function fsConfig(root: string, extra: Partial<SkillsConfigInput> = {}): SkillsConfigInput {
  return { spaces: [{ id: "s1", namespace: "alice:engineering", sources: ["fs"] }], sources: [{ id: "fs", type: "filesystem", options: { root } }], ...extra };
}

function memoryManager(registry: InMemoryRegistry, extra: Partial<SkillsManagerOptions> = {}, config: Partial<SkillsConfigInput> = {}) {
  return new SkillsManager({
    workspaceRoot: "/",
    config: { spaces: [{ id: "s1", namespace: "alice:engineering", sources: ["mem"] }], sources: [{ id: "mem", type: "in-memory", options: { namespace: "alice" } }], ...config },
    inMemoryRegistry: registry,
    ...extra,
  });
}

describe("resolveMentions", () => {
  test("returns skills in mention order", async () => {
    const root = tempDir();
    writeSkill(root, "py", skillMd("python_testing"));
    writeSkill(root, "redis", skillMd("redis_cache"));
    const manager = new SkillsManager({ workspaceRoot: root, config: fsConfig(root) });
    const resolved = await manager.resolveMentions("use $[alice:engineering].redis_cache then $[alice:engineering].python_testing");
    expect(resolved.map((r) => r.skill.skill_name)).toEqual(["redis_cache", "python_testing"]);
  });

  test("mentions with an empty skills config fail with skill_space_not_configured", async () => {
    const error = await failure(new SkillsManager({ workspaceRoot: "/" }).resolveMentions("$[alice:engineering].x1"));
    expect([error.code, error.kind]).toEqual(["SKILL_SPACE_NOT_CONFIGURED", "skill_space_not_configured"]);
  });

  test("text without mentions never scans", async () => {
    let scans = 0;
    const manager = memoryManager({}, { sourceFactories: { "in-memory": (config) => ({ ...stubSource(config.id), scan: async () => (scans++, { skills: [], errors: [], warnings: [] }) }) } });
    expect(await manager.resolveMentions("plain $HOME text")).toEqual([]);
    expect(scans).toBe(0);
  });

  test("a redis source without its DSN variable fails resolution with SKILL_SCAN_SOURCE_UNAVAILABLE", async () => {
    const manager = new SkillsManager({
      workspaceRoot: "/",
      config: { spaces: [{ id: "s", namespace: "web", sources: ["r"] }], sources: [{ id: "r", type: "redis", options: { dsn_env: "REDIS_URL", key_prefix: "skills:" } }] },
      env: {},
    });
    expect((await failure(manager.resolveMentions("$[web].ab"))).code).toBe("SKILL_SCAN_SOURCE_UNAVAILABLE");
  });

  test("the strict form resolves one full token and refuses anything else", async () => {
    const manager = memoryManager({ alice: [{ skill_name: "python_testing", description: "d", body: "B" }] });
    expect((await manager.resolveStrictMention(" $[alice:engineering].python_testing ")).skill.skill_name).toBe("python_testing");
    expect((await failure(manager.resolveStrictMention("use $[alice:engineering].python_testing"))).code).toBe("SKILL_MENTION_FORMAT_INVALID");
    expect((await failure(manager.resolveStrictMention("$[alice:engineering].python_tests"))).code).toBe("SKILL_UNKNOWN");
  });
});

describe("scan", () => {
  test("a duplicate rejects with SKILL_DUPLICATE_NAME and leaves a report listing it", async () => {
    const manager = new SkillsManager({
      workspaceRoot: "/",
      config: { spaces: [{ id: "s1", namespace: "web", sources: ["a", "b"] }], sources: [{ id: "a", type: "in-memory", options: { namespace: "n" } }, { id: "b", type: "in-memory", options: { namespace: "n" } }] },
      inMemoryRegistry: { n: [{ skill_name: "dup", description: "d", body: "" }] },
    });
    const error = await failure(manager.scan());
    expect(error.code).toBe("SKILL_DUPLICATE_NAME");
    expect(error.kind).toBe("config_error");
    expect(manager.lastReport?.errors[0]?.code).toBe("SKILL_DUPLICATE_NAME");
  });

  test("scanning and resolving never call a body loader; rendering calls it once", async () => {
    let reads = 0;
    const manager = memoryManager({ alice: [{ skill_name: "python_testing", description: "d", body_loader: () => (reads++, "BODY") }] });
    await manager.scan();
    const [resolved] = await manager.resolveMentions("$[alice:engineering].python_testing");
    expect(reads).toBe(0);
    const text = await manager.renderInjectedSkill(resolved!.skill);
    expect(reads).toBe(1);
    expect(text).toStartWith("<skill>\n");
    expect(text).toContain("<name>python_testing</name>");
    expect(text).toContain("<path>mem://alice/python_testing</path>");
    expect(text).toEndWith("</skill>");
  });

  test("injection.max_bytes applies to rendered bodies", async () => {
    const manager = memoryManager(
      { alice: [{ skill_name: "ok", description: "d", body: "x".repeat(1024) }, { skill_name: "big", description: "d", body: "x".repeat(1025) }] },
      {},
      { injection: { max_bytes: 1024 } },
    );
    const [ok, big] = await manager.resolveMentions("$[alice:engineering].ok $[alice:engineering].big");
    expect(await manager.renderInjectedSkill(ok!.skill)).toContain("x".repeat(1024));
    const error = await failure(manager.renderInjectedSkill(big!.skill));
    expect([error.code, error.details.limit_bytes, error.details.actual_bytes]).toEqual(["SKILL_BODY_TOO_LARGE", 1024, 1025]);
  });

  test("always: a new filesystem skill is visible at once", async () => {
    const root = tempDir();
    writeSkill(root, "one", skillMd("one"));
    const manager = new SkillsManager({ workspaceRoot: root, config: fsConfig(root) });
    expect((await manager.scan()).skills).toHaveLength(1);
    writeSkill(root, "two", skillMd("two"));
    expect((await manager.scan()).skills).toHaveLength(2);
  });

  test("ttl: the same report within the ttl, cached skills + warning when a refresh breaks", async () => {
    let clock = 0;
    const root = tempDir();
    writeSkill(root, "one", skillMd("one"));
    const manager = new SkillsManager({ workspaceRoot: root, config: fsConfig(root, { scan: { refresh_policy: "ttl", ttl_sec: 300 } }), now: () => clock });
    const first = await manager.scan();
    clock += 299_000;
    expect(await manager.scan()).toBe(first);
    writeSkill(root, "bad", skillMd("Bad Name"));
    clock += 2_000;
    const after = await manager.scan();
    expect(after.skills.map((s) => s.skill_name)).toEqual(["one"]);
    expect(after.errors).toEqual([]);
    expect(after.warnings.map((w) => w.code)).toEqual(["SKILL_SCAN_REFRESH_FAILED"]);
  });

  test("manual: new files are ignored until refresh()", async () => {
    const root = tempDir();
    writeSkill(root, "one", skillMd("one"));
    const manager = new SkillsManager({ workspaceRoot: root, config: fsConfig(root, { scan: { refresh_policy: "manual" } }) });
    await manager.scan();
    writeSkill(root, "two", skillMd("two"));
    expect((await manager.scan()).skills).toHaveLength(1);
    expect((await manager.refresh()).skills).toHaveLength(2);
  });

  test("setEnabled hides a skill from listSkills and resolution; unknown paths are refused", async () => {
    const root = tempDir();
    const path = writeSkill(root, "py", skillMd("python_testing"));
    const manager = new SkillsManager({ workspaceRoot: root, config: fsConfig(root) });
    await manager.scan();
    manager.setEnabled(path, false);
    expect(manager.listSkills({ enabledOnly: true })).toEqual([]);
    expect(manager.listSkills()).toHaveLength(1);
    expect(await manager.resolveMentions("$[alice:engineering].python_testing")).toEqual([]);
    manager.setEnabled(path, true);
    expect(await manager.resolveMentions("$[alice:engineering].python_testing")).toHaveLength(1);
    expect(() => manager.setEnabled(join(root, "nope/SKILL.md"), false)).toThrow("no scanned skill has this path");
  });
});

describe("preflight, references, actions, lifecycle", () => {
  test("preflight adds a warning for a missing filesystem root unless told not to", () => {
    const ws = tempDir();
    const manager = new SkillsManager({ workspaceRoot: ws, config: fsConfig("skills") });
    expect(manager.preflight().map((i) => [i.code, i.details.level])).toEqual([["SKILL_CONFIG_FILESYSTEM_ROOT_MISSING", "warning"]]);
    expect(manager.preflight({ checkRoots: false })).toEqual([]);
  });

  test("readReference uses references.default_max_bytes and resolveAction the skill's folder", async () => {
    const root = tempDir();
    writeSkill(root, "tool", skillMd("tool", "d", "actions:\n  go:\n    argv: [sh, actions/go.sh]\n    timeout_ms: 5000\n"));
    writeTree(root, { "tool/references/a.md": "abcdef", "tool/actions/go.sh": "true\n" });
    const manager = new SkillsManager({ workspaceRoot: root, config: fsConfig(root, { references: { enabled: true, default_max_bytes: 3 } }) });
    const { skill } = await manager.resolveStrictMention("$[alice:engineering].tool");
    expect((await manager.readReference(skill, "references/a.md")).text).toBe("abc\n<truncated>");
    expect((await manager.readReference(skill, "references/a.md", { maxBytes: 10 })).text).toBe("abcdef");
    expect(await manager.resolveAction(skill, "go")).toMatchObject({ argv: ["sh", join(root, "tool/actions/go.sh")], timeout_ms: 5000 });
  });

  test("an invalid config is a ConfigError naming the key", () => {
    expect(() => new SkillsManager({ workspaceRoot: "/", config: { scan: { max_depth: "9" } } as never })).toThrow("max_depth");
  });

  test("close() closes every live source once", async () => {
    let closed = 0;
    const manager = memoryManager({}, { sourceFactories: { "in-memory": (config) => ({ ...stubSource(config.id), close: async () => void closed++ }) } });
    await manager.scan();
    await manager.close();
    await manager.close();
    expect(closed).toBe(1);
  });
});

function stubSource(id: string): SkillSource {
  const never = async () => {
    throw new Error("not used");
  };
  return { id, type: "in-memory", scan: async () => ({ skills: [], errors: [], warnings: [] }), readBody: never, readReference: never, resolveAction: never, close: async () => {} };
}
