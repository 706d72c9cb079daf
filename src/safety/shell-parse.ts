/**
 * Shell-string intent (spec 5.2) and helpers that look through shell wrappers.
 *
 * `parseShellishCommandToArgv` is the reference's parser, kept byte-for-byte because its output is
 * part of the sanitized request (`intent`) and therefore of the approval key. It is NOT what the
 * policy trusts for compound strings: see `splitShellCommands` (shell-split.ts).
 */
import { z } from "zod";
import { ShlexError, shlexSplit } from "./shlex.ts";
import { splitShellCommands, type ShellRedirection } from "./shell-split.ts";

export const ShellIntent = z.object({
  argv: z.array(z.string()),
  is_complex: z.boolean(),
  reason: z.string(),
});
export type ShellIntent = z.infer<typeof ShellIntent>;

const CONTROL_TOKENS = new Set(["&&", "||", ";", "|", "|&", "&"]);

/** The reference's `parse_shellish_command_to_argv(command)` (spec 5.2). */
export function parseShellishCommandToArgv(command: string): ShellIntent {
  if (command.trim() === "") return { argv: [], is_complex: true, reason: "empty command" };
  if (command.includes("\n") || command.includes("`") || command.includes("$(")) {
    return { argv: [], is_complex: true, reason: "shell metacharacters detected" };
  }
  let argv: string[];
  try {
    argv = shlexSplit(command);
  } catch (error) {
    if (error instanceof ShlexError) return { argv: [], is_complex: true, reason: "shlex split failed" };
    throw error;
  }
  if (argv.length === 0) return { argv: [], is_complex: true, reason: "empty argv after parse" };
  for (const token of argv) {
    if (CONTROL_TOKENS.has(token)) return { argv, is_complex: true, reason: `control token detected: ${token}` };
    if (token.startsWith(">") || token.startsWith("<")) return { argv, is_complex: true, reason: "redirection token detected" };
  }
  return { argv, is_complex: false, reason: "parsed" };
}

/** `PurePosixPath(cmd).name or cmd`: the last path component, trailing slashes ignored. */
export function commandBasename(command: string): string {
  const trimmed = command.replace(/\/+$/, "");
  const name = trimmed.slice(trimmed.lastIndexOf("/") + 1);
  return name === "" ? command : name;
}

const SHELLS = new Set(["sh", "bash", "zsh", "fish", "dash", "ksh"]);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*\+?=/;

/** Drops `env` and its leading `NAME=VALUE` operands (as the reference's guard does). */
function dropEnvPrefix(argv: readonly string[]): string[] {
  if (argv.length === 0 || commandBasename(argv[0] as string) !== "env") return [...argv];
  let i = 1;
  while (i < argv.length && (argv[i] as string).includes("=") && !(argv[i] as string).startsWith("-")) i += 1;
  return argv.slice(i);
}

/**
 * The command string of a shell wrapper (`sh -c STR`, `bash -lc STR`, `env A=1 zsh -c STR`,
 * `eval ARGS...`), or null. Short option clusters containing `c` count (the reference only knew a
 * bare `-c`).
 */
export function unwrapShellCommand(argv: readonly string[]): string | null {
  const inner = dropEnvPrefix(argv);
  if (inner[0] === "eval") {
    const text = inner.slice(1).join(" ");
    return text.trim() === "" ? null : text;
  }
  if (inner.length === 0 || !SHELLS.has(commandBasename(inner[0] as string))) return null;
  let sawC = false;
  for (let i = 1; i < inner.length; i += 1) {
    const token = inner[i] as string;
    if (token === "--") {
      if (!sawC) return null;
      const text = inner[i + 1];
      return text === undefined || text.trim() === "" ? null : text;
    }
    if (/^[-+][A-Za-z]+$/.test(token)) {
      if (token.startsWith("-") && token.includes("c")) sawC = true;
      continue;
    }
    if (token.startsWith("-")) continue; // long options such as --norc
    if (!sawC) return null;
    return token.trim() === "" ? null : token;
  }
  return null;
}

const TRANSPARENT = new Set([
  "!", "{", "}", "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "time",
  "exec", "command", "builtin", "nohup", "coproc",
]);

/**
 * A simple command without what does not name the program: leading `NAME=VALUE` assignments,
 * reserved words (`then`, `do`, `!`, `{`, ...), transparent prefixes (`exec`, `command`, `nohup`)
 * and `env NAME=VALUE`. Used for denylist and risk checks, never for allowlist matches.
 */
export function normalizeSimpleCommand(argv: readonly string[]): string[] {
  let out = [...argv];
  for (;;) {
    const first = out[0];
    if (first === undefined) return out;
    if (ASSIGNMENT.test(first) || TRANSPARENT.has(first)) out = out.slice(1);
    else if (commandBasename(first) === "env" && out.length > 1) {
      const rest = dropEnvPrefix(out);
      if (rest.length === out.length) return out;
      out = rest;
    } else return out;
  }
}

/** What an argv may run: see `expandInvocations`. */
export interface Invocations {
  /** The argv itself, its normalized form and every simple command of wrapped shell strings. */
  argvs: string[][];
  /** Redirections performed inside wrapped shell strings. */
  redirections: ShellRedirection[];
  /** False when a wrapped string could not be parsed completely. */
  ok: boolean;
}

/**
 * Every program invocation an argv may lead to: the argv itself, its normalized form and, for a
 * shell wrapper (`bash -lc STR`), recursively every simple command of the wrapped string.
 */
export function expandInvocations(argv: readonly string[], depth = 0): Invocations {
  const out: Invocations = { argvs: [[...argv]], redirections: [], ok: true };
  const normalized = normalizeSimpleCommand(argv);
  if (normalized.length !== argv.length) out.argvs.push(normalized);
  const wrapped = unwrapShellCommand(normalized);
  if (wrapped === null) return out;
  if (depth >= 8) return { ...out, ok: false };
  const split = splitShellCommands(wrapped);
  out.ok = split.ok;
  out.redirections.push(...split.redirections);
  for (const command of split.commands) {
    const inner = expandInvocations(command, depth + 1);
    out.argvs.push(...inner.argvs);
    out.redirections.push(...inner.redirections);
    out.ok &&= inner.ok;
  }
  return out;
}
