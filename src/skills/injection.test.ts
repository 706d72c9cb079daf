import { describe, expect, test } from "bun:test";
import { isSkillError } from "./issues.ts";
import { methodSection, renderSkill } from "./injection.ts";
import type { Skill } from "./source.ts";

const SKILL: Skill = { space_id: "s", source_id: "m", namespace: "alice:engineering", skill_name: "python_testing", description: "Test Python.", locator: "mem://x/python_testing", path: null, body_size: null, required_env_vars: [], metadata: {}, scope: "in-memory" };

async function render(body: string | Error, mode: "body" | "summary" | "method_only" | "none", maxBytes: number | null = null) {
  let loads = 0;
  const text = await renderSkill(SKILL, mode, {
    load: async () => {
      loads++;
      if (body instanceof Error) throw body;
      return body;
    },
    maxBytes,
  });
  return { text, loads };
}

describe("body rendering", () => {
  test("wraps the body in the skill envelope", async () => {
    expect((await render("# Body\ntext", "body")).text).toBe("<skill>\n<name>python_testing</name>\n<path>mem://x/python_testing</path>\n# Body\ntext\n</skill>");
  });

  test("max_bytes counts UTF-8 bytes; equal passes, one more fails", async () => {
    expect((await render("a".repeat(1024), "body", 1024)).text).toStartWith("<skill>\n");
    const error = await render("a".repeat(1025), "body", 1024).catch((e) => e);
    expect(isSkillError(error) && [error.code, error.details]).toEqual([
      "SKILL_BODY_TOO_LARGE",
      { skill_name: "python_testing", locator: "mem://x/python_testing", limit_bytes: 1024, actual_bytes: 1025 },
    ]);
    const multibyte = await render("é".repeat(513), "body", 1025).catch((e) => e);
    expect(isSkillError(multibyte) && multibyte.details.actual_bytes).toBe(1026);
  });

  test("a loader failure is SKILL_BODY_READ_FAILED with the locator", async () => {
    const error = await render(new Error("gone"), "body").catch((e) => e);
    expect(isSkillError(error) && [error.code, error.kind, error.details]).toEqual(["SKILL_BODY_READ_FAILED", "config_error", { skill_name: "python_testing", locator: "mem://x/python_testing", reason: "gone" }]);
  });
});

describe("other modes", () => {
  test("summary and none never read the body", async () => {
    expect(await render("x", "summary")).toEqual({
      text: "Skill summary:\n- mention: $[alice:engineering].python_testing\n- description: Test Python.\n- locator: mem://x/python_testing",
      loads: 0,
    });
    expect(await render("x", "none")).toEqual({ text: null, loads: 0 });
  });

  test("method_only takes the method section up to the next heading", async () => {
    const body = "# Title\nintro\n## Workflow\n1. do\n2. check\n## Notes\nmore";
    expect((await render(body, "method_only")).text).toBe("<skill_method>\n<name>python_testing</name>\n## Workflow\n1. do\n2. check\n</skill_method>");
  });

  test("method_only falls back to the summary without a method heading or on errors", async () => {
    expect((await render("# Title\nno method", "method_only")).text).toStartWith("Skill summary:");
    expect((await render(new Error("x"), "method_only")).text).toStartWith("Skill summary:");
    expect((await render("## Usage\n" + "a".repeat(50), "method_only", 10)).text).toStartWith("Skill summary:");
  });

  test.each([
    ["## Method", true],
    ["   ### how to use it", true],
    ["#### STEPS", true],
    ["    # Usage", false],
    ["## Methods", false],
    ["####### Usage", false],
    ["#Usage", false],
    ["## Usage中文", false],
  ])("heading %p is a method heading: %p", (heading, found) => {
    expect(methodSection(`${heading}\nbody`) !== null).toBe(found);
  });
});
