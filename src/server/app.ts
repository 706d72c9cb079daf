/**
 * The `serve` HTTP application: the API under /api/v1 (and the Studio's skill-create path under
 * /studio/api/v1), its OpenAPI document, and the UI at /. Routes receive the server context
 * explicitly; errors go through the one `onError` (src/server/errors.ts).
 *
 * `createServerContext` builds the stores and managers for a workspace (and recovers runs a previous
 * server left waiting on an approval); `createApp` mounts the routes over it.
 */
import { Hono } from "hono";
import type { LoadedConfig } from "../config/load.ts";
import { buildDoctorReport } from "../core/doctor.ts";
import { ApprovalsHub } from "./approvals-hub.ts";
import type { ServerContext } from "./context.ts";
import { errorBody, onError } from "./errors.ts";
import { describeRoute, openApiDocument } from "./openapi.ts";
import { InProcessRunManager } from "./run-manager.ts";
import { approvalRoutes } from "./routes/approvals.ts";
import { eventRoutes } from "./routes/events.ts";
import { humanRoutes } from "./routes/human.ts";
import type { RunRoutesContext } from "./routes/run-context.ts";
import { runRoutes } from "./routes/runs.ts";
import { sessionRoutes } from "./routes/sessions.ts";
import { skillRoutes } from "./routes/skills.ts";
import { bodyLimitMiddleware, securityMiddleware, type SecurityOptions } from "./security.ts";
import type { SseOptions } from "./sse.ts";
import { STATUS_PAGE } from "./status-page.ts";
import { FileSessionStore } from "./storage/sessions.ts";
import { z } from "zod";

export type AppContext = RunRoutesContext;

export interface ServerContextOptions {
  loaded: LoadedConfig;
  security: SecurityOptions;
  /** Every run uses the offline fake backend (`STUDIO_LLM_BACKEND=fake` / `serve --backend fake`). */
  forceFakeBackend?: boolean;
  /** Ports the local-LLM probe must skip (the server's own). */
  excludeProbePorts?: number[];
  sse?: SseOptions;
}

/** Stores and managers for one workspace; pending approvals of a previous server are recovered. */
export async function createServerContext(options: ServerContextOptions): Promise<AppContext> {
  const { loaded } = options;
  const workspaceRoot = loaded.workspaceRoot;
  const sessions = new FileSessionStore({ workspaceRoot, env: loaded.env });
  const approvals = new ApprovalsHub();
  const forceFakeBackend = options.forceFakeBackend ?? false;
  const runs = new InProcessRunManager({ loaded, sessions, approvals, forceFakeBackend, excludeProbePorts: options.excludeProbePorts ?? [options.security.port] });
  await runs.recover();
  return { workspaceRoot, loaded, security: options.security, forceFakeBackend, sessions, runs, approvals, ...(options.sse ? { sse: options.sse } : {}) };
}

const Health = z.object({ ok: z.literal(true), env_loaded: z.boolean() });

export function createApp(ctx: AppContext): Hono {
  const app = new Hono();
  app.use("*", securityMiddleware(ctx.security));
  app.use("/api/*", bodyLimitMiddleware(ctx.security));
  app.use("/studio/api/*", bodyLimitMiddleware(ctx.security));
  app.onError(onError);

  describeRoute({ method: "get", path: "/api/v1/health", summary: "Liveness and whether a .env file was loaded (no paths)", responses: { 200: Health }, tags: ["server"] });
  app.get("/api/v1/health", (c) => c.json({ ok: true, env_loaded: ctx.loaded.envFile !== null }));

  describeRoute({ method: "get", path: "/api/v1/doctor", summary: "Sandbox and LLM status with fix hints, without secrets", responses: { 200: z.record(z.string(), z.unknown()) }, tags: ["server"] });
  app.get("/api/v1/doctor", async (c) => {
    const report = await buildDoctorReport({
      workspaceRoot: ctx.loaded.workspaceRoot,
      configPaths: ctx.loaded.overlayPaths,
      discover: false,
      env: ctx.loaded.env,
      dotenv: false,
      probeLlm: c.req.query("offline") !== "1",
    });
    return c.json({ ...report, server: { active_runs: ctx.runs.activeCount, fake_backend: ctx.forceFakeBackend } });
  });

  for (const routes of [sessionRoutes, skillRoutes, runRoutes, approvalRoutes, humanRoutes, eventRoutes] as ((c: AppContext) => Hono)[]) {
    app.route("/", routes(ctx));
  }

  describeRoute({ method: "get", path: "/api/v1/openapi.json", summary: "This API's OpenAPI 3.1 document, generated from its zod schemas", responses: { 200: z.record(z.string(), z.unknown()) }, tags: ["server"] });
  app.get("/api/v1/openapi.json", (c) => c.json(openApiDocument()));

  app.get("/", (c) => {
    c.header("content-security-policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'");
    c.header("cache-control", "no-store");
    return c.html(STATUS_PAGE);
  });
  app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404));
  return app;
}
