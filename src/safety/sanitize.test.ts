import { describe, expect, test } from "bun:test";
import { computeApprovalKey } from "./approval-key.ts";
import {
  applyPatchFilePaths,
  sanitizeApplyPatch,
  sanitizeExecCommand,
  sanitizeFileWrite,
  sanitizeGenericArgs,
  sanitizeShell,
  sanitizeShellCommand,
  sanitizeShellExec,
  sanitizeSkillExec,
  sanitizeUnknownTool,
  sanitizeWriteStdin,
  type SanitizeContext,
} from "./sanitize.ts";

const ctx: SanitizeContext = { workspaceRoot: "/work/proj", homeDir: "/home/u" };
const LOW = { risk_level: "low", reason: "未命中高危模式（Phase 2 最小规则）" } as const;
const SECRET = "sk-very-secret-value";
const EMPTY_SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

describe("shell family", () => {
  test("shell_exec: env becomes env_keys, no secret anywhere, key equals the reference's", () => {
    const args = { argv: ["echo", "hi"], env: { OPENAI_API_KEY: SECRET }, timeout_ms: 1000, justification: "  why " };
    const { request, shell } = sanitizeShellExec(args, ctx);
    expect(request).toEqual({
      argv: ["echo", "hi"], cwd: null, timeout_ms: 1000, tty: false, env_keys: ["OPENAI_API_KEY"],
      sandbox: null, sandbox_permissions: null, risk: LOW, justification: "why",
    });
    expect(JSON.stringify(request)).not.toContain(SECRET);
    // Recorded from the reference (CPython 3.11).
    expect(computeApprovalKey("shell_exec", request)).toBe("4fa01295a942d51bf5b8c73446b7f7f4c650f50719e96626614bd430ce0b1885");
    expect(shell).toEqual({ argv: ["echo", "hi"], risk: LOW, commandText: null, cwd: null });
  });

  test("shell_exec: invalid argv becomes [] and key order matches the reference", () => {
    const { request } = sanitizeShellExec({ argv: ["ok", 1], tty: [], sandbox: "  ", env: ["x"] }, ctx);
    expect(request.argv).toEqual([]);
    expect(request.tty).toBe(false);
    expect(request.sandbox).toBeNull();
    expect(request.env_keys).toEqual([]);
    expect(Object.keys(request)).toEqual(["argv", "cwd", "timeout_ms", "tty", "env_keys", "sandbox", "sandbox_permissions", "risk"]);
  });

  test("shell: argv from command, cwd from workdir; rm -rf inside the workspace is low", () => {
    const { request } = sanitizeShell({ command: ["rm", "-rf", "build"], workdir: "sub", env: { B: "1", A: "2" } }, ctx);
    expect(request).toMatchObject({ argv: ["rm", "-rf", "build"], cwd: "sub", env_keys: ["A", "B"], risk: { risk_level: "low" } });
  });

  test("shell_command: trimmed command, reference intent, key equals the reference's", () => {
    const { request, shell } = sanitizeShellCommand({ command: "  echo hi \n", workdir: "sub", sandbox: " restricted " }, ctx);
    expect(request).toEqual({
      command: "echo hi", workdir: "sub", timeout_ms: null, env_keys: [], sandbox: "restricted", sandbox_permissions: null,
      intent: { argv: ["echo", "hi"], is_complex: false, reason: "parsed" }, risk: LOW,
    });
    expect(computeApprovalKey("shell_command", request)).toBe("ca262b751f7329eca4a434ae12e579e69f8e348f718a8dc0bee660cab0176a12");
    expect(shell).toMatchObject({ commandText: "echo hi", cwd: "sub" });
  });

  test("shell_command: complex strings are high risk with the parse reason; glued operators too", () => {
    expect(sanitizeShellCommand({ command: "pytest && rm -rf /" }, ctx).request.risk).toEqual({ risk_level: "high", reason: "control token detected: &&" });
    const glued = sanitizeShellCommand({ command: "pytest&&rm -rf /" }, ctx).request;
    expect(glued.intent).toEqual({ argv: ["pytest&&rm", "-rf", "/"], is_complex: false, reason: "parsed" });
    expect(glued.risk).toEqual({ risk_level: "high", reason: "shell control syntax detected" });
    expect(sanitizeShellCommand({ command: 42 }, ctx).request.command).toBe("");
  });

  test("exec_command: cmd, tty true by default, no env_keys", () => {
    const { request } = sanitizeExecCommand({ cmd: "ls", yield_time_ms: 50 }, ctx);
    expect(request).toMatchObject({ cmd: "ls", tty: true, yield_time_ms: 50, max_output_tokens: null });
    expect(request).not.toHaveProperty("env_keys");
    expect(sanitizeExecCommand({ cmd: "ls", tty: false }, ctx).request.tty).toBe(false);
  });
});

