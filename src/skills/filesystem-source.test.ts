import { describe, expect, test } from "bun:test";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { skillMd, tempDir, writeSkill, writeTree } from "../../test/support/skills.ts";
import { createFilesystemSource, rfc3339FromNanos } from "./filesystem-source.ts";
import type { ScanLimits, Skill, SkillRecord } from "./source.ts";

const LIMITS: ScanLimits = { ignore_dot_entries: true, max_depth: 99, max_dirs_per_root: 100000, max_frontmatter_bytes: 65536 };

function source(root: unknown, workspaceRoot = "/nonexistent-ws") {
  return createFilesystemSource(
    { id: "fs1", type: "filesystem", options: root === undefined ? {} : { root } },
    { workspaceRoot, env: {}, inMemoryRegistry: {}, sourceClients: {}, bundles: { max_bytes: 1, cache_dir: "x", max_extracted_bytes: null, max_files: null, max_single_file_bytes: null } },
  );
}

async function scan(root: unknown, limits: Partial<ScanLimits> = {}, workspaceRoot?: string) {
  return source(root, workspaceRoot).scan({ space: { id: "s1", namespace: "web" }, limits: { ...LIMITS, ...limits } });
}

function asSkill(record: SkillRecord): Skill {
  return { ...record, space_id: "s1", source_id: "fs1", namespace: "web" };
}

const names = (skills: SkillRecord[]) => skills.map((s) => s.skill_name);

describe("filesystem scan", () => {
  test("finds SKILL.md folders breadth-first in name order with their metadata", async () => {
    const root = tempDir();
    writeSkill(root, "b/deep/zeta", skillMd("zeta"));
    writeSkill(root, "alpha", skillMd("alpha", "Alpha\n  skill.", "license: MIT\nallowed-tools: Bash Read\n"));
    writeTree(root, { "alpha/agents/openai.yaml": "dependencies:\n  tools:\n    - {type: env_var, value: ALPHA_KEY}\n" });
    writeSkill(root, "b/beta", skillMd("beta"));
    const result = await scan(root);
    expect(result.errors).toEqual([]);
    expect(names(result.skills)).toEqual(["alpha", "beta", "zeta"]);
    const alpha = result.skills[0]!;
    expect(alpha.description).toBe("Alpha skill.");
    expect(alpha.locator).toBe(join(root, "alpha/SKILL.md"));
    expect(alpha.path).toBe(join(root, "alpha/SKILL.md"));
    expect(alpha.body_size).toBe(Bun.file(join(root, "alpha/SKILL.md")).size);
    expect(alpha.required_env_vars).toEqual(["ALPHA_KEY"]);
    expect(alpha.scope).toBeNull();
    expect(alpha.metadata.license).toBe("MIT");
    expect(alpha.metadata["allowed-tools"]).toBe("Bash Read");
    expect(alpha.metadata.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/);
  });

  test("a root that does not exist, or is a file, gives no skills and no error", async () => {
    const root = tempDir();
    writeTree(root, { "file.txt": "x" });
    expect(await scan(join(root, "missing"))).toEqual({ skills: [], errors: [], warnings: [] });
    expect(await scan(join(root, "file.txt"))).toEqual({ skills: [], errors: [], warnings: [] });
  });

  test("a relative root resolves under the workspace", async () => {
    const ws = tempDir();
    writeSkill(ws, "skills/rel-skill", skillMd("rel-skill"));
    const result = await scan("skills", {}, ws);
    expect(names(result.skills)).toEqual(["rel-skill"]);
    expect(result.skills[0]!.locator).toBe(join(ws, "skills/rel-skill/SKILL.md"));
  });

  test("a missing root option is an issue", async () => {
    const result = await scan(undefined);
    expect(result.errors.map((e) => [e.code, e.details.source_id])).toEqual([["SKILL_SCAN_METADATA_INVALID", "fs1"]]);
  });

  test("max_depth 1 ignores a SKILL.md four levels deep; 0 inspects only the root", async () => {
    const root = tempDir();
    writeSkill(root, "top", skillMd("top"));
    writeSkill(root, "a/b/c/deep", skillMd("deep"));
    writeSkill(root, ".", skillMd("at-root"));
    expect(names((await scan(root, { max_depth: 1 })).skills)).toEqual(["at-root", "top"]);
    expect(names((await scan(root, { max_depth: 0 })).skills)).toEqual(["at-root"]);
    expect(names((await scan(root)).skills)).toEqual(["at-root", "top", "deep"]);
  });

  test("dot entries are skipped unless ignore_dot_entries is false", async () => {
    const root = tempDir();
    writeSkill(root, ".hidden/inner/hidden-skill", skillMd("hidden-skill"));
    writeSkill(root, "shown", skillMd("shown"));
    expect(names((await scan(root)).skills)).toEqual(["shown"]);
    expect(names((await scan(root, { ignore_dot_entries: false })).skills).sort()).toEqual(["hidden-skill", "shown"]);
  });

  test("max_dirs_per_root stops the root with one issue; 0 disables the check", async () => {
    const root = tempDir();
    writeSkill(root, "a/one", skillMd("one"));
    writeSkill(root, "b/two", skillMd("two"));
    const limited = await scan(root, { max_dirs_per_root: 1 });
    expect(limited.errors).toHaveLength(1);
    expect(limited.errors[0]!.code).toBe("SKILL_SCAN_METADATA_INVALID");
    expect(limited.errors[0]!.details.max_dirs_per_root).toBe(1);
    expect(limited.errors[0]!.message).toContain("max_dirs_per_root");
    expect((await scan(root, { max_dirs_per_root: 0 })).errors).toEqual([]);
  });

  test("symlinked directories are never followed", async () => {
    const root = tempDir();
    const elsewhere = tempDir();
    writeSkill(elsewhere, "linked", skillMd("linked"));
    symlinkSync(join(elsewhere, "linked"), join(root, "link"));
    expect(await scan(root)).toEqual({ skills: [], errors: [], warnings: [] });
  });

  test("a SKILL.md symlink resolving outside the root is a path_escape issue", async () => {
    const root = tempDir();
    const elsewhere = tempDir();
    const target = writeSkill(elsewhere, "outside", skillMd("outside"));
    mkdirSync(join(root, "escape"));
    symlinkSync(target, join(root, "escape/SKILL.md"));
    const result = await scan(root);
    expect(result.skills).toEqual([]);
    expect(result.errors.map((e) => e.details.reason)).toEqual(["path_escape"]);
    expect(result.errors[0]!.details.path).toBe(join(root, "escape/SKILL.md"));
  });

  test("a SKILL.md symlink inside the root loads, with the resolved path", async () => {
    const root = tempDir();
    const target = writeSkill(root, "real/inner", skillMd("inner"));
    mkdirSync(join(root, "alias"));
    symlinkSync(target, join(root, "alias/SKILL.md"));
    const result = await scan(root, { max_depth: 1 });
    expect(result.skills.map((s) => [s.locator, s.path])).toEqual([[join(root, "alias/SKILL.md"), target]]);
  });

  test("a bad name is an issue naming the file and the rule; other skills still load", async () => {
    const root = tempDir();
    const bad = writeSkill(root, "brand", skillMd("Brand Guidelines"));
    const short = writeSkill(root, "short", skillMd("x"));
    writeSkill(root, "good", skillMd("good-one"));
    const result = await scan(root);
    expect(names(result.skills)).toEqual(["good-one"]);
    expect(result.errors.map((e) => [e.details.path, e.details.reason])).toEqual([
      [bad, "name_has_whitespace"],
      [short, "invalid_skill_name_slug"],
    ]);
    expect(result.errors[1]!.message).toBe(`Cannot load skill "${short}": name "x" must be 2..64 characters of [a-z0-9_-], starting and ending with a lowercase letter or digit`);
    expect(result.errors[1]!.details).toMatchObject({ field: "skill_name", actual: "x", source_id: "fs1" });
  });

  test("front matter problems are issues with their reason", async () => {
    const root = tempDir();
    writeSkill(root, "none", "# no front matter\n");
    writeSkill(root, "open", "---\nname: open\n");
    writeSkill(root, "big", `---\nname: big\ndescription: ${"d".repeat(200)}\n---\n`);
    const result = await scan(root, { max_frontmatter_bytes: 100 });
    expect(result.errors.map((e) => e.details.reason)).toEqual(["frontmatter_too_large", "frontmatter_missing", "frontmatter_unterminated"]);
  });
});

