import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../util/errors.ts";
import type { ChatMessage } from "../../llm/protocol.ts";
import { buildMessages, DEVELOPER_POLICY_HEADER, renderSkillsList, type BuildMessagesInput } from "./manager.ts";

type Spec = { name: string; description: string };
const tools: Spec[] = [
  { name: "shell_exec", description: "run" },
  { name: "file_read", description: "read" },
];
const skills = [
  { namespace: "alice:engineering", name: "python_testing", description: "Write pytest suites" },
  { namespace: "alice:engineering", name: "old_skill", description: "gone", enabled: false },
];
const injectedSkill = {
  namespace: "alice:engineering",
  name: "python_testing",
  content: "<skill>\n<name>python_testing</name>\n</skill>",
  mentioned: true,
};
const priorHistory: ChatMessage[] = [
  { role: "user", content: "earlier question" },
  { role: "assistant", content: "earlier answer" },
];
const TASK = "Use $[alice:engineering].python_testing to add tests";

const build = (overrides: Partial<BuildMessagesInput<Spec>> = {}) =>
  buildMessages<Spec>({ task: TASK, tools, skills, injectedSkills: [injectedSkill], history: priorHistory, ...overrides });

const roles = (messages: ChatMessage[]) => messages.map((m) => m.role);

describe("buildMessages with default_agent", () => {
  test("orders system, skills list, injected skill, history, task", () => {
    const { messages, tools: exposed } = build();
    expect(roles(messages)).toEqual(["system", "user", "user", "user", "assistant", "user"]);
    expect(messages[1]?.content).toContain("Available skills (mention via $[namespace].skill_name):");
    expect(messages[1]?.content).toContain("- $[alice:engineering].python_testing: Write pytest suites");
    expect(messages[1]?.content).not.toContain("old_skill");
    expect(messages[2]?.content).toBe(injectedSkill.content);
    expect(messages.at(-1)).toEqual({ role: "user", content: TASK });
    expect(exposed).toEqual(tools);
  });

  test("appends the developer policy to the system message", () => {
    const system = build().messages[0]?.content as string;
    expect(system).toContain("general-purpose agent");
    expect(system).toContain(`\n\n${DEVELOPER_POLICY_HEADER}\nFollow a spec-driven + TDD workflow`);
    expect(system.endsWith("\n")).toBe(true);
  });

  test("sends the task once, before this run's turns, on every later turn", () => {
    const turns: ChatMessage[] = [
      {
        role: "assistant",
        content: "Let me look at the tests first.",
        tool_calls: [{ id: "c1", type: "function", function: { name: "file_read", arguments: '{"path":"t.py"}' } }],
      },
      { role: "tool", tool_call_id: "c1", content: '{"ok":true,"stdout":"x"}' },
    ];
    const { messages } = build({ turns });
    const taskMessages = messages.filter((m) => m.role === "user" && m.content === TASK);
    expect(taskMessages).toHaveLength(1);
    const taskIndex = messages.findIndex((m) => m.content === TASK);
    expect(messages.slice(taskIndex + 1)).toEqual(turns);
    expect(messages[taskIndex - 1]).toEqual(priorHistory[1] as ChatMessage);
    expect(messages.at(-1)?.role).toBe("tool");
  });

  test("keeps the task when the window drops everything else", () => {
    const turns: ChatMessage[] = [
      { role: "assistant", content: "one" },
      { role: "assistant", content: "two" },
    ];
    const { messages, debug } = build({ turns, settings: { history: { max_messages: 1 } } });
    expect(messages.slice(3)).toEqual([{ role: "user", content: TASK }, { role: "assistant", content: "two" }]);
    expect(debug.history_kept).toBe(1);
    expect(debug.history_dropped).toBe(3);
  });

  test("compacted history mode produces the same messages as full", () => {
    const full = build({ settings: { history: { mode: "full" } } });
    const compacted = build({ settings: { history: { mode: "compacted" } } });
    expect(compacted.messages).toEqual(full.messages);
    expect(compacted.debug.history_mode).toBe("compacted");
  });

  test("skills list with no skills is the header alone", () => {
    expect(renderSkillsList([])).toBe("Available skills (mention via $[namespace].skill_name):");
    const { messages } = build({ skills: [] });
    expect(messages[1]?.content).toBe("Available skills (mention via $[namespace].skill_name):");
  });
});

