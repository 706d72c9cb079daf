/**
 * A skill action under real bubblewrap when the skill folder lives OUTSIDE the workspace (issue 6):
 * the sandbox binds the bundle root read-only at its host path, so the action's script and its
 * references load, the workspace stays writable, and the bundle itself cannot be changed.
 * Skipped, with the reason in the test names, when bwrap is not installed (CI installs it).
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createSandboxAdapter } from "../../src/sandbox/create.ts";
import { SkillsManager } from "../../src/skills/skills-manager.ts";
import { skillExecTool } from "../../src/tools/skill-exec.ts";
import { skillMd, tempDir, writeSkill, writeTree } from "../support/skills.ts";
import { makeToolContext, registryWith, testConfig } from "../support/tool-context.ts";

const hasBwrap = Bun.which("bwrap") !== null;
const SKIP = hasBwrap ? "" : " (skipped: bwrap is not installed)";
const PATH = "/usr/local/bin:/usr/bin:/bin";

const SCRIPT = [
  'cat "$SKILLS_RUNTIME_SDK_SKILL_BUNDLE_ROOT/references/greeting.txt" > "$SKILLS_RUNTIME_SDK_WORKSPACE_ROOT/out.txt"',
  'if echo tampered > "$SKILLS_RUNTIME_SDK_SKILL_BUNDLE_ROOT/references/greeting.txt" 2>/dev/null; then echo "bundle=writable"; else echo "bundle=read-only"; fi',
  'if touch "$SKILLS_RUNTIME_SDK_SKILL_BUNDLE_ROOT/new-file" 2>/dev/null; then echo "create=yes"; else echo "create=no"; fi',
  'echo "ws=$SKILLS_RUNTIME_SDK_WORKSPACE_ROOT"',
].join("\n");

async function runAction(profile: "balanced" | "prod") {
  const workspace = tempDir("sr-skill-outside-ws-");
  const skillsRoot = tempDir("sr-skill-outside-skills-");
  writeSkill(skillsRoot, "greeter", skillMd("greeter", "Greets from a reference.", "actions:\n  greet:\n    argv: [/bin/sh, actions/greet.sh]\n"));
  const bundle = join(skillsRoot, "greeter");
  writeTree(bundle, { "actions/greet.sh": SCRIPT, "references/greeting.txt": "hello from the bundle\n" });
  const config = testConfig({ sandbox: { profile, default_policy: "restricted" } });
  const selection = await createSandboxAdapter(config, { workspaceRoot: workspace, pathEnv: PATH });
  if (selection.adapter === null) throw new Error(`bwrap is installed but unusable here: ${selection.unavailable?.reason}`);
  const manager = new SkillsManager({
    workspaceRoot: workspace,
    config: {
      spaces: [{ id: "s1", namespace: "team", sources: ["fs"] }],
      sources: [{ id: "fs", type: "filesystem", options: { root: skillsRoot } }],
      actions: { enabled: true },
    },
  });
  const { ctx } = makeToolContext({ workspaceRoot: workspace, config, sandboxAdapter: selection.adapter, baseEnv: { PATH } });
  ctx.services!.skills = manager;
  const result = await registryWith(skillExecTool).dispatch("skill_exec", { skill_mention: "$[team].greeter", action_id: "greet" }, ctx);
  return { result, workspace, bundle };
}

describe("skill_exec under bubblewrap with the skill outside the workspace", () => {
  for (const profile of ["balanced", "prod"] as const) {
    test.skipIf(!hasBwrap)(`runs the action, reads its reference and cannot change its bundle under ${profile}${SKIP}`, async () => {
      const { result, workspace, bundle } = await runAction(profile);
      expect(result.ok).toBe(true);
      expect(result.data?.sandbox).toMatchObject({ effective: "restricted", active: true, adapter: "BubblewrapSandboxAdapter", profile });
      expect(readFileSync(join(workspace, "out.txt"), "utf8")).toBe("hello from the bundle\n");
      expect(result.stdout).toContain("bundle=read-only");
      expect(result.stdout).toContain("create=no");
      expect(result.stdout).toContain("ws=/work");
      expect(readFileSync(join(bundle, "references/greeting.txt"), "utf8")).toBe("hello from the bundle\n");
      expect(existsSync(join(bundle, "new-file"))).toBe(false);
    }, 20_000);
  }
});