describe("filesystem bodies, references and actions", () => {
  test("readBody returns the whole file, front matter included", async () => {
    const root = tempDir();
    const text = skillMd("whole", "d", "", "# Whole\n\nbody ✓\n");
    writeSkill(root, "whole", text);
    const src = source(root);
    const [record] = (await src.scan({ space: { id: "s1", namespace: "web" }, limits: LIMITS })).skills;
    expect(await src.readBody(asSkill(record!))).toBe(text);
  });

  test("readBody refuses a SKILL.md swapped for a symlink outside the root after the scan", async () => {
    const root = tempDir();
    const elsewhere = tempDir();
    const path = writeSkill(root, "swap", skillMd("swap"));
    const secret = join(elsewhere, "secret.md");
    writeFileSync(secret, "secret");
    const src = source(root);
    const [record] = (await src.scan({ space: { id: "s1", namespace: "web" }, limits: LIMITS })).skills;
    rmSync(path);
    symlinkSync(secret, path);
    await expect(src.readBody(asSkill(record!))).rejects.toThrow("escapes the source root");
  });

  test("references and actions resolve inside the skill folder", async () => {
    const root = tempDir();
    writeSkill(root, "tool", skillMd("tool", "d", "actions:\n  run:\n    argv: [bash, actions/run.sh, --fast]\n    env: {MODE: 1, DEBUG: true}\n"));
    writeTree(root, { "tool/references/guide.md": "guide text", "tool/actions/run.sh": "echo hi\n" });
    const src = source(root);
    const [record] = (await src.scan({ space: { id: "s1", namespace: "web" }, limits: LIMITS })).skills;
    const skill = asSkill(record!);
    const ref = await src.readReference(skill, { refPath: "references/guide.md", maxBytes: 100, allowAssets: false });
    expect(ref).toEqual({ path: join(root, "tool/references/guide.md"), text: "guide text", truncated: false });
    const action = await src.resolveAction(skill, { actionId: "run" });
    expect(action).toEqual({
      action_id: "run",
      argv: ["bash", join(root, "tool/actions/run.sh"), "--fast"],
      timeout_ms: null,
      env: { MODE: "1", DEBUG: "True" },
      bundle_root: join(root, "tool"),
      bundle_sha256: null,
    });
  });
});

test("rfc3339FromNanos prints microseconds only when they are not zero", () => {
  expect(rfc3339FromNanos(1_700_000_000_000_000_000n)).toBe("2023-11-14T22:13:20Z");
  expect(rfc3339FromNanos(1_700_000_000_123_456_789n)).toBe("2023-11-14T22:13:20.123456Z");
});
