/**
 * Skills in a run (spec 7.4, 7.8, 7.10; decisions.md 3 and 5): mentions resolve before the first
 * LLM call, a mentioned skill is injected once per run, env vars follow the policy and their values
 * never reach the WAL.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { HumanIO } from "../../src/tools/human-io.ts";
import { makeAgent, one, only, readWal, replyText, replyTools, tempWorkspaces, typesOf } from "../support/engine.ts";
import { skillMd, writeSkill, writeTree } from "../support/skills.ts";

const workspace = tempWorkspaces("engine-skills-");

function withSkills(ws: string, extra: Record<string, unknown> = {}) {
  writeSkill(join(ws, "skills"), "writer", skillMd("article-writer", "Writes articles.", "", "# Article writer\n\nUse short paragraphs.\n"));
  writeSkill(join(ws, "skills"), "tester", skillMd("python-testing", "Runs pytest well."));
  return {
    skills: {
      spaces: [{ id: "team", namespace: "acme:docs", sources: ["fs"], enabled: true }],
      sources: [{ id: "fs", type: "filesystem", options: { root: join(ws, "skills") } }],
      ...extra,
    },
  };
}

function needsToken(ws: string) {
  writeTree(join(ws, "skills"), { "writer/agents/openai.yaml": "dependencies:\n  tools:\n    - type: env_var\n      value: WRITER_TOKEN\n" });
}

describe("mentions and injection", () => {
  test("a mentioned skill is injected once: skill_injected before the first LLM call, its body in the prompt", async () => {
    const ws = workspace();
    const { agent, backend } = makeAgent({ workspaceRoot: ws, config: withSkills(ws), processEnv: {}, script: [replyText("ok")] });
    const result = await agent.run("Draft a post with $[acme:docs].article-writer please");
    expect(result.status).toBe("completed");
    const events = readWal(result.walLocator);
    expect(typesOf(events).slice(0, 3)).toEqual(["run_started", "skill_injected", "llm_request_started"]);
    expect(one(events, "skill_injected").payload).toMatchObject({
      skill_name: "article-writer",
      namespace: "acme:docs",
      source: "mention",
      mention_text: "$[acme:docs].article-writer",
      skill_path: join(ws, "skills/writer/SKILL.md"),
      space_id: "team",
      source_id: "fs",
    });
    const contents = backend.requests[0]!.messages.map((m) => (typeof m.content === "string" ? m.content : ""));
    expect(contents.some((c) => c.includes("Use short paragraphs.") && c.includes("<name>article-writer</name>"))).toBe(true);
    // The skills list offers both skills.
    expect(contents.some((c) => c.includes("$[acme:docs].python-testing"))).toBe(true);
  });

  test("an unknown mention fails the run before any LLM call, naming the mention and the nearest skill", async () => {
    const ws = workspace();
    const { agent, backend } = makeAgent({ workspaceRoot: ws, config: withSkills(ws), processEnv: {}, script: [replyText("never")] });
    const result = await agent.run("Use $[acme:docs].article-writr now");
    expect(result.status).toBe("failed");
    expect(result.errorKind).toBe("skill_unknown");
    expect(backend.requests).toHaveLength(0);
    const failed = one(readWal(result.walLocator), "run_failed");
    expect(failed.payload.message).toContain("article-writr");
    expect(JSON.stringify(failed.payload)).toContain("article-writer");
  });

  test("a mention of a namespace no space has fails with skill_space_not_configured", async () => {
    const ws = workspace();
    const { agent } = makeAgent({ workspaceRoot: ws, processEnv: {}, script: [replyText("never")] });
    const result = await agent.run("Use $[other:team].helper");
    expect(result.errorKind).toBe("skill_space_not_configured");
  });

  test("text that is not a valid mention stays plain text", async () => {
    const ws = workspace();
    const { agent } = makeAgent({ workspaceRoot: ws, processEnv: {}, script: [replyText("fine")] });
    const result = await agent.run("Costs $[5].00 and $[A].b are not mentions");
    expect(result.status).toBe("completed");
  });
});

describe("env vars of mentioned skills (spec 7.10)", () => {
  const TASK = "Write with $[acme:docs].article-writer";

  test("a value from the process env is copied into the run and named, never written", async () => {
    const ws = workspace();
    needsToken(ws);
    const { agent } = makeAgent({ workspaceRoot: ws, config: withSkills(ws), processEnv: { WRITER_TOKEN: "tok-from-process-123" }, script: [replyText("ok")] });
    const result = await agent.run(TASK);
    expect(result.status).toBe("completed");
    expect(one(readWal(result.walLocator), "env_var_set").payload).toMatchObject({ env_var: "WRITER_TOKEN", value_source: "process_env" });
    expect(readFileSync(result.walLocator, "utf8")).not.toContain("tok-from-process-123");
  });

  test("skip_skill leaves the skill out and the run goes on", async () => {
    const ws = workspace();
    needsToken(ws);
    const { agent } = makeAgent({ workspaceRoot: ws, config: withSkills(ws, { env_var_missing_policy: "skip_skill" }), processEnv: {}, script: [replyText("ok")] });
    const result = await agent.run(TASK);
    expect(result.status).toBe("completed");
    const events = readWal(result.walLocator);
    expect(one(events, "skill_injection_skipped").payload).toMatchObject({ reason: "missing_env_var", missing_env_vars: ["WRITER_TOKEN"], policy: "skip_skill" });
    expect(only(events, "skill_injected")).toHaveLength(0);
  });

  test("fail_fast stops the run with missing_env_var", async () => {
    const ws = workspace();
    needsToken(ws);
    const { agent } = makeAgent({ workspaceRoot: ws, config: withSkills(ws, { env_var_missing_policy: "fail_fast" }), processEnv: {}, script: [replyText("never")] });
    const result = await agent.run(TASK);
    expect(result.errorKind).toBe("missing_env_var");
    expect(result.finalOutput).toBe("missing required env var: WRITER_TOKEN");
  });

  test("ask_human asks once, keeps the answer for the session and never writes it", async () => {
    const ws = workspace();
    needsToken(ws);
    const asked: string[] = [];
    const humanIO: HumanIO = {
      async requestHumanInput(request) {
        asked.push(request.question);
        return "tok-from-human-456";
      },
    };
    const envVars: Record<string, string> = {};
    const { agent } = makeAgent({ workspaceRoot: ws, config: withSkills(ws), processEnv: {}, humanIO, envVars, script: [replyText("one"), replyText("two")] });
    const first = await agent.run(TASK);
    expect(first.status).toBe("completed");
    expect(asked).toHaveLength(1);
    const events = readWal(first.walLocator);
    expect(one(events, "human_request").payload).toMatchObject({ context: { kind: "env_var", env_var: "WRITER_TOKEN" } });
    expect(only(events, "human_response")).toHaveLength(0);
    expect(one(events, "env_var_set").payload.value_source).toBe("human");
    expect(readFileSync(first.walLocator, "utf8")).not.toContain("tok-from-human-456");
    expect(envVars.WRITER_TOKEN).toBe("tok-from-human-456");
    const second = await agent.run(TASK);
    expect(asked).toHaveLength(1);
    expect(one(readWal(second.walLocator), "env_var_set").payload.value_source).toBe("provided");
  });

  test("ask_human without human I/O is a config error", async () => {
    const ws = workspace();
    needsToken(ws);
    const { agent } = makeAgent({ workspaceRoot: ws, config: withSkills(ws), processEnv: {}, script: [replyText("never")] });
    const result = await agent.run(TASK);
    expect(result.errorKind).toBe("config_error");
    expect(result.finalOutput).toContain("no HumanIOProvider");
  });
});

describe("skill tools in a run", () => {
  function withAction(ws: string, safety: Record<string, unknown>) {
    const root = join(ws, "skills");
    writeSkill(root, "reporter", skillMd("reporter", "Builds reports.", "actions:\n  run:\n    argv: [/bin/sh, actions/run.sh]\n"));
    writeTree(join(root, "reporter"), { "actions/run.sh": "echo report-made > made.txt\necho done\n", "references/notes.md": "Read me.\n" });
    return {
      safety,
      skills: {
        spaces: [{ id: "team", namespace: "acme:docs", sources: ["fs"], enabled: true }],
        sources: [{ id: "fs", type: "filesystem", options: { root } }],
        actions: { enabled: true },
        references: { enabled: true },
      },
    };
  }
  const execCall = { id: "x1", name: "skill_exec", args: { skill_mention: "$[acme:docs].reporter", action_id: "run" } };

  test("skill_exec is gated on the action's argv: a denylisted program never runs", async () => {
    const ws = workspace();
    const { agent } = makeAgent({ workspaceRoot: ws, builtinTools: true, config: withAction(ws, { mode: "ask", denylist: ["/bin/sh"] }), processEnv: {}, script: [replyTools([execCall]), replyText("ok")] });
    const result = await agent.run("Make the report");
    const events = readWal(result.walLocator);
    expect(one(events, "tool_call_requested").payload.arguments).toMatchObject({
      skill_mention: "$[acme:docs].reporter",
      action_id: "run",
      argv: ["/bin/sh", join(ws, "skills/reporter/actions/run.sh")],
    });
    expect(one(events, "tool_call_finished").payload.result).toMatchObject({ ok: false, error_kind: "permission", data: { reason: "/bin/sh" } });
    expect(existsSync(join(ws, "made.txt"))).toBe(false);
  });

  test("an allowlisted action runs in the workspace and skill_ref_read reads the skill's notes", async () => {
    const ws = workspace();
    const refCall = { id: "r1", name: "skill_ref_read", args: { skill_mention: "$[acme:docs].reporter", ref_path: "references/notes.md" } };
    const { agent } = makeAgent({ workspaceRoot: ws, builtinTools: true, config: withAction(ws, { mode: "ask", allowlist: ["/bin/sh"] }), processEnv: {}, script: [replyTools([execCall, refCall]), replyText("ok")] });
    const result = await agent.run("Make the report");
    expect(result.status).toBe("completed");
    const finished = only(readWal(result.walLocator), "tool_call_finished");
    expect(finished[0]!.payload.result).toMatchObject({ ok: true, stdout: "done\n" });
    expect(finished[1]!.payload.result).toMatchObject({ ok: true, stdout: "Read me.\n" });
    expect(readFileSync(join(ws, "made.txt"), "utf8")).toBe("report-made\n");
  });

  test("without configured skills the skill tools are not offered", async () => {
    const ws = workspace();
    const { agent, backend } = makeAgent({ workspaceRoot: ws, builtinTools: true, processEnv: {}, script: [replyText("ok")] });
    await agent.run("hello");
    const names = (backend.requests[0]!.tools ?? []).map((t) => t.function.name);
    expect(names).toContain("shell_exec");
    expect(names).not.toContain("skill_exec");
  });
});
