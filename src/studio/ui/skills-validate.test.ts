import { describe, expect, test } from "bun:test";
import { renderStudioSkillMd } from "../../skills/studio-skill-md.ts";
import { isValidSkillName as engineIsValid, SKILL_NAME_RULE as ENGINE_RULE } from "../../skills/mentions.ts";
import { createRequest, draftProblems, isValidSkillName, renderSkillMd, SKILL_NAME_RULE, skillNameProblem, suggestSkillName } from "./skills-validate.ts";

const SAMPLES = [
  "",
  "a",
  "ab",
  "a1",
  "article-writer",
  "repo_stats",
  "-ab",
  "ab-",
  "_ab",
  "ab_",
  "Ab",
  "a b",
  "a.b",
  "a:b",
  "ä-b",
  "x".repeat(64),
  "x".repeat(65),
  `a${"-".repeat(62)}b`,
  "12",
  "a--b",
];

describe("skill name rule", () => {
  test("agrees with the engine's isValidSkillName on every sample", () => {
    for (const name of SAMPLES) expect([name, isValidSkillName(name)]).toEqual([name, engineIsValid(name)]);
  });

  test("states the engine's rule", () => {
    expect(SKILL_NAME_RULE).toBe(ENGINE_RULE);
  });

  test("explains why a name is refused", () => {
    expect(skillNameProblem("")).toBe("Name is required.");
    expect(skillNameProblem("article-writer")).toBeNull();
    expect(skillNameProblem("my skill")).toContain("dashes");
    expect(skillNameProblem("MySkill")).toContain("lowercase");
    expect(skillNameProblem("a.b")).toContain("Only a-z");
    expect(skillNameProblem("a")).toContain("at least 2");
    expect(skillNameProblem("x".repeat(65))).toContain("65 characters");
    expect(skillNameProblem("-ab")).toContain("start and end");
  });

  test("a problem is reported exactly when the engine refuses the name", () => {
    for (const name of SAMPLES) expect([name, skillNameProblem(name) === null]).toEqual([name, engineIsValid(name)]);
  });

  test("suggests a valid slug or nothing", () => {
    expect(suggestSkillName("My Skill!")).toBe("my-skill");
    expect(suggestSkillName("  Résumé  writer ")).toBe("resume-writer");
    expect(suggestSkillName("--x--")).toBe("");
    expect(suggestSkillName("x".repeat(80))).toBe("x".repeat(64));
    for (const input of ["Hello World", "a_b", "Über.Tool", "???"]) {
      const slug = suggestSkillName(input);
      if (slug !== "") expect(engineIsValid(slug)).toBe(true);
    }
  });
});

describe("SKILL.md of a new skill", () => {
  const drafts = [
    { name: "article-writer", description: "Write articles", title: "", body: "" },
    { name: "repo-stats", description: '  Says "hi"\nand: more  ', title: "  Repo   stats ", body: "\n\n## Steps\n1. count\n\n" },
    { name: "x1", description: "d", title: "T: with colon", body: "body only" },
  ];

  test("is the text the server writes", () => {
    for (const draft of drafts) {
      expect(renderSkillMd(draft)).toBe(renderStudioSkillMd({ name: draft.name, description: draft.description, title: draft.title || null, body_markdown: draft.body }));
    }
  });

  test("has the front matter, a default title and the body", () => {
    const text = renderSkillMd({ name: "demo", description: "Demo skill", title: "", body: "Hello" });
    expect(text.startsWith('---\nname: demo\ndescription: "Demo skill"\n')).toBe(true);
    expect(text).toContain("# Skill：demo\n");
    expect(text.endsWith("Hello\n")).toBe(true);
  });
});

describe("create form", () => {
  test("requires a valid name and a description", () => {
    expect(draftProblems({ name: "", description: "", title: "", body: "" })).toEqual({ name: "Name is required.", description: "Description is required." });
    expect(draftProblems({ name: " ok-name ", description: " d ", title: "", body: "" })).toEqual({ name: null, description: null });
  });

  test("sends trimmed fields, null for a blank title or target", () => {
    expect(createRequest({ name: " demo ", description: " d ", title: "  ", body: "b" }, " ")).toEqual({
      name: "demo",
      description: "d",
      title: null,
      body_markdown: "b",
      target_source: null,
    });
    expect(createRequest({ name: "demo", description: "d", title: "T", body: "" }, "/w/skills").target_source).toBe("/w/skills");
  });
});
