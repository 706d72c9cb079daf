/**
 * Sanitized requests (spec 5.6): what approvals, `tool_call_requested.arguments` and
 * `llm_response_delta` tool-call arguments show instead of the raw arguments. Field names, order
 * and values follow the reference so approval keys match; content, chars and env values never
 * appear. Sanitizers run on the raw model arguments (before validation) and never throw.
 */
import { canonicalJson, sha256Hex } from "../util/canonical-json.ts";
import { REDACTED } from "../util/redact.ts";
import { evaluateCommandRisk, type CommandRisk } from "./guard.ts";
import type { ShellFacts } from "./policy.ts";
import { isPlainObject, pySorted, pySplitlines, pyStrip, pyTruthy } from "./python-compat.ts";
import { parseShellishCommandToArgv } from "./shell-parse.ts";
import { splitShellCommands } from "./shell-split.ts";

export type ToolArgs = Record<string, unknown>;

/** What a skill action resolves to (spec 7.11); produced by the skills layer. */
export interface SkillActionIntent {
  bundle_root: string | null;
  bundle_sha256: string | null;
  argv: string[];
  timeout_ms: number | null;
  env_keys: string[];
  resolve_error: string | null;
}

export interface SanitizeContext {
  /** Absolute workspace root and home directory (for `rm -rf` risk). */
  workspaceRoot: string;
  homeDir: string | null;
  /** Secret values to hide in generic (custom / non-descriptor) arguments. */
  secrets?: readonly string[];
  /** Resolves `skill_exec` actions; without it the request says nothing was resolved. */
  resolveSkillAction?: (skillMention: string, actionId: string) => SkillActionIntent;
}

export interface SanitizedCall {
  request: Record<string, unknown>;
  /** Policy facts for shell-category tools, else null. */
  shell: ShellFacts | null;
}

export const DESCRIPTOR_LOOKUP_FAILED = "Descriptor lookup failed; denying tool execution.";

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
const orNull = (v: unknown): unknown => (v === undefined ? null : v);

function optionalText(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const stripped = pyStrip(value);
  return stripped === "" ? null : stripped;
}

function envKeys(args: ToolArgs): string[] {
  return isPlainObject(args.env) ? pySorted(Object.keys(args.env)) : [];
}

function textDigest(text: unknown): [number | null, string | null] {
  if (typeof text !== "string") return [null, null];
  return [new TextEncoder().encode(text).length, sha256Hex(text)];
}

function withJustification(req: Record<string, unknown>, args: ToolArgs): Record<string, unknown> {
  const justification = optionalText(args.justification);
  if (justification !== null) req.justification = justification;
  return req;
}

const riskField = (risk: CommandRisk) => ({ risk_level: risk.risk_level, reason: risk.reason });
const cwdOf = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);

/** `shell_exec` (argv in `argv`, cwd in `cwd`) and `shell` (argv in `command`, cwd in `workdir`). */
function sanitizeArgvTool(args: ToolArgs, ctx: SanitizeContext, argvField: "argv" | "command", cwdField: "cwd" | "workdir"): SanitizedCall {
  const argv = isStringArray(args[argvField]) ? [...(args[argvField] as string[])] : [];
  const cwd = cwdOf(args[cwdField]);
  const risk = evaluateCommandRisk(argv.length > 0 ? argv : [""], { workspaceRoot: ctx.workspaceRoot, homeDir: ctx.homeDir, cwd });
  const request = withJustification(
    {
      argv,
      cwd: orNull(args[cwdField]),
      timeout_ms: orNull(args.timeout_ms),
      tty: pyTruthy(args.tty),
      env_keys: envKeys(args),
      sandbox: optionalText(args.sandbox),
      sandbox_permissions: optionalText(args.sandbox_permissions),
      risk: riskField(risk),
    },
    args,
  );
  return { request, shell: { argv, risk, commandText: null, cwd } };
}

export const sanitizeShellExec = (args: ToolArgs, ctx: SanitizeContext) => sanitizeArgvTool(args, ctx, "argv", "cwd");
export const sanitizeShell = (args: ToolArgs, ctx: SanitizeContext) => sanitizeArgvTool(args, ctx, "command", "workdir");

/** Intent and risk of a shell string: the reference's, plus "high" for glued operators it misses. */
function shellStringFacts(raw: unknown, cwd: string | null, ctx: SanitizeContext) {
  const text = typeof raw === "string" ? pyStrip(raw) : "";
  const intent = parseShellishCommandToArgv(text);
  let risk: CommandRisk;
  if (intent.is_complex) risk = { risk_level: "high", reason: intent.reason };
  else {
    const split = splitShellCommands(text);
    const compound = !split.ok || split.commands.length !== 1 || split.redirections.length > 0 || split.hasSubstitution;
    risk = compound
      ? { risk_level: "high", reason: "shell control syntax detected" }
      : evaluateCommandRisk(intent.argv.length > 0 ? intent.argv : [""], { workspaceRoot: ctx.workspaceRoot, homeDir: ctx.homeDir, cwd });
  }
  const shell: ShellFacts = { argv: intent.argv, risk, commandText: text, cwd };
  return { text, intent, risk, shell };
}

export function sanitizeShellCommand(args: ToolArgs, ctx: SanitizeContext): SanitizedCall {
  const facts = shellStringFacts(args.command, cwdOf(args.workdir), ctx);
  const request = withJustification(
    {
      command: facts.text,
      workdir: orNull(args.workdir),
      timeout_ms: orNull(args.timeout_ms),
      env_keys: envKeys(args),
      sandbox: optionalText(args.sandbox),
      sandbox_permissions: optionalText(args.sandbox_permissions),
      intent: facts.intent,
      risk: riskField(facts.risk),
    },
    args,
  );
  return { request, shell: facts.shell };
}

