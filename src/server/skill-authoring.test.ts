import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { checkFrontmatter, frontmatterOfText } from "../skills/skill-md.ts";
import { renderStudioSkillMd } from "../skills/studio-skill-md.ts";
import { lintSkillText } from "./skill-authoring.ts";

async function parsed(text: string) {
  const front = await frontmatterOfText(text, 65536);
  if (!front.ok) throw new Error(front.reason);
  return { front, checked: checkFrontmatter(front.data) };
}

describe("renderStudioSkillMd", () => {
  test("writes the reference layout: front matter, title heading, body", () => {
    expect(renderStudioSkillMd({ name: "demo_skill", description: "  Does demos.  ", body_markdown: "\n\nStep 1.\n\n" })).toBe(
      [
        "---",
        "name: demo_skill",
        'description: "Does demos."',
        "metadata:",
        '  short-description: "Skill：demo_skill"',
        '  generated-by: "skills-runtime-studio-mvp"',
        "---",
        "",
        "# Skill：demo_skill",
        "",
        "Step 1.",
        "",
      ].join("\n"),
    );
  });

  test("quotes, colons and newlines in description and title stay data, not YAML", async () => {
    const text = renderStudioSkillMd({ name: "q-skill", description: 'Say "hi": then\nname: evil', title: 'A "title"\n---' });
    const { front, checked } = await parsed(text);
    expect(front.yamlError).toBeNull();
    expect(checked.ok && checked.value.skill_name).toBe("q-skill");
    expect(front.data.description).toBe('Say "hi": then\nname: evil');
    expect(text).toContain('# A "title" ---\n');
  });
});

describe("lintSkillText", () => {
  test("accepts a valid SKILL.md and reports only warnings", async () => {
    const result = await lintSkillText("---\nname: good-skill\ndescription: Fine.\n---\n");
    expect(result.ok).toBe(true);
    expect(result.skill_name).toBe("good-skill");
    expect(result.issues.map((i) => [i.code, i.level])).toEqual([["SKILL_LINT_BODY_EMPTY", "warning"]]);
  });

  test("rejects a name the engine rejects, and missing front matter", async () => {
    const bad = await lintSkillText("---\nname: Bad Name\ndescription: x\n---\nbody\n");
    expect(bad.ok).toBe(false);
    expect(bad.skill_name).toBeNull();
    expect(bad.issues[0]).toMatchObject({ code: "SKILL_SCAN_METADATA_INVALID", level: "error", path: null });
    expect((await lintSkillText("no front matter")).ok).toBe(false);
    expect((await lintSkillText("---\nname: a\ndescription: x\n---\nbody\n")).ok).toBe(false);
  });

  test("reports a bad action definition but not missing action files", async () => {
    const text = "---\nname: act\ndescription: x\nactions:\n  run:\n    kind: shell\n    argv: [bash, actions/run.sh]\n  bad: 5\n---\nbody\n";
    const result = await lintSkillText(text);
    expect(result.issues.map((i) => i.code)).toEqual(["SKILL_ACTION_DEFINITION_INVALID"]);
    expect(result.ok).toBe(false);
  });

  test("leaves no temp folder behind", async () => {
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith("sr-skill-lint-")).length;
    await lintSkillText("---\nname: x1\ndescription: x\n---\n");
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith("sr-skill-lint-")).length).toBe(before);
  });
});
