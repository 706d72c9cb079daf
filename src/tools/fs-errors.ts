/**
 * Operating-system errors of file tools as tool error kinds and readable reasons.
 */
import { RuntimeError, isRuntimeError } from "../util/errors.ts";

export type FsErrorKind = "not_found" | "permission" | "unknown";

interface ErrnoLike {
  code?: unknown;
  syscall?: unknown;
  message?: unknown;
}

export function errnoCode(error: unknown): string | null {
  const code = (error as ErrnoLike | null)?.code;
  return typeof code === "string" ? code : null;
}

/**
 * ENOENT/ENOTDIR -> not_found; EACCES/EPERM/EROFS -> permission; ELOOP -> permission (a file
 * tool opens the last component with O_NOFOLLOW, so ELOOP means it became a symlink after the
 * workspace check); anything else -> unknown.
 */
export function fsErrorKind(error: unknown): FsErrorKind {
  switch (errnoCode(error)) {
    case "ENOENT":
    case "ENOTDIR":
      return "not_found";
    case "EACCES":
    case "EPERM":
    case "EROFS":
    case "ELOOP":
      return "permission";
    default:
      return "unknown";
  }
}

/** `no such file or directory (ENOENT)` from a Node/Bun system error; the message otherwise. */
export function osReason(error: unknown): string {
  const { code, syscall, message } = (error ?? {}) as ErrnoLike;
  const text = typeof message === "string" ? message : String(error);
  if (typeof code !== "string") return text;
  let reason = text.startsWith(`${code}: `) ? text.slice(code.length + 2) : text;
  if (typeof syscall === "string") {
    const at = reason.lastIndexOf(`, ${syscall}`);
    if (at > 0) reason = reason.slice(0, at);
  }
  return `${reason} (${code})`;
}

/**
 * A RuntimeError for a failed file operation: `Cannot <action> "<path>": <reason>`. RuntimeErrors
 * (e.g. from the workspace check) pass through unchanged.
 */
export function fsError(error: unknown, action: string, path: string, details: Record<string, unknown> = {}): RuntimeError {
  if (isRuntimeError(error)) return error;
  return new RuntimeError(fsErrorKind(error), `Cannot ${action} "${path}": ${osReason(error)}`, { details, cause: error });
}
