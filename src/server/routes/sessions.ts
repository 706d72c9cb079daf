/**
 * Sessions (spec 12.4): list, create, read, rename, delete, and the session's LLM settings.
 * Rename, read one, settings and the effective config are additions the Studio needs; list items
 * also carry `created_at`.
 */
import { Hono } from "hono";
import { z } from "zod";
import { SessionSettings, type ServerContext } from "../context.ts";
import { jsonBody, parseRequest } from "../errors.ts";
import { describeRoute } from "../openapi.ts";
import { SessionConfigView, sessionConfigView } from "../session-config.ts";

export const SessionItem = z.object({
  session_id: z.string(),
  title: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  runs_count: z.number().int().nonnegative(),
});

export const SessionList = z.object({ sessions: z.array(SessionItem) });

const Title = z
  .string()
  .max(500)
  .transform((title) => title.trim() || null);

export const CreateSessionBody = z.object({
  title: Title.nullish(),
  /** null/absent: the default source `<ws>/.skills_runtime_sdk/skills`; `[]`: none. */
  filesystem_sources: z.array(z.string().max(4096)).max(64).nullish(),
});

export const CreatedSession = z.object({ session_id: z.string(), created_at: z.string() });

export const RenameSessionBody = z.object({ title: Title.nullable() });

export const SessionDetail = SessionItem.extend({
  skills: z.object({ filesystem_sources: z.array(z.string()), disabled_paths: z.array(z.string()) }),
  settings: SessionSettings,
});

const item = (record: z.input<typeof SessionItem>): z.infer<typeof SessionItem> => ({
  session_id: record.session_id,
  title: record.title,
  created_at: record.created_at,
  updated_at: record.updated_at,
  runs_count: record.runs_count,
});

const tags = ["sessions"];

export function sessionRoutes(ctx: ServerContext): Hono {
  const app = new Hono();
  const store = ctx.sessions;

  describeRoute({ method: "get", path: "/api/v1/sessions", summary: "List sessions, most recently updated first", responses: { 200: SessionList }, tags });
  app.get("/api/v1/sessions", async (c) => c.json({ sessions: (await store.list()).map(item) }));

  describeRoute({ method: "post", path: "/api/v1/sessions", summary: "Create a session", body: CreateSessionBody, responses: { 201: CreatedSession }, errors: [400, 422], tags });
  app.post("/api/v1/sessions", async (c) => {
    const body = parseRequest(CreateSessionBody, (await jsonBody(c, { optional: true })) ?? {});
    const record = await store.create({ title: body.title ?? null, filesystem_sources: body.filesystem_sources ?? null });
    return c.json({ session_id: record.session_id, created_at: record.created_at }, 201);
  });

  describeRoute({ method: "get", path: "/api/v1/sessions/:session_id", summary: "A session with its skill sources and settings", responses: { 200: SessionDetail }, errors: [400, 404], tags });
  app.get("/api/v1/sessions/:session_id", async (c) => {
    const id = c.req.param("session_id");
    const record = await store.get(id);
    const [skills, settings] = await Promise.all([store.skillsConfig(id), store.settings(id)]);
    return c.json({ ...item(record), skills, settings });
  });

  for (const method of ["patch", "put"] as const) {
    describeRoute({ method, path: "/api/v1/sessions/:session_id", summary: "Rename a session", body: RenameSessionBody, responses: { 200: SessionItem }, errors: [400, 404, 422], tags });
  }
  app.on(["PATCH", "PUT"], "/api/v1/sessions/:session_id", async (c) => {
    const id = c.req.param("session_id");
    const body = parseRequest(RenameSessionBody, await jsonBody(c));
    return c.json(item(await store.rename(id, body.title)));
  });

  describeRoute({ method: "delete", path: "/api/v1/sessions/:session_id", summary: "Delete a session and its runs", responses: { 204: null }, errors: [400, 404], tags });
  app.delete("/api/v1/sessions/:session_id", async (c) => {
    const sessionId = c.req.param("session_id");
    // Its running runs are cancelled first (their WALs end with run_cancelled), then the files go.
    await ctx.runs.cancelSessionRuns?.(sessionId);
    await store.delete(sessionId);
    return c.body(null, 204);
  });

  describeRoute({ method: "get", path: "/api/v1/sessions/:session_id/settings", summary: "The session's LLM settings", responses: { 200: SessionSettings }, errors: [400, 404], tags });
  app.get("/api/v1/sessions/:session_id/settings", async (c) => c.json(await store.settings(c.req.param("session_id"))));

  describeRoute({ method: "put", path: "/api/v1/sessions/:session_id/settings", summary: "Replace the session's LLM settings", body: SessionSettings, responses: { 200: SessionSettings }, errors: [400, 404, 422], tags });
  app.put("/api/v1/sessions/:session_id/settings", async (c) => {
    const id = c.req.param("session_id");
    const body = parseRequest(SessionSettings, await jsonBody(c));
    return c.json(await store.putSettings(id, body));
  });

  describeRoute({
    method: "get",
    path: "/api/v1/sessions/:session_id/config",
    summary: "The effective config a run of this session would use, each value's source, and its LLM backend (no secrets)",
    responses: { 200: SessionConfigView },
    errors: [400, 404, 500],
    tags,
  });
  app.get("/api/v1/sessions/:session_id/config", async (c) =>
    c.json(await sessionConfigView(c.req.param("session_id"), { sessions: store, loaded: ctx.loaded, forceFakeBackend: ctx.forceFakeBackend })),
  );

  return app;
}
