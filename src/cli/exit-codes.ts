/**
 * The one place that maps outcomes to process exit codes.
 * `skills`, `tools` and `runs metrics` keep the reference's codes (spec 10.5).
 */
import type { ErrorKind } from "../util/errors.ts";

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  config: 3,
  // `run` outcomes
  runFailed: 1,
  runCancelled: 130,
  runWaitingHuman: 4,
  runBudgetExceeded: 5,
  runApprovalDenied: 6,
  // `skills`
  preflightErrors: 10,
  scanErrors: 11,
  warningsOnly: 12,
} as const;

/** Exit code of a `tools` subcommand from the tool result's error_kind (spec 10.5). */
export function toolExitCode(errorKind: string | null | undefined): number {
  switch (errorKind) {
    case null:
    case undefined:
      return 0;
    case "validation":
      return 20;
    case "permission":
      return 21;
    case "not_found":
      return 22;
    case "sandbox_denied":
      return 24;
    case "timeout":
      return 25;
    case "human_required":
      return 26;
    case "cancelled":
      return 27;
    default:
      return 23;
  }
}

/** Exit code for an error that escaped a command. */
export function errorExitCode(kind: ErrorKind): number {
  if (kind === "usage") return EXIT.usage;
  if (kind === "config_error") return EXIT.config;
  return EXIT.failure;
}
