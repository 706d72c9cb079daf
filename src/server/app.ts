/**
 * The `serve` HTTP application: the API under /api/v1 (and the Studio's skill-create path under
 * /studio/api/v1), its OpenAPI document, and the Studio UI at / (src/studio/assets.ts). Routes receive
 * the server context explicitly; errors go through the one `onError` (src/server/errors.ts).
 *
 * `createServerContext` builds the stores and managers for a workspace (and recovers runs a previous
 * server left waiting on an approval); `createApp` mounts the routes over it.
 */
import { Hono } from "hono";
import type { LoadedConfig } from "../config/load.ts";
import { buildDoctorReport } from "../core/doctor.ts";
import { studioAssets } from "../studio/assets.ts";
import type { FakeCall } from "../llm/fake-backend.ts";
import type { ProbeTarget } from "../llm/local-probe.ts";
import { ApprovalsHub } from "./approvals-hub.ts";
import type { LocalProbeSettings, ServerContext } from "./context.ts";
import { errorBody, onError } from "./errors.ts";
import { describeRoute, openApiDocument } from "./openapi.ts";
import { InProcessRunManager } from "./run-manager.ts";
import { approvalRoutes } from "./routes/approvals.ts";
import { eventRoutes } from "./routes/events.ts";
import { humanRoutes } from "./routes/human.ts";
import { llmRoutes } from "./routes/llm.ts";
import type { RunRoutesContext } from "./routes/run-context.ts";
import { runRoutes } from "./routes/runs.ts";
import { sessionRoutes } from "./routes/sessions.ts";
import { skillRoutes } from "./routes/skills.ts";
import { bodyLimitMiddleware, securityMiddleware, type SecurityOptions } from "./security.ts";
import type { SseOptions } from "./sse.ts";
import { FileSessionStore } from "./storage/sessions.ts";
import { z } from "zod";

export type AppContext = RunRoutesContext;

export interface ServerContextOptions {
  loaded: LoadedConfig;
  security: SecurityOptions;
  /** Every run uses the offline fake backend (`STUDIO_LLM_BACKEND=fake` / `serve --backend fake`). */
  forceFakeBackend?: boolean;
  /** Every fake run replays this script instead of the Studio fake (`serve --fake-script FILE`). */
  fakeScript?: (task: string) => FakeCall[];
  /** Ports the local-LLM probe must skip (default the server's own). */
  excludeProbePorts?: number[];
  /** Where the local-LLM probe looks (default the usual ports; tests use scripted servers). */
  probeTargets?: readonly ProbeTarget[];
  sse?: SseOptions;
}

/** Stores and managers for one workspace; pending approvals of a previous server are recovered. */
export async function createServerContext(options: ServerContextOptions): Promise<AppContext> {
  const { loaded } = options;
  const workspaceRoot = loaded.workspaceRoot;
  const sessions = new FileSessionStore({ workspaceRoot, env: loaded.env });
  const approvals = new ApprovalsHub();
  const forceFakeBackend = options.forceFakeBackend ?? false;
  const excludePorts = options.excludeProbePorts ?? [options.security.port];
  const localProbe: LocalProbeSettings = { excludePorts, ...(options.probeTargets ? { targets: options.probeTargets } : {}) };
  const runs = new InProcessRunManager({
    loaded,
    sessions,
    approvals,
    forceFakeBackend,
    excludeProbePorts: excludePorts,
    ...(options.probeTargets ? { probeTargets: options.probeTargets } : {}),
    ...(options.fakeScript ? { fakeScript: options.fakeScript } : {}),
  });
  await runs.recover();
  return { workspaceRoot, loaded, security: options.security, forceFakeBackend, localProbe, sessions, runs, approvals, ...(options.sse ? { sse: options.sse } : {}) };
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

  for (const routes of [sessionRoutes, skillRoutes, runRoutes, approvalRoutes, humanRoutes, eventRoutes, llmRoutes] as ((c: AppContext) => Hono)[]) {
    app.route("/", routes(ctx));
  }

  describeRoute({ method: "get", path: "/api/v1/openapi.json", summary: "This API's OpenAPI 3.1 document, generated from its zod schemas", responses: { 200: z.record(z.string(), z.unknown()) }, tags: ["server"] });
  app.get("/api/v1/openapi.json", (c) => c.json(openApiDocument()));

  // The Studio UI: /, /index.html, /assets/*, and index.html for client-side routes (src/studio/assets.ts).
  app.route("/", studioAssets());
  app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404));
  return app;
}
