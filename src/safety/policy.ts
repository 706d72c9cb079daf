/**
 * Policy: a pure decision allow | ask | deny for one tool call (spec 5.3), with the
 * decisions.md item 1 fix for shell strings: a compound string matches the allowlist only when
 * EVERY simple command in it does and no redirection writes outside the workspace; the denylist
 * matches ANY simple command (also inside `sh -c` / `eval` wrappers). `safety.mode: allow` keeps
 * its reference meaning (allow what is not denied or escalated).
 *
 * Shell order: denylist → mode=deny → require_escalated → allowlist → mode=allow →
 * redirect outside the workspace → partially allowlisted → risk=high → mode=ask.
 */
import { z } from "zod";
import type { RuntimeConfig } from "../config/schema.ts";
import type { CommandRisk } from "./guard.ts";
import { isHarmlessWriteTarget, isInside, normalizeAbsolute, resolveShellPath } from "./paths.ts";
import { pyStr, pyTruthy } from "./python-compat.ts";
import { expandInvocations } from "./shell-parse.ts";
import { splitShellCommands, type ShellRedirection } from "./shell-split.ts";
import { shlexJoin } from "./shlex.ts";

export const PolicyAction = z.enum(["allow", "ask", "deny"]);
export type PolicyAction = z.infer<typeof PolicyAction>;

export const PolicyCategory = z.enum(["none", "custom", "file", "shell", "deny"]);
export type PolicyCategory = z.infer<typeof PolicyCategory>;

export interface PolicyDecision {
  action: PolicyAction;
  reason: string;
  /** The rule that decided (`mode=ask`, `sandbox`, an allowlist prefix, ...), or null. */
  matchedRule: string | null;
}

export type SafetyPolicyConfig = Pick<RuntimeConfig["safety"], "mode" | "allowlist" | "denylist" | "tool_allowlist" | "tool_denylist">;

/** What the policy needs to know about a shell-category call (from its descriptor). */
export interface ShellFacts {
  /** The argv (shell_exec), or the reference intent argv of a shell string. */
  argv: readonly string[];
  risk: CommandRisk;
  /** The shell string for `shell_command` / `exec_command`; null for argv tools. */
  commandText?: string | null;
  /** The command's working directory (absolute, or relative to the workspace root). */
  cwd?: string | null;
}

export interface PolicyInput {
  tool: string;
  /** The descriptor category; any other string is "unknown" (ask). */
  category: string;
  /** A registered non-builtin tool: category `none` becomes `custom`. */
  isCustomTool?: boolean;
  safety: SafetyPolicyConfig;
  /** The raw `sandbox_permissions` argument of the call. */
  sandboxPermissions?: unknown;
  shell?: ShellFacts | null;
  /** Absolute workspace root and home, for redirection targets; without a root every write target counts as outside. */
  workspaceRoot?: string | null;
  homeDir?: string | null;
}

const decide = (action: PolicyAction, reason: string, matchedRule: string | null): PolicyDecision => ({ action, reason, matchedRule });
const MODE_DENY = decide("deny", "Tool is denied by safety.mode=deny.", "mode=deny");
const MODE_ALLOW = decide("allow", "Allowed by safety.mode=allow.", "mode=allow");
const MODE_ASK = decide("ask", "Approval required by safety.mode=ask.", "mode=ask");
const ESCALATED = decide("ask", "Tool requires escalated sandbox permissions.", "sandbox");

/** `sandbox_permissions` as the gate reads it: `str(value or "").strip().lower()` or null. */
export function normalizeSandboxPermissions(value: unknown): string | null {
  const text = pyTruthy(value) ? pyStr(value).trim().toLowerCase() : "";
  return text === "" ? null : text;
}

function normalizeMode(mode: unknown): string {
  return (pyTruthy(mode) ? pyStr(mode) : "ask").trim().toLowerCase();
}

/**
 * The reference's `_matches_prefixes`: a rule with a space matches the shell-quoted command line
 * exactly or as a word prefix; a one-word rule matches `argv[0]` exactly. Returns the rule.
 */
export function matchPrefixRule(argv: readonly string[], rules: readonly string[]): string | null {
  const full = shlexJoin(argv);
  const cmd0 = argv[0] ?? "";
  for (const raw of rules) {
    const rule = String(raw ?? "").trim();
    if (rule === "") continue;
    if (rule.includes(" ")) {
      if (full === rule || full.startsWith(`${rule} `)) return rule;
    } else if (cmd0 === rule) return rule;
  }
  return null;
}

