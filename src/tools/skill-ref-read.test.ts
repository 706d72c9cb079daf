import { describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SkillsConfigInput } from "../config/schema.ts";
import { skillMd, tempDir, writeSkill, writeTree } from "../../test/support/skills.ts";
import { makeToolContext, registryWith } from "../../test/support/tool-context.ts";
import { SkillsManager } from "../skills/skills-manager.ts";
import { skillRefReadTool } from "./skill-ref-read.ts";

const MENTION = "$[alice:engineering].reporter";
const registry = registryWith(skillRefReadTool);

function setup(config: Partial<SkillsConfigInput> = {}, files: Record<string, string> = {}) {
  const workspace = tempDir("sr-skill-ref-ws-");
  const root = join(workspace, "skills");
  writeSkill(root, "reporter", skillMd("reporter", "Builds reports."));
  const skillDir = join(root, "reporter");
  writeTree(skillDir, { "references/guide.md": "# Guide\nUse it.\n", "assets/logo.txt": "logo", "secret.txt": "top secret", ...files });
  const manager = new SkillsManager({
    workspaceRoot: workspace,
    config: {
      spaces: [{ id: "s1", namespace: "alice:engineering", sources: ["fs"] }],
      sources: [{ id: "fs", type: "filesystem", options: { root } }],
      references: { enabled: true },
      ...config,
    },
  });
  return { workspace, skillDir, manager };
}

async function call(args: Record<string, unknown>, manager: SkillsManager | null, workspace = tempDir()) {
  const { ctx } = makeToolContext({ workspaceRoot: workspace });
  ctx.services!.skills = manager;
  return registry.dispatch("skill_ref_read", args, ctx);
}

function expectError(r: Awaited<ReturnType<typeof call>>, kind: string, code: string) {
  expect(r.ok).toBe(false);
  expect(r.error_kind).toBe(kind);
  const error = (r.data as { error: { code: string; message: string; details: Record<string, unknown> } }).error;
  expect(error.code).toBe(code);
  expect(r.stderr).toBe(error.message);
  return error;
}

describe("skill_ref_read: provider schema", () => {
  test("requires skill_mention and ref_path, allows max_bytes and nothing else", () => {
    const parameters = registry.specs()[0]!.function.parameters as Record<string, any>;
    expect(parameters.additionalProperties).toBe(false);
    expect(parameters.required).toEqual(["skill_mention", "ref_path"]);
    expect(Object.keys(parameters.properties)).toEqual(["skill_mention", "ref_path", "max_bytes"]);
  });
});

describe("skill_ref_read: success", () => {
  test("returns the file text", async () => {
    const { workspace, manager } = setup();
    const r = await call({ skill_mention: MENTION, ref_path: "references/guide.md" }, manager, workspace);
    expect(r).toMatchObject({ ok: true, stdout: "# Guide\nUse it.\n", stderr: "", exit_code: 0, truncated: false });
    expect(r.error_kind).toBeUndefined();
  });

  test("cuts a longer file to max_bytes and appends <truncated>", async () => {
    const { workspace, manager } = setup({}, { "references/long.txt": "0123456789" });
    const r = await call({ skill_mention: MENTION, ref_path: "references/long.txt", max_bytes: 4 }, manager, workspace);
    expect(r).toMatchObject({ ok: true, stdout: "0123\n<truncated>", truncated: true });
    const exact = await call({ skill_mention: MENTION, ref_path: "references/long.txt", max_bytes: 10 }, manager, workspace);
    expect(exact).toMatchObject({ stdout: "0123456789", truncated: false });
  });

  test("defaults max_bytes to skills.references.default_max_bytes", async () => {
    const { workspace, manager } = setup({ references: { enabled: true, default_max_bytes: 3 } }, { "references/long.txt": "abcdef" });
    expect(await call({ skill_mention: MENTION, ref_path: "references/long.txt" }, manager, workspace)).toMatchObject({ stdout: "abc\n<truncated>", truncated: true });
  });

  test("reads assets/ only when allow_assets is on", async () => {
    const on = setup({ references: { enabled: true, allow_assets: true } });
    expect(await call({ skill_mention: MENTION, ref_path: "assets/logo.txt" }, on.manager, on.workspace)).toMatchObject({ ok: true, stdout: "logo" });
    const off = setup();
    expectError(await call({ skill_mention: MENTION, ref_path: "assets/logo.txt" }, off.manager, off.workspace), "permission", "SKILL_REF_PATH_INVALID");
  });
});

