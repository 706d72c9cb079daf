import { describe, expect, test } from "bun:test";
import { isSkillError } from "./issues.ts";
import { createMemorySource } from "./memory-source.ts";
import type { InMemoryRegistry, ScanLimits, Skill } from "./source.ts";

const LIMITS: ScanLimits = { ignore_dot_entries: true, max_depth: 99, max_dirs_per_root: 100000, max_frontmatter_bytes: 65536 };

function memory(registry: InMemoryRegistry, namespace: unknown = "web") {
  return createMemorySource(
    { id: "mem1", type: "in-memory", options: namespace === null ? {} : { namespace } },
    { workspaceRoot: "/", env: {}, inMemoryRegistry: registry, sourceClients: {}, bundles: { max_bytes: 1, cache_dir: "x", max_extracted_bytes: null, max_files: null, max_single_file_bytes: null } },
  );
}

const scanOf = (src: ReturnType<typeof memory>) => src.scan({ space: { id: "s1", namespace: "web:mvp" }, limits: LIMITS });

describe("in-memory source", () => {
  test("rows become skills with a default locator and the other keys as metadata", async () => {
    const result = await scanOf(memory({ web: [{ skill_name: "python_testing", description: "Tests.", body: "B", required_env_vars: ["X_KEY", "X_KEY"], owner: "qa" }] }));
    expect(result.errors).toEqual([]);
    const { handle, ...skill } = result.skills[0]!;
    expect(typeof handle).toBe("function");
    expect(skill).toEqual({
      skill_name: "python_testing",
      description: "Tests.",
      locator: "mem://web/python_testing",
      path: null,
      body_size: null,
      required_env_vars: ["X_KEY"],
      metadata: { required_env_vars: ["X_KEY", "X_KEY"], owner: "qa" },
      scope: "in-memory",
    });
  });

  test("an unknown namespace yields nothing", async () => {
    expect(await scanOf(memory({ other: [{ skill_name: "ab", description: "d", body: "" }] }))).toEqual({ skills: [], errors: [], warnings: [] });
  });

  test("a missing namespace option is an issue", async () => {
    const result = await scanOf(memory({}, null));
    expect(result.errors.map((e) => e.code)).toEqual(["SKILL_SCAN_METADATA_INVALID"]);
  });

  test("bad rows are issues with source_id, index and field, and are skipped", async () => {
    const rows = [
      "not an object",
      { description: "d", body: "" },
      { skill_name: "X", description: "d", body: "" },
      { skill_name: "ab", body: "" },
      { skill_name: "ab", description: "d" },
      { skill_name: "ab", description: "d", body_loader: "nope" },
      { skill_name: "ab", description: "d", body: "", body_size: 1.5 },
      { skill_name: "ab", description: "d", body: "", required_env_vars: "X" },
      { skill_name: "good", description: "d", body: "" },
    ];
    const result = await scanOf(memory({ web: rows as never }));
    expect(result.skills.map((s) => s.skill_name)).toEqual(["good"]);
    expect(result.errors.map((e) => [e.details.index, e.details.field ?? null])).toEqual([
      [0, null],
      [1, "skill_name"],
      [2, "skill_name"],
      [3, "description"],
      [4, "body/body_loader"],
      [5, "body_loader"],
      [6, "body_size"],
      [7, "required_env_vars"],
    ]);
    expect(result.errors.every((e) => e.details.source_id === "mem1")).toBe(true);
    expect(result.errors[2]!.details.reason).toBe("invalid_skill_name_slug");
  });

  test("the body is read only through readBody (sync or async loader)", async () => {
    let calls = 0;
    const src = memory({
      web: [
        { skill_name: "lazy", description: "d", body_loader: () => (calls++, "lazy body") },
        { skill_name: "later", description: "d", body_loader: async () => "async body", locator: "custom://x" },
      ],
    });
    const result = await scanOf(src);
    expect(calls).toBe(0);
    const skills = result.skills.map((r) => ({ ...r, space_id: "s1", source_id: "mem1", namespace: "web:mvp" }) as Skill);
    expect(await src.readBody(skills[0]!)).toBe("lazy body");
    expect(calls).toBe(1);
    expect(skills[1]!.locator).toBe("custom://x");
    expect(await src.readBody(skills[1]!)).toBe("async body");
  });

  test("references and actions are unsupported", async () => {
    const src = memory({ web: [{ skill_name: "ab", description: "d", body: "" }] });
    const skill = { ...(await scanOf(src)).skills[0]!, space_id: "s1", source_id: "mem1", namespace: "web" } as Skill;
    const ref = await src.readReference(skill, { refPath: "references/a", maxBytes: 1, allowAssets: false }).catch((e) => e);
    const action = await src.resolveAction(skill, { actionId: "run" }).catch((e) => e);
    expect(isSkillError(ref) && [ref.code, ref.toolKind]).toEqual(["SKILL_REF_SOURCE_UNSUPPORTED", "validation"]);
    expect(isSkillError(action) && action.code).toBe("SKILL_ACTION_SOURCE_UNSUPPORTED");
  });
});