function writesOutside(redirections: readonly ShellRedirection[], input: PolicyInput, cwd: string | null): string | null {
  for (const r of redirections) {
    if (!r.isWrite) continue;
    if (!input.workspaceRoot) return r.target;
    const root = normalizeAbsolute(input.workspaceRoot);
    const path = resolveShellPath(r.target, { workspaceRoot: root, homeDir: input.homeDir ?? null, cwd });
    if (path === null || (!isInside(path, root) && !isHarmlessWriteTarget(path))) return r.target;
  }
  return null;
}

function evaluateShell(input: PolicyInput, shell: ShellFacts, mode: string, permissions: string | null): PolicyDecision {
  const { safety } = input;
  const isString = typeof shell.commandText === "string";
  const split = isString ? splitShellCommands(shell.commandText as string) : null;
  const simple: string[][] = split ? split.commands : [[...shell.argv]];
  const redirections: ShellRedirection[] = split ? [...split.redirections] : [];
  let parsedOk = split ? split.ok : true;

  const denyCandidates: string[][] = [[...shell.argv]];
  for (const command of simple) {
    const inv = expandInvocations(command);
    denyCandidates.push(...inv.argvs);
    redirections.push(...inv.redirections);
    parsedOk &&= inv.ok;
  }
  for (const argv of denyCandidates) {
    const rule = matchPrefixRule(argv, safety.denylist);
    if (rule !== null) return decide("deny", "Command is denied by safety.denylist.", rule);
  }
  if (mode === "deny") return MODE_DENY;
  if (permissions === "require_escalated") return ESCALATED;

  const outside = writesOutside(redirections, input, shell.cwd ?? null);
  const matched = simple.map((argv) => matchPrefixRule(argv, safety.allowlist));
  const allMatched = simple.length > 0 && matched.every((rule) => rule !== null);
  if (allMatched && outside === null && (!isString || parsedOk)) {
    const rules = [...new Set(matched as string[])];
    return decide("allow", "Command is allowed by safety.allowlist.", rules.join(", "));
  }
  if (mode === "allow") return MODE_ALLOW;
  if (outside !== null) return decide("ask", `Command redirects output outside the workspace: ${outside}`, "redirect");
  if (matched.some((rule) => rule !== null)) {
    const index = matched.findIndex((rule) => rule === null);
    const detail = index >= 0 ? shlexJoin(simple[index] as string[]) : (split?.error ?? "unparsed shell syntax");
    return decide("ask", `Not every command of the shell string is allowlisted: ${detail}`, "allowlist=partial");
  }
  if (shell.risk.risk_level === "high") return decide("ask", "High-risk command requires approval.", "risk=high");
  return MODE_ASK;
}

function evaluateCustom(tool: string, safety: SafetyPolicyConfig, mode: string): PolicyDecision {
  const name = tool.trim();
  const names = (list: readonly string[]) => new Set(list.map((x) => String(x ?? "").trim()).filter((x) => x !== ""));
  if (name !== "" && names(safety.tool_denylist).has(name)) {
    return decide("deny", "Tool is denied by safety.tool_denylist.", "tool_denylist");
  }
  if (mode === "deny") return MODE_DENY;
  if (mode === "allow") return MODE_ALLOW;
  if (name !== "" && names(safety.tool_allowlist).has(name)) {
    return decide("allow", "Tool is allowed by safety.tool_allowlist.", "tool_allowlist");
  }
  return MODE_ASK;
}

/** The policy decision for one tool call (spec 5.3 + decisions.md item 1). Pure. */
export function evaluatePolicy(input: PolicyInput): PolicyDecision {
  let category = input.category.trim().toLowerCase() || "none";
  if (category === "none" && input.isCustomTool) category = "custom";
  const mode = normalizeMode(input.safety.mode);
  const permissions = normalizeSandboxPermissions(input.sandboxPermissions);
  switch (category) {
    case "none":
      return decide("allow", "No safety gate required", null);
    case "deny":
      return decide("deny", "Tool is denied because safety descriptor lookup failed (fail-closed).", "descriptor=deny");
    case "shell":
      return evaluateShell(input, input.shell ?? { argv: [], risk: { risk_level: "low", reason: "" } }, mode, permissions);
    case "file":
      if (permissions === "require_escalated") return ESCALATED;
      if (mode === "deny") return MODE_DENY;
      return mode === "allow" ? MODE_ALLOW : MODE_ASK;
    case "custom":
      return evaluateCustom(input.tool, input.safety, mode);
    default:
      return decide("ask", "Unknown policy category", null);
  }
}
