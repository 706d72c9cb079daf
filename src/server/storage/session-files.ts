/**
 * The on-disk shapes of a session folder (spec 12.2), read leniently as the reference writes and
 * reads them:
 * - `session.json` `{session_id, created_at, title, updated_at, runs_count}`: missing or blank
 *   fields fall back (id from the folder name, title null, updated_at = created_at, runs_count 0
 *   when null or ""); a runs_count that is a string, a bool, a fraction or negative makes the
 *   file corrupt.
 * - `skills.json` `{filesystem_sources: [abs paths], disabled_paths: []}`: lists of strings
 *   (blank entries dropped); anything else is corrupt.
 */
import { z } from "zod";
import type { SessionRecord, SessionSkillsConfig } from "../context.ts";

const text = z.unknown().optional().transform((value) => (typeof value === "string" ? value : ""));

export const SessionJson = z.looseObject({
  session_id: text,
  created_at: text,
  title: z.unknown().optional().transform((value) => (typeof value === "string" ? value : null)),
  updated_at: text,
  runs_count: z
    .union([z.number().int().nonnegative(), z.null(), z.literal(""), z.undefined()])
    .transform((value) => (typeof value === "number" ? value : 0)),
});

/** The record of a session folder `dirName` from its parsed session.json, or the reason it is corrupt. */
export function sessionRecordOf(value: unknown, dirName: string): { ok: true; record: SessionRecord } | { ok: false; error: string } {
  const parsed = SessionJson.safeParse(value);
  if (!parsed.success) return { ok: false, error: z.prettifyError(parsed.error).replaceAll("\n", " ") };
  const data = parsed.data;
  return {
    ok: true,
    record: {
      // The folder is the truth: a listed id must be addressable.
      session_id: dirName,
      created_at: data.created_at,
      title: data.title,
      updated_at: data.updated_at || data.created_at,
      runs_count: data.runs_count,
    },
  };
}

const pathList = z
  .array(z.string())
  .nullish()
  .transform((list) => (list ?? []).map((entry) => entry.trim()).filter((entry) => entry !== ""));

export const SkillsJson = z.looseObject({
  filesystem_sources: pathList,
  disabled_paths: pathList,
});

export function skillsConfigOf(value: unknown): { ok: true; config: SessionSkillsConfig } | { ok: false; error: string } {
  const parsed = SkillsJson.safeParse(value);
  if (!parsed.success) return { ok: false, error: z.prettifyError(parsed.error).replaceAll("\n", " ") };
  return { ok: true, config: { filesystem_sources: parsed.data.filesystem_sources, disabled_paths: parsed.data.disabled_paths } };
}
