import { describe, expect, test } from "bun:test";
import type { CommandRisk } from "./guard.ts";
import { evaluatePolicy, matchPrefixRule, normalizeSandboxPermissions, type PolicyInput, type SafetyPolicyConfig } from "./policy.ts";

const LOW: CommandRisk = { risk_level: "low", reason: "low" };
const HIGH: CommandRisk = { risk_level: "high", reason: "high" };
const WS = "/work/proj";

function safety(over: Partial<SafetyPolicyConfig> = {}): SafetyPolicyConfig {
  return { mode: "ask", allowlist: [], denylist: [], tool_allowlist: [], tool_denylist: [], ...over };
}

function argvCall(argv: string[], over: Partial<SafetyPolicyConfig> = {}, extra: Partial<PolicyInput> = {}) {
  return evaluatePolicy({ tool: "shell_exec", category: "shell", safety: safety(over), shell: { argv, risk: LOW }, workspaceRoot: WS, ...extra });
}

function stringCall(command: string, over: Partial<SafetyPolicyConfig> = {}, extra: Partial<PolicyInput> = {}) {
  return evaluatePolicy({
    tool: "shell_command",
    category: "shell",
    safety: safety(over),
    shell: { argv: [], risk: HIGH, commandText: command },
    workspaceRoot: WS,
    homeDir: "/home/u",
    ...extra,
  });
}

const brief = (d: { action: string; matchedRule: string | null }) => [d.action, d.matchedRule];

describe("prefix matching (spec 5.3)", () => {
  test("multi-word rules match the quoted command line on word boundaries; one-word rules match argv[0]", () => {
    expect(matchPrefixRule(["git", "push", "--force"], ["git push --force"])).toBe("git push --force");
    expect(matchPrefixRule(["git", "push", "--force-with-lease"], ["git push --force"])).toBeNull();
    expect(matchPrefixRule(["git-receive-pack"], ["git"])).toBeNull();
    expect(matchPrefixRule(["/bin/echo", "x"], ["echo"])).toBeNull();
    expect(matchPrefixRule(["echo", "a b"], ["echo 'a b'"])).toBe("echo 'a b'");
    expect(matchPrefixRule(["ls"], ["  ", " ls "])).toBe("ls");
  });
});

describe("shell policy: reference checks (spec 15 #60)", () => {
  test("denylist, allowlist with high risk, mode deny over allowlist, require_escalated over allowlist and mode allow", () => {
    expect(brief(argvCall(["git", "push", "--force"], { denylist: ["git push --force"] }))).toEqual(["deny", "git push --force"]);
    expect(argvCall(["git-receive-pack"], { denylist: ["git"] }).action).toBe("ask");
    const risky = evaluatePolicy({ tool: "shell_exec", category: "shell", safety: safety({ allowlist: ["git"] }), shell: { argv: ["git", "status"], risk: HIGH } });
    expect(brief(risky)).toEqual(["allow", "git"]);
    expect(brief(argvCall(["git", "status"], { allowlist: ["git"], mode: "deny" }))).toEqual(["deny", "mode=deny"]);
    const escalated = argvCall(["/bin/echo", "x"], { allowlist: ["/bin/echo"], mode: "allow" }, { sandboxPermissions: " Require_Escalated " });
    expect(brief(escalated)).toEqual(["ask", "sandbox"]);
  });

  test("applies the branches in order", () => {
    const deny = { denylist: ["rm"] };
    expect(brief(argvCall(["rm", "x"], { ...deny, mode: "allow" }, { sandboxPermissions: "require_escalated" }))).toEqual(["deny", "rm"]);
    expect(brief(argvCall(["ls"], { mode: "deny" }, { sandboxPermissions: "require_escalated" }))).toEqual(["deny", "mode=deny"]);
    expect(brief(argvCall(["ls"], { mode: "allow" }))).toEqual(["allow", "mode=allow"]);
    expect(brief(argvCall(["ls"], { allowlist: ["ls"], mode: "allow" }))).toEqual(["allow", "ls"]);
    expect(brief(evaluatePolicy({ tool: "shell_exec", category: "shell", safety: safety(), shell: { argv: ["x"], risk: HIGH } }))).toEqual(["ask", "risk=high"]);
    expect(brief(argvCall(["ls"]))).toEqual(["ask", "mode=ask"]);
  });
});

