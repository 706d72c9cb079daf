/**
 * The OS sandbox seen from the tools: an adapter wraps a command so it runs inside the fence
 * (bubblewrap on Linux, seatbelt on macOS). Policy (whether a call is `restricted`) is decided
 * elsewhere; the adapter only applies it. `prepare` throws `RuntimeError("sandbox_denied")` when it
 * cannot, and callers never fall back to running the command unsandboxed.
 */
export interface SandboxPrepareOptions {
  cwd: string;
  env: Record<string, string>;
  workspaceRoot: string;
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
