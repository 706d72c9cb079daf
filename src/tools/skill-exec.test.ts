import { describe, expect, test } from "bun:test";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import type { SkillsConfigInput } from "../config/schema.ts";
import { skillMd, tempDir, writeSkill, writeTree } from "../../test/support/skills.ts";
import { envWrappingAdapter, makeToolContext, registryWith, testConfig, type ToolContextOptions } from "../../test/support/tool-context.ts";
import { SkillsManager } from "../skills/skills-manager.ts";
import { builtinRegistry, offersSkillTools } from "./builtins.ts";
import { skillActionIntent, skillExecTool } from "./skill-exec.ts";

const MENTION = "$[alice:engineering].reporter";
const registry = registryWith(skillExecTool);

/** A workspace with a skills root holding `reporter` (front matter `actions` from `actions`) and its files. */
function setup(actions: string, files: Record<string, string> = {}, config: Partial<SkillsConfigInput> = {}) {
  const workspace = tempDir("sr-skill-exec-ws-");
  const root = join(workspace, "skills");
  writeSkill(root, "reporter", skillMd("reporter", "Builds reports.", actions));
  writeTree(join(root, "reporter"), files);
  const manager = new SkillsManager({
    workspaceRoot: workspace,
    config: {
      spaces: [{ id: "s1", namespace: "alice:engineering", sources: ["fs"] }],
      sources: [{ id: "fs", type: "filesystem", options: { root } }],
      actions: { enabled: true },
      ...config,
    },
  });
  return { workspace, skillDir: join(root, "reporter"), manager };
}

async function call(args: Record<string, unknown>, manager: SkillsManager | null, workspace: string, options: Partial<ToolContextOptions> = {}) {
  const { ctx } = makeToolContext({ workspaceRoot: workspace, ...options });
  ctx.services!.skills = manager;
  return registry.dispatch("skill_exec", args, ctx);
}

const ENV_SCRIPT = [
  'echo "ws=$SKILLS_RUNTIME_SDK_WORKSPACE_ROOT"',
  'echo "root=$SKILLS_RUNTIME_SDK_SKILL_BUNDLE_ROOT"',
  'echo "mention=$SKILLS_RUNTIME_SDK_SKILL_MENTION"',
  'echo "action=$SKILLS_RUNTIME_SDK_SKILL_ACTION_ID"',
  'echo "sha=${SKILLS_RUNTIME_SDK_SKILL_BUNDLE_SHA256-unset}"',
  'echo "greeting=$GREETING flag=$FLAG pwd=$(pwd) arg=$1"',
].join("\n");

const RUN_ACTION = "actions:\n  run:\n    argv: [/bin/sh, actions/run.sh, hello]\n    env: {GREETING: hi, FLAG: true, SKILLS_RUNTIME_SDK_SKILL_ACTION_ID: spoofed}\n";

describe("skill_exec: provider schema", () => {
  test("requires skill_mention and action_id and forbids other keys", () => {
    const parameters = registry.specs()[0]!.function.parameters as Record<string, any>;
    expect(parameters.additionalProperties).toBe(false);
    expect(parameters.required).toEqual(["skill_mention", "action_id"]);
    expect(Object.keys(parameters.properties)).toEqual(["skill_mention", "action_id"]);
  });

  test("is offered only when skills are configured, at its catalogue position", () => {
    const names = (skills: boolean) => builtinRegistry(undefined, { skills }).list().map((t) => t.definition.name);
    expect(names(false)).not.toContain("skill_exec");
    expect(names(true).slice(names(true).indexOf("web_search"), names(true).indexOf("list_dir") + 1)).toEqual([
      "web_search",
      "spawn_agent",
      "wait",
      "send_input",
      "close_agent",
      "resume_agent",
      "skill_exec",
      "skill_ref_read",
      "list_dir",
    ]);
    expect(builtinRegistry(["skill_exec"], { skills: true }).list().map((t) => t.definition.name)).toEqual(["skill_exec"]);
  });
});