describe("shell policy: compound strings (decisions item 1)", () => {
  test("never auto-allows pytest && rm -rf / through the allowlist", () => {
    for (const command of ["pytest && rm -rf /", "pytest&&rm -rf /", "pytest; rm -rf /", "pytest | sh", "pytest $(rm -rf /)", "pytest `rm x`", "pytest\nrm x", "(pytest) & rm x"]) {
      const decision = stringCall(command, { allowlist: ["pytest"] });
      expect(decision.action).toBe("ask");
      expect(decision.matchedRule).toBe("allowlist=partial");
    }
  });

  test("allows a compound string only when every simple command is allowlisted", () => {
    expect(brief(stringCall("echo hi", { allowlist: ["echo"] }))).toEqual(["allow", "echo"]);
    expect(brief(stringCall("ls -la | grep x && echo done", { allowlist: ["ls", "grep", "echo"] }))).toEqual(["allow", "ls, grep, echo"]);
    expect(stringCall("ls 'x", { allowlist: ["ls"] }).action).toBe("ask");
  });

  test("denylist matches any simple command, also behind wrappers and prefixes", () => {
    for (const command of ["pytest && rm -rf /", "echo $(rm -rf /)", "FOO=1 rm -rf /", "if true; then rm -rf /; fi", "bash -lc 'rm -rf /'", "eval rm -rf /", "$'\\x72m' -rf /", "coproc rm -rf /"]) {
      expect(brief(stringCall(command, { denylist: ["rm -rf"], allowlist: ["pytest", "echo"], mode: "allow" }))).toEqual(["deny", "rm -rf"]);
    }
    expect(brief(argvCall(["sh", "-c", "ls; sudo reboot"], { denylist: ["sudo"] }))).toEqual(["deny", "sudo"]);
  });

  test("a redirection writing outside the workspace defeats the allowlist and asks", () => {
    expect(brief(stringCall("echo hi > /etc/passwd", { allowlist: ["echo"] }))).toEqual(["ask", "redirect"]);
    expect(brief(stringCall("echo hi >> ~/.bashrc", { allowlist: ["echo"] }))).toEqual(["ask", "redirect"]);
    expect(brief(stringCall("echo hi > ../x", { allowlist: ["echo"] }))).toEqual(["ask", "redirect"]);
    expect(brief(stringCall("echo hi > $OUT", { allowlist: ["echo"] }))).toEqual(["ask", "redirect"]);
    expect(brief(argvCall(["sh", "-c", "echo x > /etc/x"], { allowlist: ["sh"] }))).toEqual(["ask", "redirect"]);
    expect(brief(stringCall("echo hi > /etc/x", { allowlist: ["echo"], mode: "allow" }))).toEqual(["allow", "mode=allow"]);
  });

  test("redirections inside the workspace, to /dev/null or between descriptors keep the allowlist", () => {
    expect(stringCall("echo hi > out.txt 2>/dev/null", { allowlist: ["echo"] }).action).toBe("allow");
    expect(stringCall("echo hi > sub/out.txt 2>&1 < /etc/hosts", { allowlist: ["echo"] }, { shell: { argv: [], risk: LOW, commandText: "echo hi > sub/out.txt 2>&1 < /etc/hosts", cwd: "a" } }).action).toBe("allow");
    expect(stringCall("echo hi > /work/proj/x", { allowlist: ["echo"] }).action).toBe("allow");
    expect(stringCall("echo hi > x", { allowlist: ["echo"] }, { workspaceRoot: null }).action).toBe("ask");
  });
});

describe("file, custom, none, deny and unknown categories", () => {
  const file = (over: Partial<SafetyPolicyConfig>, sandboxPermissions?: unknown) =>
    brief(evaluatePolicy({ tool: "file_write", category: "file", safety: safety(over), sandboxPermissions }));

  test("file: require_escalated, then mode deny / allow / ask; lists are ignored", () => {
    expect(file({ mode: "deny" }, "require_escalated")).toEqual(["ask", "sandbox"]);
    expect(file({ mode: "deny" })).toEqual(["deny", "mode=deny"]);
    expect(file({ mode: "allow" })).toEqual(["allow", "mode=allow"]);
    expect(file({ allowlist: ["file_write"], tool_allowlist: ["file_write"] })).toEqual(["ask", "mode=ask"]);
  });

  const custom = (over: Partial<SafetyPolicyConfig>) => brief(evaluatePolicy({ tool: " my_tool ", category: "custom", safety: safety(over) }));

  test("custom (spec 15 #61): tool_denylist over mode allow, mode deny over tool_allowlist, tool_allowlist in ask", () => {
    expect(custom({ tool_denylist: ["my_tool"], mode: "allow" })).toEqual(["deny", "tool_denylist"]);
    expect(custom({ tool_allowlist: ["my_tool"], mode: "deny" })).toEqual(["deny", "mode=deny"]);
    expect(custom({ tool_allowlist: ["my_tool"] })).toEqual(["allow", "tool_allowlist"]);
    expect(custom({ mode: "allow" })).toEqual(["allow", "mode=allow"]);
    expect(custom({})).toEqual(["ask", "mode=ask"]);
  });

  test("none allows even in mode deny, but a custom tool with category none is gated", () => {
    expect(brief(evaluatePolicy({ tool: "file_read", category: "none", safety: safety({ mode: "deny" }) }))).toEqual(["allow", null]);
    expect(brief(evaluatePolicy({ tool: "t", category: "none", isCustomTool: true, safety: safety({ mode: "deny" }) }))).toEqual(["deny", "mode=deny"]);
  });

  test("deny category wins even in mode allow (spec 15 #62); unknown categories ask", () => {
    expect(brief(evaluatePolicy({ tool: "nope", category: "deny", safety: safety({ mode: "allow" }) }))).toEqual(["deny", "descriptor=deny"]);
    const unknown = evaluatePolicy({ tool: "x", category: "weird", safety: safety({ mode: "allow" }) });
    expect(unknown).toEqual({ action: "ask", reason: "Unknown policy category", matchedRule: null });
  });
});

test("normalizeSandboxPermissions trims, lower-cases and maps falsy values to null", () => {
  expect(normalizeSandboxPermissions(" REQUIRE_ESCALATED ")).toBe("require_escalated");
  expect(normalizeSandboxPermissions("")).toBeNull();
  expect(normalizeSandboxPermissions(undefined)).toBeNull();
  expect(normalizeSandboxPermissions(0)).toBeNull();
  expect(normalizeSandboxPermissions(true)).toBe("true");
});
