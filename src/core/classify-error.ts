/** Map an error that escaped the loop to `run_failed` fields (spec 10.1). */
import { isLlmError } from "../llm/errors.ts";
import { isRuntimeError } from "../util/errors.ts";
import type { Terminal } from "./terminal.ts";

export function classifyRunError(error: unknown): Extract<Terminal, { kind: "failed" }> {
  if (isLlmError(error)) {
    return {
      kind: "failed",
      errorKind: error.kind === "cancelled" ? "llm_error" : error.kind,
      message: error.message,
      retryable: error.retryable,
      ...(error.retryAfterMs !== undefined && error.retryAfterMs !== null ? { retryAfterMs: error.retryAfterMs } : {}),
      details: { ...error.details },
    };
  }
  if (isRuntimeError(error)) {
    const kind = error.kind === "usage" || error.kind === "validation" ? "config_error" : error.kind;
    return {
      kind: "failed",
      errorKind: kind,
      message: error.message,
      retryable: false,
      ...(Object.keys(error.details).length || error.code
        ? { details: { ...(error.code ? { framework_code: error.code } : {}), ...error.details } }
        : {}),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    kind: "failed",
    errorKind: "unknown",
    message,
    retryable: false,
    details: { exception_class: error instanceof Error ? error.constructor.name : typeof error },
  };
}
