import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { skillMd, tempDir, writeSkill, writeTree } from "../../test/support/skills.ts";
import { lintPath, lintSkillMd } from "./lint.ts";
import { newSkillText, scaffoldSkill } from "./scaffold.ts";

const codes = async (path: string) => (await lintSkillMd(path)).issues.map((i) => [i.code, i.details.level]);

describe("lintSkillMd", () => {
  test("a clean skill has no issues", async () => {
    const dir = tempDir();
    expect(await lintSkillMd(writeSkill(dir, "clean-one", skillMd("clean-one")))).toEqual({ path: join(dir, "clean-one/SKILL.md"), skill_name: "clean-one", loads: true, issues: [] });
  });

  test("front matter YAML errors are errors even though the scan would only see a missing name", async () => {
    const dir = tempDir();
    const result = await lintSkillMd(writeSkill(dir, "y", "---\nname: [oops\n---\nbody\n"));
    expect(result.loads).toBe(false);
    expect(result.issues.map((i) => [i.code, i.details.reason])).toEqual([
      ["SKILL_LINT_YAML_INVALID", "yaml_invalid"],
      ["SKILL_SCAN_METADATA_INVALID", "name_missing"],
    ]);
    expect(result.issues[0]!.message).toContain("line");
  });

  test("conventions are warnings: folder name, long description, empty body", async () => {
    const dir = tempDir();
    const path = writeSkill(dir, "folder", skillMd("other-name", "d".repeat(1100), "", "\n  \n"));
    expect(await codes(path)).toEqual([
      ["SKILL_LINT_NAME_FOLDER_MISMATCH", "warning"],
      ["SKILL_LINT_DESCRIPTION_TOO_LONG", "warning"],
      ["SKILL_LINT_BODY_EMPTY", "warning"],
    ]);
  });

  test("actions are checked one by one; a non-mapping actions key is an error", async () => {
    const dir = tempDir();
    const path = writeSkill(dir, "acts", skillMd("acts", "d", "actions:\n  ok: {argv: [bash, actions/ok.sh]}\n  bad: {argv: [bash, ../x.sh]}\n  odd: {kind: python, argv: [x]}\n"));
    writeTree(dir, { "acts/actions/ok.sh": "true\n" });
    expect((await lintSkillMd(path)).issues.map((i) => [i.code, i.details.action_id])).toEqual([
      ["SKILL_ACTION_ARGV_PATH_ESCAPE", "bad"],
      ["SKILL_ACTION_DEFINITION_INVALID", "odd"],
    ]);
    const listPath = writeSkill(dir, "list", skillMd("list", "d", "actions: [a, b]\n"));
    expect(await codes(listPath)).toEqual([["SKILL_ACTION_DEFINITION_INVALID", "error"]]);
  });

  test("agents/openai.yaml problems are warnings", async () => {
    const dir = tempDir();
    const broken = writeSkill(dir, "broken", skillMd("broken"));
    writeTree(dir, { "broken/agents/openai.yaml": "dependencies: [oops\n" });
    const named = writeSkill(dir, "named", skillMd("named"));
    writeTree(dir, { "named/agents/openai.yaml": "dependencies:\n  tools:\n    - {type: env_var, value: lower-case}\n" });
    expect(await codes(broken)).toEqual([["SKILL_LINT_AGENTS_YAML_INVALID", "warning"]]);
    expect(await codes(named)).toEqual([["SKILL_LINT_ENV_VAR_NAME", "warning"]]);
  });
});

describe("lintPath", () => {
  test("a folder of skills lints each SKILL.md below it, in walk order", async () => {
    const dir = tempDir();
    writeSkill(dir, "b/two", skillMd("two"));
    writeSkill(dir, "a/one", skillMd("one"));
    writeSkill(dir, ".hidden/three", skillMd("three"));
    expect((await lintPath(dir)).map((r) => r.skill_name)).toEqual(["one", "two"]);
  });

  test("a missing path rejects", async () => {
    await expect(lintPath(join(tempDir(), "nope"))).rejects.toThrow();
  });
});

describe("scaffold", () => {
  test("the template renders a valid skill that lints clean", async () => {
    const dir = tempDir();
    const created = await scaffoldSkill(dir, "release-notes", { description: 'Write "release" notes:\n from PRs.' });
    const result = await lintSkillMd(created.skill_md);
    expect(result).toMatchObject({ skill_name: "release-notes", loads: true, issues: [] });
    expect(newSkillText("a-b", "x")).toContain("# A B\n");
  });

  test("refuses bad names and existing folders", async () => {
    const dir = tempDir();
    await expect(scaffoldSkill(dir, "Bad Name")).rejects.toThrow("must be 2..64 characters");
    await scaffoldSkill(dir, "twice");
    await expect(scaffoldSkill(dir, "twice")).rejects.toThrow("already exists");
  });
});
