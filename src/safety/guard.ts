/**
 * Guard: command risk heuristics (spec 5.1) with the decisions.md item 2 fixes:
 * - commands are recognised by their exact basename (`add` is not `dd`, `asphalt` is not `halt`);
 * - `rm -rf` is high risk for `/`, system directories, the home directory, the workspace root and
 *   paths outside the workspace, not for every absolute path inside the workspace.
 * It also looks through `bash -lc` option clusters, compound wrapped strings (`bash -c "ls; sudo x"`)
 * and transparent prefixes (`nohup`, `exec`, `env A=1`). Reason texts are the reference's where it
 * has one (they are part of sanitized requests, hence of approval keys), English otherwise.
 * Only the level matters for policy.
 */
import { z } from "zod";
import { isInside, isSystemPath, normalizeAbsolute, resolveShellPath, type PathContext } from "./paths.ts";
import { commandBasename, normalizeSimpleCommand, unwrapShellCommand } from "./shell-parse.ts";
import { splitShellCommands } from "./shell-split.ts";
import { ShlexError, shlexSplit } from "./shlex.ts";

export const RiskLevel = z.enum(["low", "medium", "high"]);
export type RiskLevel = z.infer<typeof RiskLevel>;

export const CommandRisk = z.object({ risk_level: RiskLevel, reason: z.string() });
export type CommandRisk = z.infer<typeof CommandRisk>;

const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };
const LOW: CommandRisk = { risk_level: "low", reason: "未命中高危模式（Phase 2 最小规则）" };
const DANGEROUS = new Set(["mkfs", "dd", "shutdown", "reboot", "halt", "poweroff"]);
const PRIVILEGE = new Set(["doas", "su", "pkexec"]);
const MAX_NESTING = 8;

/** The higher of two risks (the first one on a tie). */
export function maxRisk(a: CommandRisk, b: CommandRisk): CommandRisk {
  return RANK[b.risk_level] > RANK[a.risk_level] ? b : a;
}

/** Risk of `rm` with recursive + force flags, or null when its targets are harmless. */
function rmRisk(args: readonly string[], ctx: PathContext): CommandRisk | null {
  let recursive = false;
  let force = false;
  let optionsEnded = false;
  const targets: string[] = [];
  for (const token of args) {
    if (!optionsEnded && token === "--") optionsEnded = true;
    else if (!optionsEnded && token.startsWith("--")) {
      if (token === "--recursive" || token === "--dir") recursive = true;
      if (token === "--force") force = true;
    } else if (!optionsEnded && token.startsWith("-") && token.length > 1) {
      if (token.includes("r") || token.includes("R")) recursive = true;
      if (token.includes("f")) force = true;
    } else targets.push(token);
  }
  if (!recursive || !force) return null;
  const workspace = normalizeAbsolute(ctx.workspaceRoot);
  const home = ctx.homeDir === null ? null : normalizeAbsolute(ctx.homeDir);
  for (const raw of targets) {
    const target = raw.trim();
    const path = resolveShellPath(target, ctx);
    if (path === null) return { risk_level: "high", reason: `rm -rf target cannot be resolved before running: ${target}` };
    if (path === "/") return { risk_level: "high", reason: "检测到 rm -rf 可能删除根目录" };
    if (path !== workspace && isInside(path, workspace)) continue;
    if (path === workspace) return { risk_level: "high", reason: "rm -rf targets the whole workspace" };
    if (path === home || target === "~" || target.startsWith("~/")) {
      return { risk_level: "high", reason: "检测到 rm -rf 可能删除 home 目录" };
    }
    if (isSystemPath(path)) return { risk_level: "high", reason: `rm -rf targets a system directory: ${path}` };
    return { risk_level: "high", reason: `rm -rf targets a path outside the workspace: ${path}` };
  }
  return null;
}

/** Heuristics on one program invocation (no unwrapping). */
function evaluateSimple(argv: readonly string[], ctx: PathContext): CommandRisk {
  const cmd0 = argv[0] ?? "";
  const base = commandBasename(cmd0);
  if (base === "sudo") return { risk_level: "high", reason: "检测到 sudo" };
  if (PRIVILEGE.has(base)) return { risk_level: "high", reason: `privilege escalation command: ${base}` };
  if (base === "rm") {
    const risk = rmRisk(argv.slice(1), ctx);
    if (risk) return risk;
  }
  if (DANGEROUS.has(base) || base.startsWith("mkfs.")) return { risk_level: "high", reason: `检测到高危命令：${cmd0}` };
  if (base === "systemctl" && argv.slice(1).some((t) => ["halt", "poweroff", "reboot"].includes(t.trim().toLowerCase()))) {
    return { risk_level: "high", reason: "检测到高危命令：systemctl" };
  }
  if (base === "chmod" || base === "chown" || base === "chgrp") {
    return { risk_level: "medium", reason: `检测到权限变更命令：${base}` };
  }
  return LOW;
}

/** Risk of everything a shell string would run (the highest of its simple commands). */
export function evaluateShellStringRisk(text: string, ctx: PathContext): CommandRisk {
  return shellStringRisk(text, ctx, 0);
}

function shellStringRisk(text: string, ctx: PathContext, nesting: number): CommandRisk {
  const split = splitShellCommands(text);
  const candidates = [...split.commands];
  if (!split.ok) {
    // As the reference: fall back to a plain split, or to the whole string as one token.
    try {
      candidates.push(shlexSplit(text));
    } catch (error) {
      if (!(error instanceof ShlexError)) throw error;
      candidates.push([text]);
    }
  }
  let risk = LOW;
  for (const argv of candidates) if (argv.length > 0) risk = maxRisk(risk, evaluateNested(argv, ctx, nesting + 1));
  return risk;
}

function evaluateNested(argv: readonly string[], ctx: PathContext, nesting: number): CommandRisk {
  if (argv.length === 0) return { risk_level: "medium", reason: "空 argv（无法评估）" };
  if (nesting > MAX_NESTING) return { risk_level: "high", reason: "command is nested too deeply to evaluate" };
  const wrapped = unwrapShellCommand(argv);
  if (wrapped !== null) return shellStringRisk(wrapped.trim(), ctx, nesting);
  const risk = evaluateSimple(argv, ctx);
  const normalized = normalizeSimpleCommand(argv);
  if (normalized.length === argv.length || normalized.length === 0) return risk;
  return maxRisk(risk, evaluateNested(normalized, ctx, nesting + 1));
}

/**
 * `evaluate_command_risk(argv)` (spec 5.1, fixed per decisions.md item 2). `ctx` locates the
 * workspace, the home directory and the command's working directory for `rm -rf` targets.
 */
export function evaluateCommandRisk(argv: readonly string[], ctx: PathContext): CommandRisk {
  return evaluateNested(argv, ctx, 0);
}
