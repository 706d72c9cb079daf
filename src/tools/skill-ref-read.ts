/**
 * `skill_ref_read` (spec 4.3 #19, 7.12): read a file under a skill's `references/` (or `assets/`
 * when `skills.references.allow_assets`, never for Redis bundles) and return its text, cut to
 * `max_bytes` (default `skills.references.default_max_bytes`) with `\n<truncated>` appended and
 * `truncated: true` when longer. Invalid UTF-8 is replaced.
 *
 * Order of checks (each failure is a framework error in `data.error`, see skill-errors.ts):
 * no skills manager -> validation `SKILL_RUNTIME_UNAVAILABLE`; `skills.references.enabled` false ->
 * permission `SKILL_REFERENCES_DISABLED`; unknown argument keys, non-string arguments, a
 * `max_bytes` that is not an integer >= 1 -> validation `SKILL_REF_PATH_INVALID`; then the strict
 * mention, its resolution and the path checks of the skills layer (src/skills/references.ts:
 * a bad `ref_path` is permission `SKILL_REF_PATH_INVALID`, `..` / symlinks out of the allowed
 * folder are permission `SKILL_REF_PATH_ESCAPE`, a missing file is not_found `SKILL_REF_NOT_FOUND`).
 */
import { z } from "zod";
import type { ToolResultPayload } from "../events/tool-result.ts";
import description from "./skill-ref-read.md" with { type: "text" };
import { okResult, type ToolContext, type ToolDefinition } from "./registry.ts";
import { frameworkErrorResult, noSkillsResult, skillErrorResult, unknownFields } from "./skill-errors.ts";

export const SkillRefReadArgs = z.strictObject({
  skill_mention: z.string().describe("The skill, as one full mention and nothing else: $[namespace].skill_name"),
  ref_path: z.string().describe('A file of the skill, relative to its folder, under references/ (e.g. "references/api.md")'),
  max_bytes: z.number().int().min(1).nullish().describe("Read at most this many bytes (default: skills.references.default_max_bytes)"),
});
export type SkillRefReadArgs = z.infer<typeof SkillRefReadArgs>;

const KNOWN = Object.keys(SkillRefReadArgs.shape);

/** Run a `skill_ref_read` call; `raw` are the model's arguments (checked here so failures carry `data.error`). */
export async function runSkillRefRead(raw: Record<string, unknown>, ctx: ToolContext): Promise<ToolResultPayload> {
  const manager = ctx.services?.skills;
  if (!manager) return noSkillsResult("skill_ref_read");
  if (!manager.config.references.enabled) {
    return frameworkErrorResult("permission", "SKILL_REFERENCES_DISABLED", "Cannot run skill_ref_read: skill references are disabled (config key skills.references.enabled)", {
      config_key: "skills.references.enabled",
    });
  }
  const unknown = unknownFields(raw, KNOWN);
  if (unknown.length > 0) {
    return frameworkErrorResult("validation", "SKILL_REF_PATH_INVALID", `Cannot run skill_ref_read: unknown argument ${unknown.map((k) => JSON.stringify(k)).join(", ")}`, {
      unknown_fields: unknown,
    });
  }
  const parsed = SkillRefReadArgs.safeParse(raw);
  if (!parsed.success) {
    const badMax = parsed.error.issues.some((issue) => issue.path[0] === "max_bytes");
    if (badMax && typeof raw.skill_mention === "string" && typeof raw.ref_path === "string") {
      return frameworkErrorResult("validation", "SKILL_REF_PATH_INVALID", `Cannot run skill_ref_read: max_bytes ${JSON.stringify(raw.max_bytes)} is not an integer >= 1`, {
        max_bytes: raw.max_bytes,
      });
    }
    return frameworkErrorResult("validation", "SKILL_REF_PATH_INVALID", "Cannot run skill_ref_read: skill_mention and ref_path must be strings", {
      required: ["skill_mention", "ref_path"],
    });
  }
  const { skill_mention, ref_path, max_bytes } = parsed.data;
  try {
    const { skill } = await manager.resolveStrictMention(skill_mention, { signal: ctx.signal });
    const read = await manager.readReference(skill, ref_path, { ...(max_bytes == null ? {} : { maxBytes: max_bytes }), signal: ctx.signal });
    return { ...okResult(read.text), truncated: read.truncated };
  } catch (error) {
    return skillErrorResult(error);
  }
}

export const skillRefReadTool: ToolDefinition<Record<string, unknown>> = {
  name: "skill_ref_read",
  description,
  // The model sees the strict schema; the handler validates, so refusals carry data.error (spec 7.12 step 2).
  parameters: z.toJSONSchema(SkillRefReadArgs, { io: "input" }) as Record<string, unknown>,
  handler: (args, ctx) => runSkillRefRead(args, ctx),
};
