/**
 * Skill issues and errors (spec 10.3).
 *
 * A `SkillIssue` is data: `{code, message, details}` as in the reference's FrameworkIssue. Scan and
 * preflight return issues and never throw for a bad skill. A `SkillError` is the thrown form (a
 * resolution failure, a fatal duplicate, a body that cannot be read, a tool-path refusal); it
 * carries the same code and details, a run-level `kind` (spec 10.1; decisions.md item 3) and the
 * tool-level kind the skill tools report (spec 7.11/7.12).
 *
 * Issues are errors unless `details.level === "warning"`. Messages are English.
 */
import { z } from "zod";
import { RuntimeError, type ErrorKind } from "../util/errors.ts";

export const SkillIssue = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
});
export type SkillIssue = z.infer<typeof SkillIssue>;

/** Tool-level error kinds used by the skill tools (a subset of spec 10.2). */
export type SkillToolErrorKind = "validation" | "permission" | "not_found";

const NOT_FOUND = new Set(["SKILL_UNKNOWN", "SKILL_ACTION_NOT_FOUND", "SKILL_BUNDLE_NOT_FOUND", "SKILL_REF_NOT_FOUND"]);
const PERMISSION = new Set([
  "SKILL_ACTIONS_DISABLED",
  "SKILL_REFERENCES_DISABLED",
  "SKILL_BUNDLE_TOO_LARGE",
  "SKILL_ACTION_ARGV_PATH_ESCAPE",
  "SKILL_REF_PATH_ESCAPE",
  "SKILL_REF_PATH_INVALID",
]);

/** The tool error_kind of a framework code (spec 7.11 step 4, 7.12); anything else is `validation`. */
export function toolErrorKindOf(code: string): SkillToolErrorKind {
  if (NOT_FOUND.has(code)) return "not_found";
  if (PERMISSION.has(code)) return "permission";
  return "validation";
}

/** The run-level error_kind of a framework code (decisions.md item 3; everything else is config_error). */
export function runErrorKindOf(code: string): ErrorKind {
  if (code === "SKILL_UNKNOWN") return "skill_unknown";
  if (code === "SKILL_SPACE_NOT_CONFIGURED") return "skill_space_not_configured";
  return "config_error";
}

export interface SkillErrorOptions {
  details?: Record<string, unknown>;
  cause?: unknown;
  /** Overrides the tool-level kind derived from the code (e.g. SKILL_REF_PATH_INVALID for bad arguments). */
  toolKind?: SkillToolErrorKind;
}

export class SkillError extends RuntimeError {
  override readonly code: string;
  readonly toolKind: SkillToolErrorKind;

  constructor(code: string, message: string, options: SkillErrorOptions = {}) {
    super(runErrorKindOf(code), message, { code, details: options.details ?? {}, cause: options.cause });
    this.name = "SkillError";
    this.code = code;
    this.toolKind = options.toolKind ?? toolErrorKindOf(code);
  }

  /** The issue form, as stored in a scan report. */
  toIssue(): SkillIssue {
    return { code: this.code, message: this.message, details: this.details };
  }

  static fromIssue(issue: SkillIssue): SkillError {
    return new SkillError(issue.code, issue.message, { details: { ...issue.details } });
  }
}

export function isSkillError(value: unknown): value is SkillError {
  return value instanceof SkillError;
}

export function skillIssue(code: string, message: string, details: Record<string, unknown> = {}): SkillIssue {
  return { code, message, details };
}

export function isWarning(issue: SkillIssue): boolean {
  return issue.details.level === "warning";
}