describe("skill_ref_read: framework errors", () => {
  test("without skills configured it is validation SKILL_RUNTIME_UNAVAILABLE", async () => {
    expectError(await call({ skill_mention: MENTION, ref_path: "references/guide.md" }, null), "validation", "SKILL_RUNTIME_UNAVAILABLE");
  });

  test("with references disabled it is permission SKILL_REFERENCES_DISABLED", async () => {
    const { workspace, manager } = setup({ references: { enabled: false } });
    const error = expectError(await call({ skill_mention: MENTION, ref_path: "references/guide.md" }, manager, workspace), "permission", "SKILL_REFERENCES_DISABLED");
    expect(error.details).toEqual({ config_key: "skills.references.enabled" });
  });

  test("unknown argument keys are validation with unknown_fields", async () => {
    const { workspace, manager } = setup();
    const r = await call({ skill_mention: MENTION, ref_path: "references/guide.md", path: "x" }, manager, workspace);
    expect(expectError(r, "validation", "SKILL_REF_PATH_INVALID").details).toEqual({ unknown_fields: ["path"] });
  });

  test("non-string arguments are validation", async () => {
    const { workspace, manager } = setup();
    const r = await call({ skill_mention: MENTION, ref_path: 7 }, manager, workspace);
    expect(expectError(r, "validation", "SKILL_REF_PATH_INVALID").details).toEqual({ required: ["skill_mention", "ref_path"] });
  });

  test.each([[0], [1.5], ["12"]])("max_bytes %p is validation", async (maxBytes) => {
    const { workspace, manager } = setup();
    const r = await call({ skill_mention: MENTION, ref_path: "references/guide.md", max_bytes: maxBytes }, manager, workspace);
    expect(expectError(r, "validation", "SKILL_REF_PATH_INVALID").details).toEqual({ max_bytes: maxBytes });
  });

  test("a mention that is not one full token is validation", async () => {
    const { workspace, manager } = setup();
    expectError(await call({ skill_mention: `see ${MENTION}`, ref_path: "references/guide.md" }, manager, workspace), "validation", "SKILL_MENTION_FORMAT_INVALID");
  });

  test("an unknown skill is not_found SKILL_UNKNOWN", async () => {
    const { workspace, manager } = setup();
    expectError(await call({ skill_mention: "$[alice:engineering].other", ref_path: "references/guide.md" }, manager, workspace), "not_found", "SKILL_UNKNOWN");
  });

  test("a missing file is not_found SKILL_REF_NOT_FOUND", async () => {
    const { workspace, manager } = setup();
    expectError(await call({ skill_mention: MENTION, ref_path: "references/nope.md" }, manager, workspace), "not_found", "SKILL_REF_NOT_FOUND");
    expectError(await call({ skill_mention: MENTION, ref_path: "references" }, manager, workspace), "not_found", "SKILL_REF_NOT_FOUND");
  });

  test.each([["references/../secret.txt"], ["../reporter/references/guide.md"], ["/etc/passwd"], [""], ["SKILL.md"], ["secret.txt"]])(
    "ref_path %p is permission SKILL_REF_PATH_INVALID",
    async (refPath) => {
      const { workspace, manager } = setup();
      const r = await call({ skill_mention: MENTION, ref_path: refPath }, manager, workspace);
      expectError(r, "permission", "SKILL_REF_PATH_INVALID");
      expect(r.stdout).toBe("");
    },
  );

  test("a symlink leading out of references/ is permission SKILL_REF_PATH_ESCAPE", async () => {
    const { workspace, skillDir, manager } = setup();
    const outside = join(workspace, "outside.txt");
    writeFileSync(outside, "outside");
    symlinkSync(outside, join(skillDir, "references", "file-link.md"));
    symlinkSync(skillDir, join(skillDir, "references", "dir-link"));
    for (const refPath of ["references/file-link.md", "references/dir-link/secret.txt"]) {
      const r = await call({ skill_mention: MENTION, ref_path: refPath }, manager, workspace);
      expect(expectError(r, "permission", "SKILL_REF_PATH_ESCAPE").details).toMatchObject({ ref_path: refPath });
      expect(r.stdout).toBe("");
    }
  });

  test("a symlink that stays inside references/ is read", async () => {
    const { workspace, skillDir, manager } = setup();
    mkdirSync(join(skillDir, "references", "sub"));
    symlinkSync(join(skillDir, "references", "guide.md"), join(skillDir, "references", "sub", "alias.md"));
    expect(await call({ skill_mention: MENTION, ref_path: "references/sub/alias.md" }, manager, workspace)).toMatchObject({ ok: true, stdout: "# Guide\nUse it.\n" });
  });

  test("an in-memory skill is validation SKILL_REF_SOURCE_UNSUPPORTED", async () => {
    const manager = new SkillsManager({
      workspaceRoot: "/",
      config: {
        spaces: [{ id: "s1", namespace: "alice:engineering", sources: ["mem"] }],
        sources: [{ id: "mem", type: "in-memory", options: { namespace: "alice" } }],
        references: { enabled: true },
      },
      inMemoryRegistry: { alice: [{ skill_name: "reporter", description: "d", body: "b" }] },
    });
    expectError(await call({ skill_mention: MENTION, ref_path: "references/guide.md" }, manager), "validation", "SKILL_REF_SOURCE_UNSUPPORTED");
  });
});
