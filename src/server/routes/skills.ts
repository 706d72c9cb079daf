/**
 * Skills of a session (spec 12.4): its filesystem sources, the scanned skills with their enabled
 * flag and scan issues, enabling/disabling one, and skill authoring under `/studio/api/v1`
 * (create per spec 12.4 with the engine's name rules; read / replace a SKILL.md and lint text
 * are additions for the Studio's editor).
 */
import { dirname } from "node:path";
import { Hono } from "hono";
import { z } from "zod";
import { isValidSkillName, SKILL_NAME_RULE } from "../../skills/mentions.ts";
import type { Skill } from "../../skills/source.ts";
import type { ServerContext } from "../context.ts";
import { HttpError, jsonBody, parseRequest } from "../errors.ts";
import { describeRoute } from "../openapi.ts";
import { createSkill, lintSkillText, MAX_SKILL_MD_BYTES, readSkillMd, replaceSkillMd, targetSource } from "../skill-authoring.ts";
import { isScannedSkillPath, isSkillEnabled, IssueView, scanSessionSources, sessionSkillViews, SkillView, type ScanContext } from "../session-skills.ts";
import { trimSources } from "../storage/filesystem-sources.ts";

export const SetSourcesBody = z.object({ filesystem_sources: z.array(z.string().max(4096)).max(64).default([]) });
export const SetSourcesResponse = z.object({ ok: z.literal(true), filesystem_sources: z.array(z.string()) });

export const SessionSkills = z.object({
  filesystem_sources: z.array(z.string()),
  disabled_paths: z.array(z.string()),
  skills: z.array(SkillView),
  issues: z.array(IssueView),
});

export const SetEnabledBody = z.object({ path: z.string().min(1).max(4096), enabled: z.boolean() });
export const SetEnabledResponse = z.object({ ok: z.literal(true), path: z.string(), enabled: z.boolean(), disabled_paths: z.array(z.string()) });

export const CreateSkillBody = z.object({
  name: z.string().min(1).max(200),
  description: z.string().min(1).max(4096),
  body_markdown: z.string().max(MAX_SKILL_MD_BYTES).default(""),
  title: z.string().max(500).nullish(),
  target_source: z.string().max(4096).nullish(),
});
export const CreatedSkill = z.object({ ok: z.literal(true), filesystem_source: z.string(), skill_dir: z.string(), skill_md: z.string() });

const SkillMdText = z.string().max(MAX_SKILL_MD_BYTES);
export const SkillDocument = z.object({
  name: z.string(),
  description: z.string(),
  path: z.string(),
  skill_dir: z.string(),
  filesystem_source: z.string().nullable(),
  enabled: z.boolean(),
  skill_md: z.string(),
  issues: z.array(IssueView),
});
export const ReplaceSkillBody = z.object({ skill_md: SkillMdText });
export const ReplacedSkill = z.object({ ok: z.literal(true), name: z.string(), path: z.string(), issues: z.array(IssueView) });

export const ValidateSkillBody = z.object({ skill_md: SkillMdText });
export const SkillValidation = z.object({ ok: z.boolean(), skill_name: z.string().nullable(), issues: z.array(IssueView) });

const tags = ["skills"];

