/**
 * The `serve` HTTP application. It hosts the API under /api/v1 and the Studio UI at /.
 */
import { Hono } from "hono";
import { buildDoctorReport } from "../core/doctor.ts";
import type { LoadedConfig } from "../config/load.ts";
import { securityMiddleware, type SecurityOptions } from "./security.ts";
import { STATUS_PAGE } from "./status-page.ts";

export interface ServerContext {
  loaded: LoadedConfig;
  security: SecurityOptions;
}

export function createApp(ctx: ServerContext): Hono {
  const app = new Hono();
  app.use("*", securityMiddleware(ctx.security));
  app.get("/api/v1/health", (c) => c.json({ ok: true, env_loaded: ctx.loaded.envFile !== null }));
  app.get("/api/v1/doctor", async (c) => {
    const report = await buildDoctorReport({
      workspaceRoot: ctx.loaded.workspaceRoot,
      configPaths: ctx.loaded.overlayPaths,
      discover: false,
      env: ctx.loaded.env,
      dotenv: false,
      probeLlm: c.req.query("offline") !== "1",
    });
    return c.json(report);
  });
  app.get("/", (c) => {
    c.header("content-security-policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'");
    c.header("cache-control", "no-store");
    return c.html(STATUS_PAGE);
  });
  app.notFound((c) => c.json({ detail: { kind: "not_found", message: `No route for ${c.req.method} ${c.req.path}`, details: {} } }, 404));
  return app;
}