describe("skill_exec: success", () => {
  test("runs the action in the workspace with the action env and the stable keys, which win", async () => {
    const { workspace, skillDir, manager } = setup(RUN_ACTION, { "actions/run.sh": ENV_SCRIPT });
    const r = await call({ skill_mention: ` ${MENTION} `, action_id: " run " }, manager, workspace);
    expect(r).toMatchObject({ ok: true, exit_code: 0, stderr: "", truncated: false });
    expect(r.stdout.split("\n")).toEqual([
      `ws=${workspace}`,
      `root=${skillDir}`,
      `mention=${MENTION}`,
      "action=run",
      "sha=unset",
      `greeting=hi flag=True pwd=${workspace} arg=hello`,
      "",
    ]);
    expect(r.data).toEqual({ sandbox: { requested: "inherit", effective: "none", adapter: null, active: false, profile: "dev" } });
  });

  test("runs inside the OS sandbox when the configured policy is restricted", async () => {
    const { workspace, manager } = setup("actions:\n  run:\n    argv: [/bin/sh, -c, 'echo $SANDBOXED']\n");
    const adapter = envWrappingAdapter();
    const r = await call({ skill_mention: MENTION, action_id: "run" }, manager, workspace, { config: testConfig({ sandbox: { default_policy: "restricted" } }), sandboxAdapter: adapter });
    expect(r).toMatchObject({ ok: true, stdout: "FakeSandboxAdapter\n", data: { sandbox: { requested: "inherit", effective: "restricted", active: true } } });
    expect(adapter.calls).toBe(1);
  });

  test("is sandbox_denied under restricted without an adapter, and nothing runs", async () => {
    const { workspace, manager } = setup("actions:\n  run:\n    argv: [/bin/sh, -c, 'touch ran']\n");
    const r = await call({ skill_mention: MENTION, action_id: "run" }, manager, workspace, { config: testConfig({ sandbox: { default_policy: "restricted" } }) });
    expect(r).toMatchObject({ ok: false, error_kind: "sandbox_denied", data: { sandbox: { effective: "restricted", active: false } } });
    expect(await Bun.file(join(workspace, "ran")).exists()).toBe(false);
  });

  test("a non-zero exit is exit_code, output is redacted", async () => {
    const { workspace, manager } = setup("actions:\n  run:\n    argv: [/bin/sh, -c, 'echo token-abcdef; exit 3']\n");
    const r = await call({ skill_mention: MENTION, action_id: "run" }, manager, workspace, { secrets: ["token-abcdef"] });
    expect(r).toMatchObject({ ok: false, error_kind: "exit_code", exit_code: 3, stdout: "<redacted>\n" });
  });

  test("the action's timeout_ms applies", async () => {
    const { workspace, manager } = setup("actions:\n  run:\n    argv: [sleep, '5']\n    timeout_ms: 150\n");
    const started = performance.now();
    const r = await call({ skill_mention: MENTION, action_id: "run" }, manager, workspace);
    expect(r).toMatchObject({ ok: false, error_kind: "timeout" });
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

describe("skill_exec: framework errors", () => {
  const expectError = (r: Awaited<ReturnType<typeof call>>, kind: string, code: string) => {
    expect(r.ok).toBe(false);
    expect(r.error_kind).toBe(kind);
    const error = (r.data as { error: { code: string; message: string; details: Record<string, unknown> } }).error;
    expect(error.code).toBe(code);
    expect(r.stderr).toBe(error.message);
    return error;
  };

  test("without skills configured it is validation SKILL_RUNTIME_UNAVAILABLE", async () => {
    const error = expectError(await call({ skill_mention: MENTION, action_id: "run" }, null, tempDir()), "validation", "SKILL_RUNTIME_UNAVAILABLE");
    expect(error.message).toContain("no skills are configured");
  });

  test("with actions disabled it is permission SKILL_ACTIONS_DISABLED", async () => {
    const { workspace, manager } = setup(RUN_ACTION, {}, { actions: { enabled: false } });
    const error = expectError(await call({ skill_mention: MENTION, action_id: "run" }, manager, workspace), "permission", "SKILL_ACTIONS_DISABLED");
    expect(error.details).toEqual({ config_key: "skills.actions.enabled" });
  });

  test("unknown argument keys are validation with unknown_fields", async () => {
    const { workspace, manager } = setup(RUN_ACTION);
    const r = await call({ skill_mention: MENTION, action_id: "run", zeta: 1, argv: ["rm"] }, manager, workspace);
    expect(expectError(r, "validation", "SKILL_ACTION_DEFINITION_INVALID").details).toEqual({ unknown_fields: ["argv", "zeta"] });
  });

  test.each([[{ skill_mention: MENTION }], [{ skill_mention: MENTION, action_id: "  " }], [{ skill_mention: 3, action_id: "run" }]])("missing or blank arguments are validation (%p)", async (args) => {
    const { workspace, manager } = setup(RUN_ACTION);
    expect(expectError(await call(args, manager, workspace), "validation", "SKILL_ACTION_DEFINITION_INVALID").details).toEqual({ required: ["skill_mention", "action_id"] });
  });

  test.each([`run ${MENTION}`, `${MENTION} ${MENTION}`, "reporter", "$[alice:engineering]reporter"])("a mention that is not one full token is validation (%p)", async (mention) => {
    const { workspace, manager } = setup(RUN_ACTION);
    const error = expectError(await call({ skill_mention: mention, action_id: "run" }, manager, workspace), "validation", "SKILL_MENTION_FORMAT_INVALID");
    expect(error.details.reason).toBe("not_a_single_full_token");
  });

  test("an unknown skill is not_found SKILL_UNKNOWN", async () => {
    const { workspace, manager } = setup(RUN_ACTION);
    expectError(await call({ skill_mention: "$[alice:engineering].reportr", action_id: "run" }, manager, workspace), "not_found", "SKILL_UNKNOWN");
  });

  test("an unconfigured namespace is validation SKILL_SPACE_NOT_CONFIGURED", async () => {
    const { workspace, manager } = setup(RUN_ACTION);
    expectError(await call({ skill_mention: "$[bob].reporter", action_id: "run" }, manager, workspace), "validation", "SKILL_SPACE_NOT_CONFIGURED");
  });

  test("a missing action is not_found SKILL_ACTION_NOT_FOUND", async () => {
    const { workspace, manager } = setup(RUN_ACTION, { "actions/run.sh": "" });
    const error = expectError(await call({ skill_mention: MENTION, action_id: "deploy" }, manager, workspace), "not_found", "SKILL_ACTION_NOT_FOUND");
    expect(error.details).toMatchObject({ action_id: "deploy", known_actions: ["run"] });
  });

  test.each([["../x.sh"], ["/bin/ls"], ["other/x.sh"], ["actions/../other/x.sh"], ["actions/link.sh"]])("argv path %p escaping actions/ is permission", async (path) => {
    const { workspace, skillDir, manager } = setup(`actions:\n  run:\n    argv: [/bin/sh, '${path}']\n`, { "other/x.sh": "echo escaped\n", "actions/ok.sh": "" });
    symlinkSync(join(skillDir, "other", "x.sh"), join(skillDir, "actions", "link.sh"));
    const error = expectError(await call({ skill_mention: MENTION, action_id: "run" }, manager, workspace), "permission", "SKILL_ACTION_ARGV_PATH_ESCAPE");
    expect(error.details).toMatchObject({ argv_index: 1, path });
  });

  test("a missing script is validation SKILL_ACTION_ARGV_PATH_INVALID", async () => {
    const { workspace, manager } = setup("actions:\n  run:\n    argv: [/bin/sh, actions/missing.sh]\n", { "actions/ok.sh": "" });
    expectError(await call({ skill_mention: MENTION, action_id: "run" }, manager, workspace), "validation", "SKILL_ACTION_ARGV_PATH_INVALID");
  });

  test("a bad definition is validation SKILL_ACTION_DEFINITION_INVALID", async () => {
    const { workspace, manager } = setup("actions:\n  run:\n    kind: python\n    argv: [python3]\n");
    expectError(await call({ skill_mention: MENTION, action_id: "run" }, manager, workspace), "validation", "SKILL_ACTION_DEFINITION_INVALID");
  });

  test("an in-memory skill is validation SKILL_ACTION_SOURCE_UNSUPPORTED", async () => {
    const manager = new SkillsManager({
      workspaceRoot: "/",
      config: {
        spaces: [{ id: "s1", namespace: "alice:engineering", sources: ["mem"] }],
        sources: [{ id: "mem", type: "in-memory", options: { namespace: "alice" } }],
        actions: { enabled: true },
      },
      inMemoryRegistry: { alice: [{ skill_name: "reporter", description: "d", body: "b", actions: { run: { argv: ["true"] } } }] },
    });
    expectError(await call({ skill_mention: MENTION, action_id: "run" }, manager, tempDir()), "validation", "SKILL_ACTION_SOURCE_UNSUPPORTED");
  });
});

describe("skillActionIntent", () => {
  test("gives the materialised argv, timeout and sorted env keys of the action", async () => {
    const { skillDir, manager } = setup("actions:\n  run:\n    argv: [/bin/sh, actions/run.sh]\n    timeout_ms: 500\n    env: {Z: 1, A: x}\n", { "actions/run.sh": "" });
    expect(await skillActionIntent(manager, { skillMention: ` ${MENTION}`, actionId: "run " })).toEqual({
      bundle_root: skillDir,
      bundle_sha256: null,
      argv: ["/bin/sh", join(skillDir, "actions", "run.sh")],
      timeout_ms: 500,
      env_keys: ["A", "Z"],
      resolve_error: null,
    });
  });

  test("keeps the declared argv and reports resolve_error when the checks fail", async () => {
    const { skillDir, manager } = setup("actions:\n  run:\n    argv: [/bin/sh, ../evil.sh]\n");
    const intent = await skillActionIntent(manager, { skillMention: MENTION, actionId: "run" });
    expect(intent).toMatchObject({ bundle_root: skillDir, argv: ["/bin/sh", "../evil.sh"], env_keys: [] });
    expect(intent.resolve_error).toContain("actions/");
  });

  test("an unknown skill or a malformed mention gives an empty argv and the error", async () => {
    const { manager } = setup(RUN_ACTION);
    const unknown = await skillActionIntent(manager, { skillMention: "$[alice:engineering].nope", actionId: "run" });
    expect(unknown).toMatchObject({ argv: [], bundle_root: null });
    expect(unknown.resolve_error).toContain("nope");
    expect((await skillActionIntent(manager, { skillMention: "x", actionId: "run" })).resolve_error).toContain("exactly one mention");
  });
});

describe("offersSkillTools", () => {
  test("is true only for a manager with at least one space", () => {
    expect(offersSkillTools(null)).toBe(false);
    expect(offersSkillTools(new SkillsManager({ workspaceRoot: "/" }))).toBe(false);
    expect(offersSkillTools(setup(RUN_ACTION).manager)).toBe(true);
  });
});
