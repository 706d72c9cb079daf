/**
 * Failure results of the skill tools (spec 7.11/7.12): `ok: false`, the tool-level `error_kind`
 * (permission / validation / not_found), stderr = the message, and the framework issue as
 * `data.error = {code, message, details}` so the model and the Studio can branch on the code.
 */
import type { ToolResultPayload } from "../events/tool-result.ts";
import { isSkillError, type SkillToolErrorKind } from "../skills/issues.ts";
import { errorResult } from "./registry.ts";

export function frameworkErrorResult(kind: SkillToolErrorKind, code: string, message: string, details: Record<string, unknown> = {}): ToolResultPayload {
  return errorResult(kind, message, { error: { code, message, details: { ...details } } });
}

/** A SkillError as a tool result; anything else is rethrown (the registry reports it as `unknown`). */
export function skillErrorResult(error: unknown, overrides: { code?: string; kind?: SkillToolErrorKind } = {}): ToolResultPayload {
  if (!isSkillError(error)) throw error;
  return frameworkErrorResult(overrides.kind ?? error.toolKind, overrides.code ?? error.code, error.message, error.details);
}

/** The result of a skill tool called in a run without skills configured (no `services.skills`). */
export function noSkillsResult(tool: string): ToolResultPayload {
  return frameworkErrorResult(
    "validation",
    "SKILL_RUNTIME_UNAVAILABLE",
    `Cannot run ${tool}: no skills are configured for this run (add skills.spaces and skills.sources to the config)`,
  );
}

/** Keys of `args` a strict schema does not know, sorted (the reference's `unknown_fields`). */
export function unknownFields(args: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(args)
    .filter((key) => !known.includes(key))
    .sort();
}