export function sanitizeExecCommand(args: ToolArgs, ctx: SanitizeContext): SanitizedCall {
  const facts = shellStringFacts(args.cmd, cwdOf(args.workdir), ctx);
  const request = withJustification(
    {
      cmd: facts.text,
      workdir: orNull(args.workdir),
      yield_time_ms: orNull(args.yield_time_ms),
      max_output_tokens: orNull(args.max_output_tokens),
      tty: args.tty === undefined || args.tty === null ? true : pyTruthy(args.tty),
      sandbox: optionalText(args.sandbox),
      sandbox_permissions: optionalText(args.sandbox_permissions),
      intent: facts.intent,
      risk: riskField(facts.risk),
    },
    args,
  );
  return { request, shell: facts.shell };
}

export function sanitizeFileWrite(args: ToolArgs): SanitizedCall {
  const raw = args.create_dirs ?? args.mkdirs;
  const [bytes, sha] = textDigest(args.content);
  const request = withJustification(
    {
      path: orNull(args.path),
      create_dirs: raw === undefined || raw === null ? true : pyTruthy(raw),
      sandbox_permissions: optionalText(args.sandbox_permissions),
      bytes,
      content_sha256: sha,
    },
    args,
  );
  return { request, shell: null };
}

const PATCH_HEADERS = ["*** Add File: ", "*** Update File: ", "*** Delete File: ", "*** Move to: "];

/** Target paths of Add/Update/Delete/Move lines, in order. */
export function applyPatchFilePaths(input: unknown): string[] {
  if (typeof input !== "string") return [];
  const out: string[] = [];
  for (const line of pySplitlines(input)) {
    const s = pyStrip(line);
    for (const header of PATCH_HEADERS) if (s.startsWith(header)) out.push(pyStrip(s.slice(header.length)));
  }
  return out;
}

export function sanitizeApplyPatch(args: ToolArgs): SanitizedCall {
  const [bytes, sha] = textDigest(args.input);
  return { request: { file_paths: applyPatchFilePaths(args.input), bytes, content_sha256: sha }, shell: null };
}

export function sanitizeWriteStdin(args: ToolArgs): SanitizedCall {
  const [bytes, sha] = textDigest(args.chars);
  const request = {
    session_id: orNull(args.session_id),
    yield_time_ms: orNull(args.yield_time_ms),
    max_output_tokens: orNull(args.max_output_tokens),
    bytes,
    chars_sha256: sha,
    is_poll: args.chars === undefined || args.chars === null || args.chars === "",
  };
  return { request, shell: null };
}

export function sanitizeSkillExec(args: ToolArgs, ctx: SanitizeContext): SanitizedCall {
  const mention = typeof args.skill_mention === "string" ? pyStrip(args.skill_mention) : "";
  const actionId = typeof args.action_id === "string" ? pyStrip(args.action_id) : "";
  let intent: SkillActionIntent = { bundle_root: null, bundle_sha256: null, argv: [], timeout_ms: null, env_keys: [], resolve_error: null };
  if (ctx.resolveSkillAction && mention !== "" && actionId !== "") {
    try {
      intent = ctx.resolveSkillAction(mention, actionId);
    } catch (error) {
      intent = { ...intent, resolve_error: error instanceof Error ? error.message : String(error) };
    }
  }
  const argv = isStringArray(intent.argv) ? [...intent.argv] : [];
  const risk = evaluateCommandRisk(argv.length > 0 ? argv : [""], { workspaceRoot: ctx.workspaceRoot, homeDir: ctx.homeDir });
  const request: Record<string, unknown> = {
    skill_mention: mention,
    action_id: actionId,
    bundle_root: intent.bundle_root,
    bundle_sha256: intent.bundle_sha256,
    argv,
    timeout_ms: intent.timeout_ms,
    env_keys: intent.env_keys,
    resolve_error: intent.resolve_error,
    risk: riskField(risk),
  };
  const fingerprint = { ...request };
  delete fingerprint.resolve_error;
  delete fingerprint.risk;
  request.action_sha256 = sha256Hex(canonicalJson(fingerprint, { separators: "python" }));
  return { request, shell: { argv, risk, commandText: null, cwd: null } };
}

/** Custom tools and descriptor-less builtins: `env` objects become `env_keys`, secrets `<redacted>`. */
export function sanitizeGenericArgs(args: ToolArgs, secrets: readonly string[] = []): Record<string, unknown> {
  const values = secrets.map((s) => pyStrip(s)).filter((s) => s.length >= 4);
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return values.reduce((text, secret) => text.split(secret).join(REDACTED), value);
    if (Array.isArray(value)) return value.map(walk);
    if (!isPlainObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === "env" && isPlainObject(item)) out.env_keys = pySorted(Object.keys(item));
      else out[key] = walk(item);
    }
    return out;
  };
  return walk(args) as Record<string, unknown>;
}

export function sanitizeGeneric(args: ToolArgs, ctx: SanitizeContext): SanitizedCall {
  return { request: sanitizeGenericArgs(args, ctx.secrets ?? []), shell: null };
}

export function sanitizeUnknownTool(): SanitizedCall {
  return { request: { error: DESCRIPTOR_LOOKUP_FAILED }, shell: null };
}
