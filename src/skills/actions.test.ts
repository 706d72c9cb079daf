import { describe, expect, test } from "bun:test";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { tempDir, writeTree } from "../../test/support/skills.ts";
import { actionEnv, resolveActionInBundle } from "./actions.ts";
import { isSkillError, type SkillError } from "./issues.ts";
import type { Skill } from "./source.ts";

function skillWith(actions: unknown): Skill {
  return {
    space_id: "s1",
    source_id: "fs1",
    namespace: "web",
    skill_name: "tool",
    description: "d",
    locator: "/x/SKILL.md",
    path: "/x/SKILL.md",
    body_size: 1,
    required_env_vars: [],
    metadata: { actions },
    scope: null,
  };
}

function bundle() {
  const root = tempDir();
  writeTree(root, { "actions/run.sh": "echo\n", "actions/sub/x.py": "", "other.sh": "" });
  return { root, sha256: null };
}

async function failure(actions: unknown, id = "run", b = bundle()): Promise<SkillError> {
  try {
    await resolveActionInBundle(skillWith(actions), b, id);
  } catch (error) {
    if (isSkillError(error)) return error;
    throw error;
  }
  throw new Error("expected a SkillError");
}

describe("resolveActionInBundle", () => {
  test("rewrites path-like arguments to absolute paths and leaves argv[0] and flags alone", async () => {
    const b = bundle();
    const action = await resolveActionInBundle(skillWith({ run: { kind: "SHELL", argv: ["./tool", "actions/sub/x.py", "--n", "5", ""], timeout_ms: "1500" } }), b, "run");
    expect(action.argv).toEqual(["./tool", join(b.root, "actions/sub/x.py"), "--n", "5", ""]);
    expect(action.timeout_ms).toBe(1500);
  });

  test("an unknown action is not_found and lists the known ones", async () => {
    const error = await failure({ other: { argv: ["true"] } }, "run");
    expect([error.code, error.toolKind, error.details.known_actions]).toEqual(["SKILL_ACTION_NOT_FOUND", "not_found", ["other"]]);
  });

  test("a skill without actions: not_found", async () => {
    expect((await failure(undefined)).code).toBe("SKILL_ACTION_NOT_FOUND");
  });

  test.each([
    ["not a mapping", "bash run.sh"],
    ["non-string kind", { kind: 3, argv: ["true"] }],
    ["unsupported kind", { kind: "python", argv: ["true"] }],
    ["empty argv", { argv: [] }],
    ["argv with a number", { argv: ["echo", 1] }],
    ["env with a list value", { argv: ["true"], env: { A: [1] } }],
    ["non-integer timeout", { argv: ["true"], timeout_ms: "soon" }],
    ["zero timeout", { argv: ["true"], timeout_ms: 0 }],
  ])("%s is SKILL_ACTION_DEFINITION_INVALID (validation)", async (_name, definition) => {
    const error = await failure({ run: definition });
    expect([error.code, error.toolKind]).toEqual(["SKILL_ACTION_DEFINITION_INVALID", "validation"]);
  });

  test.each([["../x.sh"], ["/abs/x.sh"], ["other.sh/"], ["actions/../other.sh"], ["./actions/run.sh"]])("argv path %p escapes (permission)", async (arg) => {
    const error = await failure({ run: { argv: ["bash", arg] } });
    expect([error.code, error.toolKind]).toEqual(["SKILL_ACTION_ARGV_PATH_ESCAPE", "permission"]);
    expect(error.details.argv_index).toBe(1);
  });

  test("a symlink inside actions/ pointing outside escapes", async () => {
    const b = bundle();
    symlinkSync(join(b.root, "other.sh"), join(b.root, "actions/link.sh"));
    const error = await failure({ run: { argv: ["bash", "actions/link.sh"] } }, "run", b);
    expect(error.code).toBe("SKILL_ACTION_ARGV_PATH_ESCAPE");
  });

  test("a missing script is SKILL_ACTION_ARGV_PATH_INVALID (validation)", async () => {
    const error = await failure({ run: { argv: ["bash", "actions/missing.sh"] } });
    expect([error.code, error.toolKind]).toEqual(["SKILL_ACTION_ARGV_PATH_INVALID", "validation"]);
  });
});

test("actionEnv: the stable keys win over the action's env", () => {
  const env = actionEnv(
    { action_id: "run", argv: ["true"], timeout_ms: null, env: { SKILLS_RUNTIME_SDK_SKILL_MENTION: "spoof", MODE: "x" }, bundle_root: "/b", bundle_sha256: "ab".repeat(32) },
    { workspaceRoot: "/ws", mention: "$[web].tool" },
  );
  expect(env).toEqual({
    MODE: "x",
    SKILLS_RUNTIME_SDK_WORKSPACE_ROOT: "/ws",
    SKILLS_RUNTIME_SDK_SKILL_BUNDLE_ROOT: "/b",
    SKILLS_RUNTIME_SDK_SKILL_MENTION: "$[web].tool",
    SKILLS_RUNTIME_SDK_SKILL_ACTION_ID: "run",
    SKILLS_RUNTIME_SDK_SKILL_BUNDLE_SHA256: "ab".repeat(32),
  });
});
