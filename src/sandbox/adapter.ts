/**
 * The OS sandbox seen from the tools: an adapter wraps a command so it runs inside the fence
 * (bubblewrap on Linux, seatbelt on macOS). Policy (whether a call is `restricted`) is decided
 * elsewhere; the adapter only applies it. `prepare` throws `RuntimeError("sandbox_denied")` when it
 * cannot, and callers never fall back to running the command unsandboxed.
 */
export interface SandboxPrepareOptions {
  /** Host working directory (already inside the workspace). */
  cwd: string;
  /** The environment the command would get unsandboxed (base env + run env store + call env). */
  env: Record<string, string>;
  workspaceRoot: string;
  /**
   * The variables given explicitly for this command (the run's env store, then the call's `env`).
   * They pass the sandbox's env allowlist; everything else in `env` is dropped unless allowlisted.
   */
  overlayEnv?: Readonly<Record<string, string>>;
  /**
   * Host directories outside the workspace the command may read but never write (a skill's bundle
   * root). Each appears at its own host path, so absolute paths into it keep working. A path that
   * does not exist, or is `/`, is refused with `sandbox_denied`.
   */
  readOnlyPaths?: readonly string[];
}

export interface PreparedCommand {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface SandboxAdapter {
  /** The evidence name reported in `data.sandbox.adapter`. */
  readonly name: string;
  prepare(argv: readonly string[], options: SandboxPrepareOptions): PreparedCommand;
}

/** Why no adapter is usable, for the `sandbox_denied` result of a restricted call. */
export interface SandboxUnavailable {
  reason: string;
  fix: string | null;
}
