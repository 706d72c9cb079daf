import { describe, expect, test } from "bun:test";
import { countLabel, envLabel, mentionOf, filterSkills, issueSummary, parseSources, relativeTo, sameList, sortIssues, sourceOfPath, type SkillItem } from "./skills-model.ts";

const skill = (name: string, path: string, env: string[] = [], description = ""): SkillItem => ({ name, namespace: "web:mvp", description, path, enabled: true, dependencies: { env_vars: env } });

describe("source folders", () => {
  test("accepts one per line or comma-separated, trimmed, without blanks or repeats", () => {
    expect(parseSources(" skills \n\n a, b ,\r\nskills\n")).toEqual(["skills", "a", "b"]);
    expect(parseSources("   ")).toEqual([]);
  });

  test("compares lists in order", () => {
    expect(sameList(["a", "b"], ["a", "b"])).toBe(true);
    expect(sameList(["a", "b"], ["b", "a"])).toBe(false);
    expect(sameList([], ["a"])).toBe(false);
  });

  test("finds the innermost source holding a skill", () => {
    const sources = ["/w/skills", "/w/skills/team", "/w/other/"];
    expect(sourceOfPath("/w/skills/a/SKILL.md", sources)).toEqual({ source: "/w/skills", index: 0 });
    expect(sourceOfPath("/w/skills/team/b/SKILL.md", sources)).toEqual({ source: "/w/skills/team", index: 1 });
    expect(sourceOfPath("/w/other/c/SKILL.md", sources)).toEqual({ source: "/w/other/", index: 2 });
    expect(sourceOfPath("/w/skills-extra/d/SKILL.md", sources)).toBeNull();
    expect(sourceOfPath("C:\\w\\skills\\a\\SKILL.md", ["C:\\w\\skills"])).toEqual({ source: "C:\\w\\skills", index: 0 });
  });

  test("shows paths relative to their source", () => {
    expect(relativeTo("/w/skills/a/SKILL.md", "/w/skills")).toBe("a/SKILL.md");
    expect(relativeTo("/x/a/SKILL.md", "/w/skills")).toBe("/x/a/SKILL.md");
  });
});

describe("skill list", () => {
  const skills = [skill("article-writer", "/w/s/article-writer/SKILL.md", [], "Write articles"), skill("repo-stats", "/w/s/repo-stats/SKILL.md", ["GITHUB_TOKEN"], "Count things")];

  test("filters on every word across name, description, path and env vars", () => {
    expect(filterSkills(skills, "").map((s) => s.name)).toEqual(["article-writer", "repo-stats"]);
    expect(filterSkills(skills, "WRITE").map((s) => s.name)).toEqual(["article-writer"]);
    expect(filterSkills(skills, "github").map((s) => s.name)).toEqual(["repo-stats"]);
    expect(filterSkills(skills, "repo count").map((s) => s.name)).toEqual(["repo-stats"]);
    expect(filterSkills(skills, "repo write")).toEqual([]);
    expect(filterSkills(skills, "web:mvp").length).toBe(2);
  });

  test("labels env dependencies and counts", () => {
    expect(mentionOf({ namespace: "web:mvp", name: "repo-stats" })).toBe("$[web:mvp].repo-stats");
    expect(envLabel([])).toBe("env:0");
    expect(envLabel(["A", "B"])).toBe("env: A, B");
    expect(countLabel(2, 2)).toBe("2 skills");
    expect(countLabel(1, 1)).toBe("1 skill");
    expect(countLabel(1, 3)).toBe("1 of 3 skills");
  });
});

describe("issues", () => {
  const issues = [
    { code: "W1", message: "w", level: "warning" as const, path: null },
    { code: "E1", message: "e", level: "error" as const, path: "/p" },
    { code: "W2", message: "w2", level: "warning" as const, path: null },
  ];

  test("puts errors first, keeping the order otherwise", () => {
    expect(sortIssues(issues).map((i) => i.code)).toEqual(["E1", "W1", "W2"]);
  });

  test("summarises by level", () => {
    expect(issueSummary(issues)).toBe("1 error, 2 warnings");
    expect(issueSummary([])).toBe("no issues");
  });
});
