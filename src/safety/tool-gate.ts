/**
 * The safety gate for one tool call (the reference's `SafetyGate.evaluate`): descriptor →
 * sanitized request → policy decision. Pure; the approval flow for `ask` is `ApprovalGate`.
 */
import { approvalSummary } from "./approvals.ts";
import { getToolDescriptor, type ToolKind, type ToolSafetyDescriptor } from "./descriptors.ts";
import { evaluatePolicy, type PolicyDecision, type SafetyPolicyConfig } from "./policy.ts";
import { isPlainObject } from "./python-compat.ts";
import type { SanitizeContext } from "./sanitize.ts";

export interface ToolGateOptions extends SanitizeContext {
  kind: ToolKind;
  safety: SafetyPolicyConfig;
  /**
   * Deterministic replay: the sanitized request recorded for this call. It is what the event and
   * the approval key carry (sanitizing is lossy, so it cannot be recomputed from recorded args);
   * the policy still decides from the arguments.
   */
  recordedRequest?: Record<string, unknown>;
  /** A custom tool's own descriptor (declared at registration); replaces the by-name policy. */
  descriptor?: ToolSafetyDescriptor;
}

export interface ToolGateDecision extends PolicyDecision {
  /** The descriptor category the decision was made under. */
  category: string;
  /** The sanitized request: approval details and `tool_call_requested.arguments`. */
  request: Record<string, unknown>;
  /** The approval summary (`授权：<tool> 执行命令：<cmd>`). */
  summary: string;
}

/** Sanitized arguments for events (`tool_call_requested`, `llm_response_delta`). */
export function sanitizeToolArguments(tool: string, args: unknown, options: Omit<ToolGateOptions, "safety">): Record<string, unknown> {
  return (options.descriptor ?? getToolDescriptor(tool, options.kind)).sanitize(isPlainObject(args) ? args : {}, options).request;
}

export function evaluateToolCall(tool: string, args: unknown, options: ToolGateOptions): ToolGateDecision {
  const callArgs = isPlainObject(args) ? args : {};
  const descriptor = options.descriptor ?? getToolDescriptor(tool, options.kind);
  const sanitized = descriptor.sanitize(callArgs, options);
  const request = options.recordedRequest ?? sanitized.request;
  const shell = sanitized.shell;
  const decision = evaluatePolicy({
    tool,
    category: descriptor.category,
    isCustomTool: options.kind === "custom" && options.descriptor === undefined,
    safety: options.safety,
    sandboxPermissions: callArgs.sandbox_permissions,
    shell,
    workspaceRoot: options.workspaceRoot,
    homeDir: options.homeDir,
  });
  return { ...decision, category: descriptor.category, request, summary: approvalSummary(tool, request) };
}
