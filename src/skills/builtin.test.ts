import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { tempDir } from "../../test/support/skills.ts";
import { BUILTIN_SKILLS, installBuiltinSkills } from "./builtin.ts";
import { lintPath } from "./lint.ts";
import { SkillsManager } from "./skills-manager.ts";

const SKILLS_DIR = resolve(import.meta.dir, "../../skills");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe("built-in skills", () => {
  test("the bundle holds every file of each skills/ folder, byte for byte", () => {
    const folders = readdirSync(SKILLS_DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(BUILTIN_SKILLS.map((s) => s.name).sort()).toEqual(folders);
    for (const skill of BUILTIN_SKILLS) {
      expect(Object.keys(skill.files).sort()).toEqual(filesUnder(join(SKILLS_DIR, skill.name)));
      for (const [path, content] of Object.entries(skill.files)) expect(content).toBe(readFileSync(join(SKILLS_DIR, skill.name, path), "utf8"));
    }
  });

  test("every built-in skill lints without errors or warnings", async () => {
    const results = await lintPath(SKILLS_DIR);
    expect(results.map((r) => [r.skill_name, r.issues])).toEqual(BUILTIN_SKILLS.map((s) => [s.name, []]).sort());
  });

  test("install writes missing skills only, and they scan, resolve and expose their reference and action", async () => {
    const ws = tempDir();
    const target = join(ws, ".skills_runtime_sdk/skills");
    const first = await installBuiltinSkills(target);
    expect(first).toEqual({ installed: ["article-writer", "novel-writer", "repo-stats"], kept: [] });
    expect(statSync(join(target, "repo-stats/actions/count-lines.sh")).mode & 0o111).not.toBe(0);
    writeFileSync(join(target, "article-writer/SKILL.md"), "---\nname: article-writer\ndescription: mine\n---\n");
    expect(await installBuiltinSkills(target)).toEqual({ installed: [], kept: ["article-writer", "novel-writer", "repo-stats"] });
    expect(readFileSync(join(target, "article-writer/SKILL.md"), "utf8")).toContain("description: mine");

    const manager = new SkillsManager({
      workspaceRoot: ws,
      config: { spaces: [{ id: "b", namespace: "builtin", sources: ["fs"] }], sources: [{ id: "fs", type: "filesystem", options: { root: ".skills_runtime_sdk/skills" } }] },
    });
    const resolved = await manager.resolveMentions("$[builtin].novel-writer and $[builtin].repo-stats");
    expect(resolved.map((r) => r.skill.skill_name)).toEqual(["novel-writer", "repo-stats"]);
    const stats = resolved[1]!.skill;
    expect((await manager.readReference(stats, "references/reading-the-numbers.md")).text).toContain("Reading the numbers");
    const action = await manager.resolveAction(stats, "count-lines");
    expect(action).toMatchObject({ argv: ["bash", join(target, "repo-stats/actions/count-lines.sh")], timeout_ms: 60000, env: { REPO_STATS_LIMIT: "15" } });
  });

  test("the repo-stats action counts files and lines per extension", () => {
    const ws = tempDir();
    writeFileSync(join(ws, "a.ts"), "1\n2\n3\n");
    writeFileSync(join(ws, "b.ts"), "1\n");
    writeFileSync(join(ws, "README.md"), "x\n");
    const script = join(SKILLS_DIR, "repo-stats/actions/count-lines.sh");
    const out = Bun.spawnSync(["bash", script], { env: { PATH: "/usr/bin:/bin", SKILLS_RUNTIME_SDK_WORKSPACE_ROOT: ws } });
    expect(out.exitCode).toBe(0);
    const rows = out.stdout.toString().trim().split("\n").map((line) => line.trim().split(/\s+/));
    expect(rows).toEqual([["extension", "files", "lines"], ["ts", "2", "4"], ["md", "1", "1"], ["total", "3", "5"]]);
  });
});