describe("file-like tools never show content", () => {
  test("file_write: path, create_dirs (alias mkdirs), bytes, sha; no content", () => {
    const { request } = sanitizeFileWrite({ path: "报告.md", content: "hi 报告", mkdirs: false, justification: " " });
    expect(request).toEqual({
      path: "报告.md", create_dirs: false, sandbox_permissions: null, bytes: 9,
      content_sha256: "d0c9fb41a0eb5ceb5e6ad1daa3173f7c7b04c7e32dd35340f4af5234972fae9f",
    });
    expect(sanitizeFileWrite({ path: "x" }).request).toMatchObject({ create_dirs: true, bytes: null, content_sha256: null });
  });

  test("apply_patch: target paths in order, no input", () => {
    const input = "*** Begin Patch\r\n*** Add File: a.txt\n+x\n  *** Update File: b.txt  \n*** Move to: c.txt\n*** Delete File: d.txt\n*** End Patch\n";
    expect(applyPatchFilePaths(input)).toEqual(["a.txt", "b.txt", "c.txt", "d.txt"]);
    const { request } = sanitizeApplyPatch({ input });
    expect(Object.keys(request)).toEqual(["file_paths", "bytes", "content_sha256"]);
    expect(JSON.stringify(request)).not.toContain("+x");
  });

  test("write_stdin: chars hashed, poll detection", () => {
    const { request } = sanitizeWriteStdin({ session_id: 3, chars: "" });
    expect(request).toEqual({ session_id: 3, yield_time_ms: null, max_output_tokens: null, bytes: 0, chars_sha256: EMPTY_SHA, is_poll: true });
    expect(sanitizeWriteStdin({ session_id: 3 }).request).toMatchObject({ bytes: null, chars_sha256: null, is_poll: true });
    const typed = sanitizeWriteStdin({ session_id: 3, chars: SECRET }).request;
    expect(typed.is_poll).toBe(false);
    expect(JSON.stringify(typed)).not.toContain(SECRET);
  });
});

describe("generic and unknown", () => {
  test("custom args: secrets redacted, env objects become env_keys at any depth (spec 15 #64)", () => {
    const out = sanitizeGenericArgs({ token: SECRET, env: { K: SECRET, A: "x" }, nested: { list: [`a ${SECRET} b`], env: "keep" }, n: 1 }, [` ${SECRET} `, "abc"]);
    expect(out).toEqual({ token: "<redacted>", env_keys: ["A", "K"], nested: { list: ["a <redacted> b"], env: "keep" }, n: 1 });
  });

  test("unknown tools show only the lookup failure", () => {
    expect(sanitizeUnknownTool().request).toEqual({ error: "Descriptor lookup failed; denying tool execution." });
  });
});

describe("skill_exec", () => {
  test("without a resolver: nothing resolved, action fingerprint equals the reference's", () => {
    const { request } = sanitizeSkillExec({ skill_mention: " $[web].x ", action_id: "run" }, ctx);
    expect(request).toEqual({
      skill_mention: "$[web].x", action_id: "run", bundle_root: null, bundle_sha256: null, argv: [], timeout_ms: null,
      env_keys: [], resolve_error: null, risk: LOW,
      action_sha256: "4aeae2d9f619354c4290b27820619189469239f307996c1d64121ad4a8576199",
    });
  });

  test("with a resolver: argv, risk and fingerprint follow the action; resolver errors are captured", () => {
    const resolveSkillAction = () => ({
      bundle_root: "/b", bundle_sha256: "abc", argv: ["python", "/b/actions/run.py"], timeout_ms: 5000, env_keys: ["A", "B"], resolve_error: null,
    });
    const { request, shell } = sanitizeSkillExec({ skill_mention: "$[web].x", action_id: "run" }, { ...ctx, resolveSkillAction });
    expect(request.action_sha256).toBe("03da385e521438477ebf0329ec48a6b76170cb84b109302699c9507b15ce02d6");
    expect(shell?.argv).toEqual(["python", "/b/actions/run.py"]);
    const failing = sanitizeSkillExec({ skill_mention: "$[web].x", action_id: "run" }, { ...ctx, resolveSkillAction: () => { throw new Error("boom"); } });
    expect(failing.request.resolve_error).toBe("boom");
  });
});
