import { describe, expect, test } from "bun:test";
import { SkillsConfig } from "../config/schema.ts";
import { isSkillError, type SkillError } from "./issues.ts";
import { extractMentions } from "./mentions.ts";
import { checkSpacesConfigured, editDistance, nearestSkills, resolveAgainstReport } from "./resolve.ts";
import type { ScanReport } from "./scan.ts";
import type { Skill } from "./source.ts";

function skill(namespace: string, name: string, path: string | null = null): Skill {
  return { space_id: "s", source_id: "src", namespace, skill_name: name, description: "d", locator: `mem://${name}`, path, body_size: null, required_env_vars: [], metadata: {}, scope: null };
}

const SKILLS = [skill("web:mvp", "article-writer"), skill("web:mvp", "novel-writer"), skill("web:mvp", "python_testing", "/p/SKILL.md"), skill("web:mvp", "redis_cache"), skill("app", "deploy")];
const REPORT: ScanReport = { scan_id: "scan_x", skills: SKILLS, errors: [], warnings: [], stats: { spaces_total: 2, sources_total: 1, skills_total: SKILLS.length } };
const CONFIG = SkillsConfig.parse({
  spaces: [
    { id: "s", namespace: "web:mvp", sources: ["src"] },
    { id: "a", namespace: "app", sources: ["src"] },
    { id: "off", namespace: "old", sources: ["src"], enabled: false },
  ],
  sources: [{ id: "src", type: "in-memory", options: { namespace: "x" } }],
});

function failure(fn: () => unknown): SkillError {
  try {
    fn();
  } catch (error) {
    if (isSkillError(error)) return error;
    throw error;
  }
  throw new Error("expected a SkillError");
}

const resolveText = (text: string, report = REPORT, disabled?: Set<string>) =>
  resolveAgainstReport(extractMentions(text), report, { config: CONFIG, ...(disabled ? { disabledPaths: disabled } : {}) });

test("editDistance", () => {
  expect(editDistance("kitten", "sitting")).toBe(3);
  expect(editDistance("", "abc")).toBe(3);
  expect(editDistance("技能", "技术")).toBe(1);
});

test("nearestSkills ranks by distance of the whole key, then of the name", () => {
  expect(nearestSkills({ namespace: "web:mvp", skill_name: "artcle-writer" }, SKILLS)).toEqual(["$[web:mvp].article-writer", "$[web:mvp].novel-writer", "$[web:mvp].redis_cache"]);
  expect(nearestSkills({ namespace: "web:mvp", skill_name: "x" }, [])).toEqual([]);
});

describe("resolveAgainstReport", () => {
  test("returns skills in mention order, de-duplicated", () => {
    const resolved = resolveText("first $[web:mvp].redis_cache then $[web:mvp].python_testing and $[web:mvp].redis_cache again");
    expect(resolved.map((r) => [r.skill.skill_name, r.mention.mention_text])).toEqual([
      ["redis_cache", "$[web:mvp].redis_cache"],
      ["python_testing", "$[web:mvp].python_testing"],
    ]);
  });

  test("an unknown name fails with skill_unknown naming the mention and the nearest skills", () => {
    const error = failure(() => resolveText("use $[web:mvp].artcle-writer"));
    expect([error.code, error.kind]).toEqual(["SKILL_UNKNOWN", "skill_unknown"]);
    expect(error.details).toMatchObject({ mention: "$[web:mvp].artcle-writer", suggestions: ["$[web:mvp].article-writer", "$[web:mvp].novel-writer", "$[web:mvp].redis_cache"] });
    expect(error.message).toBe(
      'Cannot resolve skill mention "$[web:mvp].artcle-writer": no skill "artcle-writer" in namespace "web:mvp". Nearest known skills: $[web:mvp].article-writer, $[web:mvp].novel-writer, $[web:mvp].redis_cache.',
    );
  });

  test("one valid and one unknown mention fail as a whole", () => {
    expect(failure(() => resolveText("$[web:mvp].redis_cache and $[web:mvp].nope_nope")).code).toBe("SKILL_UNKNOWN");
  });

  test("an unconfigured or disabled namespace fails with skill_space_not_configured", () => {
    for (const text of ["$[other].deploy", "$[old].deploy"]) {
      const error = failure(() => resolveText(text));
      expect([error.code, error.kind, error.details.namespace]).toEqual(["SKILL_SPACE_NOT_CONFIGURED", "skill_space_not_configured", text.slice(2, text.indexOf("]"))]);
      expect(error.message).toContain("configured: web:mvp, app");
      expect(error.message).toContain("$[app].deploy");
    }
  });

  test("an unavailable source or invalid metadata in the report is raised first", () => {
    const broken = { ...REPORT, errors: [{ code: "SKILL_SCAN_SOURCE_UNAVAILABLE", message: "down", details: { source_id: "r" } }] };
    const error = failure(() => resolveText("$[web:mvp].redis_cache", broken));
    expect([error.code, error.message, error.details]).toEqual(["SKILL_SCAN_SOURCE_UNAVAILABLE", "down", { source_id: "r" }]);
  });

  test("a disabled skill is skipped", () => {
    expect(resolveText("$[web:mvp].python_testing", REPORT, new Set(["/p/SKILL.md"]))).toEqual([]);
  });

  test("no mentions resolve to nothing", () => {
    expect(resolveText("no mentions, only $PATH")).toEqual([]);
  });
});

describe("checkSpacesConfigured", () => {
  test("mentions without any space or source fail for the first mention", () => {
    const error = failure(() => checkSpacesConfigured(extractMentions("$[web].ab and $[x].cd"), SkillsConfig.parse({})));
    expect([error.code, error.details.mention]).toEqual(["SKILL_SPACE_NOT_CONFIGURED", "$[web].ab"]);
    expect(error.message).toContain("no skills space is configured");
  });

  test("no mentions never fail", () => {
    expect(() => checkSpacesConfigured([], SkillsConfig.parse({}))).not.toThrow();
  });
});
