import { describe, expect, test } from "bun:test";
import { BUILTIN_TOOL_NAMES, getToolDescriptor } from "./descriptors.ts";
import type { SafetyPolicyConfig } from "./policy.ts";
import { evaluateToolCall, sanitizeToolArguments, type ToolGateOptions } from "./tool-gate.ts";

const base = { workspaceRoot: "/work/proj", homeDir: "/home/u" };
function options(kind: ToolGateOptions["kind"], over: Partial<SafetyPolicyConfig> = {}, extra: Partial<ToolGateOptions> = {}): ToolGateOptions {
  return { ...base, kind, safety: { mode: "ask", allowlist: [], denylist: [], tool_allowlist: [], tool_denylist: [], ...over }, ...extra };
}

describe("descriptor table", () => {
  test("covers the 23 builtin tools in catalogue order with the reference categories", () => {
    expect(BUILTIN_TOOL_NAMES).toEqual([
      "shell_exec", "shell", "shell_command", "exec_command", "write_stdin", "file_read", "file_write", "ask_human",
      "update_plan", "request_user_input", "view_image", "web_search", "spawn_agent", "wait", "send_input", "close_agent",
      "resume_agent", "skill_exec", "skill_ref_read", "list_dir", "grep_files", "apply_patch", "read_file",
    ]);
    const category = (name: string) => getToolDescriptor(name, "builtin").category;
    expect(["shell_exec", "shell", "shell_command", "exec_command", "skill_exec"].map(category)).toEqual(Array(5).fill("shell"));
    expect(["file_write", "apply_patch", "write_stdin"].map(category)).toEqual(Array(3).fill("file"));
    expect(["file_read", "read_file", "list_dir", "grep_files", "wait", "ask_human", "web_search"].map(category)).toEqual(Array(7).fill("none"));
  });

  test("gates the collab tools (decisions item 6)", () => {
    for (const name of ["spawn_agent", "send_input", "close_agent", "resume_agent"]) {
      expect(getToolDescriptor(name, "builtin").category).toBe("custom");
      expect(evaluateToolCall(name, { message: "hi" }, options("builtin")).action).toBe("ask");
      expect(evaluateToolCall(name, { message: "hi" }, options("builtin", { tool_allowlist: [name] })).action).toBe("allow");
    }
  });

  test("unknown or unregistered tools get the deny descriptor", () => {
    expect(getToolDescriptor("nope", "builtin").category).toBe("deny");
    expect(getToolDescriptor("file_read", "unregistered").category).toBe("deny");
    expect(getToolDescriptor("shell_exec", "custom").category).toBe("custom");
  });
});

describe("evaluateToolCall", () => {
  test("denies an unregistered tool even in mode allow, showing only the lookup failure (spec 15 #36, #62)", () => {
    const decision = evaluateToolCall("nope", { x: 1 }, options("unregistered", { mode: "allow" }));
    expect(decision).toMatchObject({ action: "deny", matchedRule: "descriptor=deny", category: "deny" });
    expect(decision.request).toEqual({ error: "Descriptor lookup failed; denying tool execution." });
  });

  test("allows allowlisted shell strings without approval (spec 15 #28) and asks for compound ones", () => {
    expect(evaluateToolCall("shell_command", { command: "echo hi" }, options("builtin", { allowlist: ["echo"] })).action).toBe("allow");
    expect(evaluateToolCall("exec_command", { cmd: "echo hi" }, options("builtin", { allowlist: ["echo"] })).action).toBe("allow");
    const compound = evaluateToolCall("shell_command", { command: "pytest && rm -rf /" }, options("builtin", { allowlist: ["pytest"] }));
    expect(compound.action).toBe("ask");
    expect(compound.summary).toBe("授权：shell_command 执行命令：pytest && rm -rf /");
  });

  test("reads sandbox_permissions from the call (spec 15 #27)", () => {
    const shell = evaluateToolCall("shell_exec", { argv: ["/bin/echo", "x"], sandbox_permissions: "require_escalated" }, options("builtin", { mode: "allow", allowlist: ["/bin/echo"] }));
    expect([shell.action, shell.matchedRule]).toEqual(["ask", "sandbox"]);
    const file = evaluateToolCall("file_write", { path: "a", content: "x", sandbox_permissions: "require_escalated" }, options("builtin", { mode: "allow" }));
    expect([file.action, file.matchedRule]).toEqual(["ask", "sandbox"]);
  });

  test("custom tools use the by-name policy and the redacting sanitizer (spec 15 #47, #64)", () => {
    const secrets = ["sk-secret-1234"];
    const decision = evaluateToolCall("my_tool", { token: "sk-secret-1234", env: { K: "v" }, q: "a" }, options("custom", {}, { secrets }));
    expect(decision.action).toBe("ask");
    expect(decision.request).toEqual({ token: "<redacted>", env_keys: ["K"], q: "a" });
    expect(evaluateToolCall("my_tool", {}, options("custom", { tool_denylist: ["my_tool"] })).action).toBe("deny");
  });

  test("passthrough builtins are allowed even in mode deny but their event arguments are still sanitized", () => {
    expect(evaluateToolCall("file_read", { path: "a" }, options("builtin", { mode: "deny" })).action).toBe("allow");
    const args = sanitizeToolArguments("ask_human", { question: "key is sk-secret-1234?" }, { ...base, kind: "builtin", secrets: ["sk-secret-1234"] });
    expect(args).toEqual({ question: "key is <redacted>?" });
  });

  test("treats non-object arguments as empty", () => {
    expect(evaluateToolCall("shell_exec", "garbage", options("builtin")).request.argv).toEqual([]);
  });
});