export function skillRoutes(ctx: ServerContext): Hono {
  const app = new Hono();
  const store = ctx.sessions;
  const scanContext: ScanContext = { workspaceRoot: ctx.workspaceRoot, env: ctx.loaded.env, baseConfig: ctx.loaded.config.skills };

  /** The scanned skill `name` of a session (400 bad name, 404 unknown, 409 when the scan has a fatal duplicate). */
  async function findSkill(sessionId: string, name: string) {
    if (!isValidSkillName(name)) {
      throw new HttpError("validation_error", `Invalid skill name ${JSON.stringify(name)}: it must be ${SKILL_NAME_RULE}`, { field: "name", name });
    }
    const config = await store.skillsConfig(sessionId);
    const scan = await scanSessionSources(scanContext, config.filesystem_sources);
    if (scan.fatal) throw new HttpError("conflict", `Cannot open skill "${name}": ${scan.fatal.message}`, { issues: scan.issues });
    const skill = scan.skills.find((s): s is Skill & { path: string } => s.skill_name === name && s.path !== null);
    if (!skill) throw new HttpError("not_found", `Cannot find skill "${name}" in the filesystem sources of session "${sessionId}"`, { name, session_id: sessionId });
    return { config, scan, skill };
  }

  describeRoute({ method: "put", path: "/api/v1/sessions/:session_id/skills/sources", summary: "Replace the session's filesystem skill sources", body: SetSourcesBody, responses: { 200: SetSourcesResponse }, errors: [400, 404, 422], tags });
  app.put("/api/v1/sessions/:session_id/skills/sources", async (c) => {
    const id = c.req.param("session_id");
    const body = parseRequest(SetSourcesBody, (await jsonBody(c, { optional: true })) ?? {});
    await store.setSources(id, body.filesystem_sources);
    return c.json({ ok: true as const, filesystem_sources: trimSources(body.filesystem_sources) });
  });

  describeRoute({ method: "get", path: "/api/v1/sessions/:session_id/skills", summary: "Scan the session's skills", responses: { 200: SessionSkills }, errors: [400, 404], tags });
  app.get("/api/v1/sessions/:session_id/skills", async (c) => {
    const config = await store.skillsConfig(c.req.param("session_id"));
    const { skills, issues } = await sessionSkillViews(scanContext, config);
    return c.json({ filesystem_sources: config.filesystem_sources, disabled_paths: config.disabled_paths, skills, issues });
  });

  describeRoute({ method: "put", path: "/api/v1/sessions/:session_id/skills/enabled", summary: "Enable or disable a skill of the session by its SKILL.md path", body: SetEnabledBody, responses: { 200: SetEnabledResponse }, errors: [400, 404, 422], tags });
  app.put("/api/v1/sessions/:session_id/skills/enabled", async (c) => {
    const id = c.req.param("session_id");
    const body = parseRequest(SetEnabledBody, await jsonBody(c));
    if (!body.enabled) {
      const config = await store.skillsConfig(id);
      const scan = await scanSessionSources(scanContext, config.filesystem_sources);
      if (!(await isScannedSkillPath(scanContext, scan, body.path))) {
        throw new HttpError("not_found", `Cannot disable skill ${JSON.stringify(body.path)}: no skill of session "${id}" has this SKILL.md path`, { path: body.path });
      }
    }
    const config = await store.setSkillEnabled(id, body.path, body.enabled);
    return c.json({ ok: true as const, path: body.path, enabled: body.enabled, disabled_paths: config.disabled_paths });
  });

  describeRoute({ method: "post", path: "/studio/api/v1/sessions/:session_id/skills", summary: "Create a skill in one of the session's sources", body: CreateSkillBody, responses: { 201: CreatedSkill }, errors: [400, 404, 409, 422], tags });
  app.post("/studio/api/v1/sessions/:session_id/skills", async (c) => {
    const id = c.req.param("session_id");
    const body = parseRequest(CreateSkillBody, await jsonBody(c));
    const config = await store.skillsConfig(id);
    const source = await targetSource(scanContext, config.filesystem_sources, body.target_source, id);
    const created = await createSkill(scanContext, source, body);
    return c.json({ ok: true as const, filesystem_source: source, ...created }, 201);
  });

  describeRoute({ method: "get", path: "/studio/api/v1/sessions/:session_id/skills/:name", summary: "Read a skill's SKILL.md with its lint issues", responses: { 200: SkillDocument }, errors: [400, 404, 409], tags });
  app.get("/studio/api/v1/sessions/:session_id/skills/:name", async (c) => {
    const { config, skill } = await findSkill(c.req.param("session_id"), c.req.param("name"));
    const { text, lint } = await readSkillMd(skill.path);
    const enabled = await isSkillEnabled(scanContext, config.disabled_paths, skill.path);
    const sourceIndex = Number(skill.source_id.replace(/^web-fs-/, ""));
    return c.json({
      name: skill.skill_name,
      description: skill.description,
      path: skill.path,
      skill_dir: dirname(skill.path),
      filesystem_source: config.filesystem_sources[sourceIndex] ?? null,
      enabled,
      skill_md: text,
      issues: lint.issues,
    });
  });

  describeRoute({ method: "put", path: "/studio/api/v1/sessions/:session_id/skills/:name", summary: "Replace a skill's SKILL.md (refused unless it passes the engine's lint)", body: ReplaceSkillBody, responses: { 200: ReplacedSkill }, errors: [400, 404, 409, 422], tags });
  app.put("/studio/api/v1/sessions/:session_id/skills/:name", async (c) => {
    const name = c.req.param("name");
    const body = parseRequest(ReplaceSkillBody, await jsonBody(c));
    const { scan, skill } = await findSkill(c.req.param("session_id"), name);
    const lint = await replaceSkillMd(skill.path, body.skill_md, (checked) => {
      if (checked.skill_name !== null && checked.skill_name !== name && scan.skills.some((s) => s.skill_name === checked.skill_name)) {
        throw new HttpError("conflict", `Cannot rename skill "${name}" to "${checked.skill_name}": the session already has a skill with that name`, { name: checked.skill_name });
      }
    });
    if (!lint.ok) {
      const errors = lint.issues.filter((issue) => issue.level === "error");
      throw new HttpError("validation_error", `Cannot save skill "${name}": SKILL.md is not valid: ${errors[0]?.message ?? "lint failed"}`, { issues: lint.issues });
    }
    return c.json({ ok: true as const, name: lint.skill_name ?? name, path: skill.path, issues: lint.issues });
  });

  describeRoute({ method: "post", path: "/studio/api/v1/skills/validate", summary: "Lint SKILL.md text without writing it", body: ValidateSkillBody, responses: { 200: SkillValidation }, errors: [422], tags });
  app.post("/studio/api/v1/skills/validate", async (c) => {
    const body = parseRequest(ValidateSkillBody, await jsonBody(c));
    return c.json(await lintSkillText(body.skill_md));
  });

  return app;
}
