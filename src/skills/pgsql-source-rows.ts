/**
 * One row of the PostgreSQL skills catalog (spec 7.14), validated with zod before it becomes a
 * `SkillRecord`. Checks follow the reference's order: skill_name (slug), description, body_size
 * (integer), created_at (timestamp -> RFC 3339 `Z`, or a non-empty string), required_env_vars (list
 * of strings or null), metadata (object or null), id (non-null), scope and body_etag (string or
 * null). `updated_at` is stringified as Python's `str(datetime)` does (space separator, `+00:00`).
 * Locator `<schema>.<table>#<id>`; metadata = row metadata + etag, created_at, updated_at, row_id.
 */
import { z } from "zod";
import { isValidSkillName, SKILL_NAME_RULE } from "./mentions.ts";
import { skillIssue, type SkillIssue } from "./issues.ts";
import type { SkillRecord } from "./source.ts";

/** Python's `datetime.isoformat()` fraction: microseconds only when non-zero (we have milliseconds). */
function fraction(date: Date): string {
  const ms = date.getUTCMilliseconds();
  return ms === 0 ? "" : `.${String(ms * 1000).padStart(6, "0")}`;
}

/** `2024-01-02T03:04:05.123000Z`: the reference's created_at for a TIMESTAMPTZ value. */
export function rfc3339Utc(date: Date): string {
  return `${date.toISOString().slice(0, 19)}${fraction(date)}Z`;
}

/** `2024-01-02 03:04:05.123000+00:00`: Python's `str()` of an aware UTC datetime. */
export function pythonDatetimeStr(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")}${fraction(date)}+00:00`;
}

const nonEmpty = (field: string) => z.string({ error: `${field} must be a non-empty string` }).min(1, `${field} must be a non-empty string`);
const envVarsError = "required_env_vars must be a list of strings";
const validDate = z.date().refine((date) => !Number.isNaN(date.getTime()), { message: "created_at is not a valid timestamp" });

export const CatalogRow = z.object({
  skill_name: nonEmpty("skill_name").refine(isValidSkillName, { message: `skill_name must be ${SKILL_NAME_RULE}` }),
  description: nonEmpty("description"),
  body_size: z
    .union([z.number().int(), z.bigint(), z.string().regex(/^\s*\d+\s*$/)], { error: "body_size must be an integer" })
    .nullish()
    .transform((value) => (value === null || value === undefined ? null : Number(typeof value === "string" ? value.trim() : value))),
  created_at: z.union([validDate.transform(rfc3339Utc), nonEmpty("created_at")], { error: "created_at must be a timestamp or a non-empty string" }),
  required_env_vars: z.array(z.string({ error: envVarsError }), { error: envVarsError }).nullish(),
  metadata: z.record(z.string(), z.unknown(), { error: "metadata must be an object" }).nullish(),
  id: z.union([z.string(), z.number(), z.bigint()], { error: "id must not be null" }),
  scope: z.string({ error: "scope must be a string or null" }).nullish(),
  body_etag: z.string({ error: "body_etag must be a string or null" }).nullish(),
  updated_at: z.unknown().transform((value) => {
    if (value === null || value === undefined) return null;
    if (value instanceof Date) return pythonDatetimeStr(value);
    return String(value);
  }),
});
export type CatalogRow = z.infer<typeof CatalogRow>;

/** The row id as JSON can carry it: int8 ids come back as strings; small ones become numbers. */
function rowIdValue(id: string | number | bigint): string | number {
  if (typeof id === "number") return id;
  const text = String(id);
  return /^-?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
}

/** What the PostgreSQL source keeps per skill to load its body. */
export interface PgsqlSkillHandle {
  rowId: string | number;
  namespace: string;
}

export interface RowContext {
  sourceId: string;
  schema: string;
  table: string;
  namespace: string;
}

export function recordFromRow(row: Record<string, unknown>, context: RowContext): SkillRecord | SkillIssue {
  const rawId = row.id;
  const locator = `${context.schema}.${context.table}#${rawId === null || rawId === undefined ? "None" : String(rawId)}`;
  const parsed = CatalogRow.safeParse(row);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const field = String(first?.path[0] ?? "unknown");
    const slug = field === "skill_name" && typeof row.skill_name === "string" && row.skill_name !== "";
    return skillIssue("SKILL_SCAN_METADATA_INVALID", `Cannot load skill row "${locator}" from source "${context.sourceId}": ${first?.message ?? "invalid row"}`, {
      source_id: context.sourceId,
      locator,
      field,
      ...(slug ? { actual: row.skill_name, reason: "invalid_skill_name_slug" } : {}),
    });
  }
  const value = parsed.data;
  const rowId = rowIdValue(value.id);
  const handle: PgsqlSkillHandle = { rowId, namespace: context.namespace };
  return {
    skill_name: value.skill_name,
    description: value.description,
    locator,
    path: null,
    body_size: value.body_size,
    required_env_vars: [...new Set(value.required_env_vars ?? [])],
    metadata: {
      ...(value.metadata ?? {}),
      etag: value.body_etag ?? null,
      created_at: value.created_at,
      updated_at: value.updated_at,
      row_id: rowId,
    },
    scope: value.scope ?? null,
    handle,
  };
}
