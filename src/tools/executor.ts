/**
 * The command executor of the shell tools (spec 4.3 "Executor"), on top of `runProcess`.
 *
 * It validates the request (argv non-empty, cwd an existing directory, timeout >= 1), runs the
 * command in its own process group, and turns what happened into data: `timeout` and `cancelled`
 * after SIGTERM -> 200 ms -> SIGKILL of the whole group, `not_found` when the binary is missing,
 * `exit_code` for a non-zero exit. Output keeps the tail of each stream (64 KiB), then a combined
 * cap (128 KiB) drops from the head of stdout first, then stderr; whenever anything was dropped
 * each non-empty stream starts with `...<truncated>\n`.
 */
import { statSync } from "node:fs";
import { constants } from "node:os";
import { runProcess, type SpawnResult } from "../sandbox/spawn.ts";
import type { ToolContext } from "./registry.ts";

export const TRUNCATION_MARKER = "...<truncated>\n";
export const DEFAULT_TIMEOUT_MS = 60_000;

export interface CommandRequest {
  argv: readonly string[];
  cwd: string;
  /** The complete environment of the child (see `commandEnv`). */
  env: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ExecutorLimits {
  maxStdoutBytes: number;
  maxStderrBytes: number;
  maxCombinedBytes: number;
  /** Delay between SIGTERM and SIGKILL. */
  killGraceMs: number;
}

export const DEFAULT_LIMITS: ExecutorLimits = {
  maxStdoutBytes: 64 * 1024,
  maxStderrBytes: 64 * 1024,
  maxCombinedBytes: 128 * 1024,
  killGraceMs: 200,
};

export type CommandErrorKind = "validation" | "not_found" | "timeout" | "cancelled" | "exit_code" | "unknown";

export interface CommandResult {
  ok: boolean;
  /** Null when the command did not start, timed out or was cancelled; -N when signal N killed it (as Python reports). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  truncated: boolean;
  errorKind: CommandErrorKind | null;
}

/** The child's environment: the run's base env, overlaid with the run env store, then the call's own env. */
export function commandEnv(ctx: ToolContext, callEnv?: Readonly<Record<string, string>> | null): Record<string, string> {
  return { ...(ctx.services?.baseEnv ?? {}), ...ctx.env, ...(callEnv ?? {}) };
}

function failed(errorKind: CommandErrorKind, stderr: string, durationMs = 0): CommandResult {
  return { ok: false, exitCode: null, stdout: "", stderr, durationMs, timedOut: false, truncated: false, errorKind };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Drop UTF-8 continuation bytes at the start of a cut stream, so decoding does not begin with U+FFFD. */
function fromCharBoundary(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < 3 && start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start += 1;
  return bytes.subarray(start);
}

interface Streams {
  stdout: Uint8Array;
  stderr: Uint8Array;
}

/** Apply the combined cap: keep tails, dropping from the head of stdout first, then of stderr. */
export function capCombined(streams: Streams, max: number): Streams & { stdoutCut: boolean; stderrCut: boolean } {
  const { stdout, stderr } = streams;
  let drop = stdout.length + stderr.length - max;
  if (max <= 0 || drop <= 0) return { stdout, stderr, stdoutCut: false, stderrCut: false };
  const fromStdout = Math.min(drop, stdout.length);
  drop -= fromStdout;
  const fromStderr = Math.min(drop, stderr.length);
  return { stdout: stdout.subarray(fromStdout), stderr: stderr.subarray(fromStderr), stdoutCut: fromStdout > 0, stderrCut: fromStderr > 0 };
}

/** The tail of `bytes` within `limit`, and whether it was cut. */
function tail(bytes: Uint8Array, limit: number, cut: boolean): { bytes: Uint8Array; cut: boolean } {
  return bytes.length > limit ? { bytes: bytes.subarray(bytes.length - limit), cut: true } : { bytes, cut };
}

function decodeOutput(raw: SpawnResult["raw"], limits: ExecutorLimits): { stdout: string; stderr: string; truncated: boolean } {
  const out = tail(raw.stdout, limits.maxStdoutBytes, raw.stdoutCut);
  const err = tail(raw.stderr, limits.maxStderrBytes, raw.stderrCut);
  const capped = capCombined({ stdout: out.bytes, stderr: err.bytes }, limits.maxCombinedBytes);
  const stdoutCut = out.cut || capped.stdoutCut;
  const stderrCut = err.cut || capped.stderrCut;
  const truncated = stdoutCut || stderrCut;
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  let stdout = decoder.decode(stdoutCut ? fromCharBoundary(capped.stdout) : capped.stdout);
  let stderr = decoder.decode(stderrCut ? fromCharBoundary(capped.stderr) : capped.stderr);
  if (truncated) {
    if (stdout) stdout = TRUNCATION_MARKER + stdout;
    if (stderr) stderr = TRUNCATION_MARKER + stderr;
  }
  return { stdout, stderr, truncated };
}

/** Run one command to completion. Never throws: every outcome is a `CommandResult`. */
export async function runCommand(request: CommandRequest, limits: ExecutorLimits = DEFAULT_LIMITS): Promise<CommandResult> {
  const { argv, cwd } = request;
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (argv.length === 0 || argv[0] === "") return failed("validation", "Cannot run command: argv is empty");
  if (!isDirectory(cwd)) return failed("validation", `Cannot run "${argv[0]}" in "${cwd}": the working directory does not exist or is not a directory`);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) return failed("validation", `Cannot run "${argv[0]}": timeout_ms must be an integer >= 1, got ${timeoutMs}`);
  if (request.signal?.aborted) return failed("cancelled", "cancelled by user");

  const started = performance.now();
  let spawned: SpawnResult;
  try {
    spawned = await runProcess(argv, {
      cwd,
      env: request.env,
      timeoutMs,
      killGraceMs: limits.killGraceMs,
      signal: request.signal,
      maxStreamBytes: Math.max(limits.maxStdoutBytes, limits.maxStderrBytes),
    });
  } catch (error) {
    const durationMs = Math.round(performance.now() - started);
    const code = (error as { code?: unknown })?.code;
    const detail = error instanceof Error ? error.message : String(error);
    if (code === "ENOENT") return failed("not_found", `Cannot run "${argv[0]}": executable not found (${detail})`, durationMs);
    return failed("unknown", `Cannot run "${argv[0]}": ${detail}`, durationMs);
  }
  // runProcess keeps one tail size for both streams; decodeOutput trims each to its own limit.
  const output = decodeOutput(spawned.raw, limits);
  const base = { ...output, durationMs: spawned.durationMs, timedOut: spawned.timedOut };
  if (spawned.cancelled) return { ...base, ok: false, exitCode: null, timedOut: false, errorKind: "cancelled" };
  if (spawned.timedOut) return { ...base, ok: false, exitCode: null, errorKind: "timeout" };
  const exitCode = spawned.signal ? -(constants.signals[spawned.signal as NodeJS.Signals] ?? 0) || null : spawned.exitCode;
  const ok = exitCode === 0;
  return { ...base, ok, exitCode, errorKind: ok ? null : "exit_code" };
}
