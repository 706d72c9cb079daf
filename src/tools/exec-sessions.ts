/**
 * PTY exec sessions as the tools see them (spec 8.1, 8.2): `exec_command` starts one,
 * `write_stdin` writes to it and reads what it printed. Two implementations share this interface:
 * the in-process manager of a run (src/tools/pty-sessions.ts) and the persistent one that talks to
 * the per-workspace runtime server (src/runtime/persistent-exec.ts), so session ids survive
 * across CLI invocations.
 *
 * Errors are `RuntimeError`s with a kind: an unknown or finished session is
 * `not_found` "session not found"; bad arguments are `validation`.
 */

export interface ExecSpawnRequest {
  /** The full command, already wrapped by the sandbox adapter when the call is restricted. */
  argv: string[];
  /** Host working directory (inside the workspace). */
  cwd: string;
  /** The complete environment of the command (nothing is inherited implicitly). */
  env: Record<string, string>;
}

export interface ExecSpawnResult {
  sessionId: number;
  createdAtMs: number;
  pid: number;
}

export interface ExecWriteRequest {
  sessionId: number;
  /** Written as UTF-8 (empty: only poll). Send "\r" for Enter: the PTY is in canonical mode. */
  chars: string;
  /** How long to collect output after writing (ms, >= 0). */
  yieldTimeMs: number;
  /** Only the last this-many bytes of the output are returned (0: none; `truncated` tells). */
  maxOutputBytes: number;
}

export interface ExecWriteResult {
  /** Output read during the yield window (the PTY merges stdout and stderr), UTF-8 with replacement. */
  stdout: string;
  stderr: string;
  /** Set once the process has exited; the session is then gone. */
  exitCode: number | null;
  running: boolean;
  truncated: boolean;
}

export interface ExecSessions {
  spawn(request: ExecSpawnRequest): Promise<ExecSpawnResult>;
  write(request: ExecWriteRequest): Promise<ExecWriteResult>;
  /** SIGTERM to the session's process group, then SIGKILL; unknown ids are a no-op. */
  close(sessionId: number): Promise<void>;
  closeAll(): Promise<void>;
  /** Which backend serves the sessions ("in_process" | "runtime_server"), for evidence in results. */
  readonly kind: string;
}

/** Spec 8.1: `max_output_tokens` -> bytes = tokens x 4 clamped to [1024, 262144]; absent -> 65536. */
export function maxOutputBytes(maxOutputTokens: number | null | undefined): number {
  if (maxOutputTokens == null) return 65_536;
  return Math.min(262_144, Math.max(1024, maxOutputTokens * 4));
}