describe("buildMessages with generation_direct", () => {
  const direct = (overrides: Partial<BuildMessagesInput<Spec>> = {}) =>
    build({ settings: { profile: "generation_direct" }, ...overrides });

  test("has no developer policy, skills list, history or tools", () => {
    const { messages, tools: exposed } = direct({ injectedSkills: [] });
    expect(roles(messages)).toEqual(["system", "user"]);
    expect(messages[0]?.content).not.toContain(DEVELOPER_POLICY_HEADER);
    expect(messages[0]?.content).toContain("directly complete");
    expect(exposed).toEqual([]);
  });

  test("injects mentioned skills and skips unmentioned ones", () => {
    const other = { ...injectedSkill, name: "other", content: "OTHER", mentioned: false };
    const { messages } = direct({ injectedSkills: [injectedSkill, other] });
    expect(messages.map((m) => m.content)).toContain(injectedSkill.content);
    expect(messages.map((m) => m.content)).not.toContain("OTHER");
  });

  test("history mode none still keeps this run's turns after the task", () => {
    const turns: ChatMessage[] = [{ role: "assistant", content: "draft" }];
    const { messages } = direct({ injectedSkills: [], turns });
    expect(messages.slice(1)).toEqual([{ role: "user", content: TASK }, ...turns]);
  });

  test("explicit_only exposure offers only the tools the task names", () => {
    const { tools: exposed } = direct({
      task: "read the config with file_read",
      settings: { profile: "generation_direct", tools: { exposure: "explicit_only" } },
    });
    expect(exposed.map((t) => t.name)).toEqual(["file_read"]);
    const cjk = direct({ task: "用file_read读取配置", settings: { profile: "generation_direct", tools: { exposure: "explicit_only" } } });
    expect(cjk.tools).toEqual([]);
  });
});

describe("buildMessages with structured_transform", () => {
  test("uses the structured-output system text and no developer policy", () => {
    const { messages, debug } = build({ settings: { profile: "structured_transform" } });
    expect(messages[0]?.content).toContain("structured output");
    expect(messages[0]?.content).not.toContain(DEVELOPER_POLICY_HEADER);
    expect(debug.skill_render).toBe("summary");
  });
});

describe("buildMessages settings and templates", () => {
  test("fills template variables from the request", () => {
    const { messages } = build({
      cwd: "/ws",
      settings: {
        system_text: "cwd={{cwd}}\ntools:\n{{tools}}\nskills:\n{{skills}}\n[{{constraints}}]",
        developer_text: "task={{task}}",
      },
    });
    expect(messages[0]?.content).toBe(
      `cwd=/ws\ntools:\n- shell_exec\n- file_read\nskills:\n- $[alice:engineering].python_testing: Write pytest suites\n[]\n\n${DEVELOPER_POLICY_HEADER}\ntask=${TASK}\n`,
    );
  });

  test("rejects invalid settings with a config error naming the key", () => {
    expect(() => build({ settings: { history: { max_chars: 0 } } })).toThrow(ConfigError);
    expect(() => build({ settings: { history: { max_chars: 0 } } })).toThrow(/prompt\.history\.max_chars/);
  });

  test("skill render none injects nothing", () => {
    const { messages } = build({ settings: { skill_injection: { render: "none" } } });
    expect(messages.map((m) => m.content)).not.toContain(injectedSkill.content);
  });

  test("reports template versions and counts in the debug summary", () => {
    const { debug } = build();
    expect(debug).toMatchObject({
      profile: "default_agent",
      templates: [
        { name: "system", version: "builtin:default" },
        { name: "developer", version: "builtin:default" },
      ],
      skills_count: 1,
      injected_skills_count: 1,
      tools_count: 2,
      tools_exposure: "all",
      history_kept: 2,
      history_dropped: 0,
    });
  });
});
