import { describe, expect, test } from "bun:test";
import { approvalSummary, CallbackApprovalProvider, RuleBasedApprovalProvider, type ApprovalRequest } from "./approvals.ts";

const request = (tool: string, details: Record<string, unknown> = {}): ApprovalRequest => ({ approval_key: "k", tool, summary: "s", details });

describe("approvalSummary (byte-identical to the reference gate)", () => {
  test("uses argv, then command, then cmd, then <unknown>", () => {
    expect(approvalSummary("shell_exec", { argv: ["echo", "hi"] })).toBe("授权：shell_exec 执行命令：echo hi");
    expect(approvalSummary("shell_command", { command: "ls -la", argv: [] })).toBe("授权：shell_command 执行命令：ls -la");
    expect(approvalSummary("shell_command", { command: "", cmd: "pwd" })).toBe("授权：shell_command 执行命令：pwd");
    expect(approvalSummary("file_write", { path: "a" })).toBe("授权：file_write 执行命令：<unknown>");
    expect(approvalSummary("t", { argv: [1, true, null, "x"] })).toBe("授权：t 执行命令：1 True None x");
    expect(approvalSummary("t", { command: ["a", "it's"] })).toBe(`授权：t 执行命令：['a', "it's"]`);
  });
});

describe("CallbackApprovalProvider", () => {
  test("passes the request and options through", async () => {
    const seen: unknown[] = [];
    const provider = new CallbackApprovalProvider((req, opts) => {
      seen.push(req.tool, opts.timeoutMs);
      return "approved";
    });
    expect(await provider.requestApproval(request("file_write"), { timeoutMs: 5 })).toBe("approved");
    expect(seen).toEqual(["file_write", 5]);
  });
});

describe("RuleBasedApprovalProvider (spec 15 #66)", () => {
  test("denies when no rule matches (fail closed)", async () => {
    expect(await new RuleBasedApprovalProvider({ rules: [] }).requestApproval(request("file_write"))).toBe("denied");
  });

  test("applies the first rule whose tool matches exactly and whose condition holds", async () => {
    const provider = new RuleBasedApprovalProvider({
      rules: [
        { tool: "file_write", condition: (r) => r.details.path === "other", decision: "abort" },
        { tool: " file_write ", condition: () => true, decision: "approved" },
        { tool: "shell_exec", decision: "approved_for_session" },
      ],
    });
    expect(await provider.requestApproval(request(" file_write"))).toBe("approved");
    expect(await provider.requestApproval(request("shell_exec"))).toBe("approved_for_session");
    expect(await provider.requestApproval(request("shell_exec2"))).toBe("denied");
  });

  test("treats a throwing or rejecting condition as no match", async () => {
    const provider = new RuleBasedApprovalProvider({
      rules: [
        { tool: "file_write", condition: () => { throw new Error("bad"); }, decision: "approved" },
        { tool: "file_write", condition: () => Promise.reject(new Error("bad")), decision: "approved" },
      ],
    });
    expect(await provider.requestApproval(request("file_write"))).toBe("denied");
  });

  test("uses the configured default and rejects invalid decisions at construction", async () => {
    expect(await new RuleBasedApprovalProvider({ rules: [], default: "approved" }).requestApproval(request("x"))).toBe("approved");
    expect(() => new RuleBasedApprovalProvider({ rules: [{ tool: "x", decision: "yes" as never }] })).toThrow();
  });
});
