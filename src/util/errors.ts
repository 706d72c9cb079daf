/**
 * The one error model of skills-runtime.
 *
 * Every error carries a `kind` from the spec's taxonomy (run-level error_kind, tool error_kind,
 * framework codes). What a user or a model should see is data; `toJSON()` gives that data.
 * Exit codes and HTTP statuses are mapped from `kind` in one place each (cli/exit-codes.ts,
 * server/errors.ts), never decided where the error is thrown.
 */

export type ErrorKind =
  // run level (spec 10.1)
  | "config_error"
  | "llm_error"
  | "auth_error"
  | "rate_limited"
  | "server_error"
  | "http_error"
  | "missing_env_var"
  | "context_length_exceeded"
  | "budget_exceeded"
  | "approval_denied"
  | "terminated"
  | "cancelled"
  | "human_required"
  | "skill_unknown"
  | "skill_space_not_configured"
  // tool level (spec 10.2)
  | "validation"
  | "permission"
  | "not_found"
  | "sandbox_denied"
  | "timeout"
  | "exit_code"
  | "usage"
  | "unknown";

export interface RuntimeErrorOptions {
  /** A framework / CLI issue code such as `CLI_OVERLAY_NOT_FOUND` or `SKILL_UNKNOWN`. */
  code?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class RuntimeError extends Error {
  readonly kind: ErrorKind;
  readonly code: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(kind: ErrorKind, message: string, options: RuntimeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RuntimeError";
    this.kind = kind;
    this.code = options.code;
    this.details = options.details ?? {};
  }

  toJSON(): { kind: ErrorKind; code?: string; message: string; details: Record<string, unknown> } {
    return {
      kind: this.kind,
      ...(this.code ? { code: this.code } : {}),
      message: this.message,
      details: this.details,
    };
  }
}

/** A configuration problem: bad YAML, unknown key, bad value, missing file. */
export class ConfigError extends RuntimeError {
  constructor(message: string, options: RuntimeErrorOptions = {}) {
    super("config_error", message, options);
    this.name = "ConfigError";
  }
}

/** A command-line usage problem (unknown flag, missing argument). Exit code 2. */
export class UsageError extends RuntimeError {
  constructor(message: string, options: RuntimeErrorOptions = {}) {
    super("usage", message, { code: "CLI_COMMAND_INVALID", ...options });
    this.name = "UsageError";
  }
}

export function isRuntimeError(value: unknown): value is RuntimeError {
  return value instanceof RuntimeError;
}

/** A short, single-line description of any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
