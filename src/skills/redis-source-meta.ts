/**
 * The Redis skill record (spec 7.13): one hash per skill at `<key_prefix>meta:<namespace>:<name>`,
 * validated with zod before it becomes a `SkillRecord`.
 *
 * Hash fields (all Redis hash values are strings): `skill_name` (slug), `description`,
 * `created_at` (required, non-empty); `body_size` / `bundle_size` (digit strings); JSON strings
 * `required_env_vars` (list of strings) and `metadata` (object); `body_key`, `bundle_key`
 * (non-empty), `etag`, `updated_at`, `scope`; `bundle_sha256` (64 hex); `bundle_format` (`zip`, any
 * case). Other fields are ignored, as in the reference. Skill metadata = the parsed `metadata`
 * object overlaid with etag, created_at, updated_at, body_key, bundle_sha256, bundle_key,
 * bundle_size and bundle_format (null when absent).
 */
import { z } from "zod";
import { isValidSkillName, SKILL_NAME_RULE } from "./mentions.ts";
import { skillIssue, type SkillIssue } from "./issues.ts";
import type { SkillRecord } from "./source.ts";

const digits = z
  .string()
  .regex(/^\s*\d+\s*$/, "must be a non-negative integer")
  .transform((value) => Number.parseInt(value.trim(), 10));

function jsonString<T extends z.ZodType>(schema: T, expected: string) {
  return z.string().transform((text, ctx): z.infer<T> => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: "custom", message: `must be a JSON string holding ${expected}` });
      return z.NEVER;
    }
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    ctx.addIssue({ code: "custom", message: `must hold ${expected}` });
    return z.NEVER;
  });
}

const required = (field: string) => z.string({ error: `${field} is required` }).min(1, `${field} must be non-empty`);

export const RedisSkillMeta = z.object({
  skill_name: required("skill_name").refine(isValidSkillName, { message: `skill_name must be ${SKILL_NAME_RULE}` }),
  description: required("description"),
  created_at: required("created_at"),
  body_size: digits.optional(),
  required_env_vars: jsonString(z.array(z.string()).nullable(), "a list of strings").optional(),
  metadata: jsonString(z.record(z.string(), z.unknown()).nullable(), "an object").optional(),
  body_key: z.string().min(1, "must be non-empty").optional(),
  etag: z.string().optional(),
  updated_at: z.string().optional(),
  scope: z.string().optional(),
  bundle_sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex digits").optional(),
  bundle_key: z.string().min(1, "must be non-empty").optional(),
  bundle_size: digits.optional(),
  bundle_format: z
    .string()
    .refine((value) => value.trim().toLowerCase() === "zip", { message: 'must be "zip"' })
    .optional(),
});
export type RedisSkillMeta = z.infer<typeof RedisSkillMeta>;

/** What the Redis source keeps per skill to read its body and bundle later. */
export interface RedisSkillHandle {
  bodyKey: string;
}

export interface MetaContext {
  sourceId: string;
  keyPrefix: string;
  namespace: string;
  key: string;
}

/** Validate one meta hash; a bad hash becomes a `SKILL_SCAN_METADATA_INVALID` issue naming the field. */
export function recordFromMeta(hash: Record<string, unknown>, context: MetaContext): SkillRecord | SkillIssue {
  const locator = `redis://${context.key}`;
  const parsed = RedisSkillMeta.safeParse(hash);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const field = String(first?.path[0] ?? "unknown");
    const detail = first?.message ?? "is invalid";
    const message = detail.startsWith(field) ? detail : `field "${field}" ${detail}`;
    const actual = field === "skill_name" && typeof hash.skill_name === "string" ? { actual: hash.skill_name } : {};
    const reason = field === "skill_name" && typeof hash.skill_name === "string" && hash.skill_name !== "" ? { reason: "invalid_skill_name_slug" } : {};
    return skillIssue("SKILL_SCAN_METADATA_INVALID", `Cannot load skill metadata "${locator}" from source "${context.sourceId}": ${message}`, {
      source_id: context.sourceId,
      locator,
      field,
      ...actual,
      ...reason,
    });
  }
  const meta = parsed.data;
  const bodyKey = meta.body_key ?? `${context.keyPrefix}body:${context.namespace}:${meta.skill_name}`;
  const handle: RedisSkillHandle = { bodyKey };
  return {
    skill_name: meta.skill_name,
    description: meta.description,
    locator,
    path: null,
    body_size: meta.body_size ?? null,
    required_env_vars: [...new Set(meta.required_env_vars ?? [])],
    metadata: {
      ...(meta.metadata ?? {}),
      etag: meta.etag ?? null,
      created_at: meta.created_at,
      updated_at: meta.updated_at ?? null,
      body_key: bodyKey,
      bundle_sha256: meta.bundle_sha256 ?? null,
      bundle_key: meta.bundle_key ?? null,
      bundle_size: meta.bundle_size ?? null,
      bundle_format: meta.bundle_format ?? null,
    },
    scope: meta.scope ?? null,
    handle,
  };
}

export function isSkillIssue(value: SkillRecord | SkillIssue): value is SkillIssue {
  return "code" in value && "details" in value;
}
