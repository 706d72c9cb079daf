/**
 * Approvals (spec 5.4 / 5.5): the request a provider sees, the provider interface, a provider
 * wrapping a function, and the rule-based provider for unattended runs (fail closed).
 */
import { z } from "zod";
import { ApprovalDecision, ApprovalReason } from "../events/payloads/tool.ts";
import { isPlainObject, pyStr, pyTruthy } from "./python-compat.ts";

export { ApprovalDecision, ApprovalReason };

export const ApprovalRequest = z.object({
  approval_key: z.string(),
  tool: z.string(),
  /** One line for a human: `授权：<tool> 执行命令：<cmd>`. */
  summary: z.string(),
  /** The sanitized request (spec 5.6), the same object the key was computed from. */
  details: z.record(z.string(), z.unknown()),
});
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;

export interface ApprovalRequestOptions {
  /** How long the caller waits; the gate also enforces it. */
  timeoutMs: number;
  /** Aborted when the run is cancelled or the wait timed out. */
  signal?: AbortSignal;
}

export interface ApprovalProvider {
  requestApproval(request: ApprovalRequest, opts: ApprovalRequestOptions): Promise<ApprovalDecision>;
}

/**
 * The gate's summary (spec 5.4), byte-identical to the reference: `argv` joined by spaces when it
 * is a non-empty list, else `command`, else `cmd`, else `<unknown>`.
 */
export function approvalSummary(tool: string, request: unknown): string {
  const req = isPlainObject(request) ? request : {};
  const argv = req.argv;
  let cmd: string;
  if (Array.isArray(argv) && argv.length > 0) cmd = argv.map(pyStr).join(" ");
  else cmd = pyStr(pyTruthy(req.command) ? req.command : pyTruthy(req.cmd) ? req.cmd : "<unknown>");
  return `授权：${tool} 执行命令：${cmd}`;
}

export type ApprovalCallback = (
  request: ApprovalRequest,
  opts: ApprovalRequestOptions,
) => ApprovalDecision | Promise<ApprovalDecision>;

/** A provider backed by one function (a UI hub, a test, a CLI prompt). */
export class CallbackApprovalProvider implements ApprovalProvider {
  constructor(private readonly callback: ApprovalCallback) {}

  async requestApproval(request: ApprovalRequest, opts: ApprovalRequestOptions): Promise<ApprovalDecision> {
    return this.callback(request, opts);
  }
}

export interface ApprovalRule {
  /** Exact tool name (both sides trimmed). */
  tool: string;
  /** Optional predicate; truthy means the rule applies; throwing (or rejecting) means it does not. */
  condition?: (request: ApprovalRequest) => unknown;
  /** Decision when the rule applies; default `denied`. */
  decision?: ApprovalDecision;
}

export interface RuleBasedApprovalOptions {
  rules: readonly ApprovalRule[];
  /** Decision when no rule applies; default `denied` (fail closed). */
  default?: ApprovalDecision;
}

/** Programmatic approvals for unattended runs (spec 5.5): first applicable rule wins. */
export class RuleBasedApprovalProvider implements ApprovalProvider {
  private readonly rules: readonly Required<Pick<ApprovalRule, "tool" | "decision">>[];
  private readonly conditions: readonly ApprovalRule["condition"][];
  private readonly fallback: ApprovalDecision;

  constructor(options: RuleBasedApprovalOptions) {
    this.rules = options.rules.map((rule) => ({ tool: rule.tool.trim(), decision: ApprovalDecision.parse(rule.decision ?? "denied") }));
    this.conditions = options.rules.map((rule) => rule.condition);
    this.fallback = ApprovalDecision.parse(options.default ?? "denied");
  }

  /** The timeout is ignored: rules answer immediately. */
  async requestApproval(request: ApprovalRequest): Promise<ApprovalDecision> {
    const tool = request.tool.trim();
    for (const [index, rule] of this.rules.entries()) {
      if (rule.tool !== tool) continue;
      const condition = this.conditions[index];
      if (!condition) return rule.decision;
      try {
        if (await condition(request)) return rule.decision;
      } catch {
        // Fail closed: a condition that throws does not match.
      }
    }
    return this.fallback;
  }
}
