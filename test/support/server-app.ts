/**
 * An in-process `serve` app for route tests: a temp workspace, a real FileSessionStore, the
 * security middleware and the one `onError`, with the route modules under test mounted at "/".
 * Requests go through `app.request()` with an allowed Host.
 */
import { Hono } from "hono";
import { loadConfig } from "../../src/config/load.ts";
import type { ServerContext } from "../../src/server/context.ts";
import { errorBody, onError } from "../../src/server/errors.ts";
import { securityMiddleware } from "../../src/server/security.ts";
import { FileSessionStore } from "../../src/server/storage/sessions.ts";

export const ORIGIN = "http://127.0.0.1:8000";

export interface ServerTestApp {
  app: Hono;
  ctx: ServerContext;
  store: FileSessionStore;
  /** `app.request` against ORIGIN; a non-string `json` is sent as a JSON body. */
  call(method: string, path: string, json?: unknown): Promise<Response>;
}

export function serverTestApp(workspaceRoot: string, routes: ((ctx: ServerContext) => Hono)[], env: Record<string, string> = {}): ServerTestApp {
  const loaded = loadConfig({ workspaceRoot, env, discover: false, dotenv: false });
  const store = new FileSessionStore({ workspaceRoot, env, warn: () => undefined });
  const ctx: ServerContext = {
    workspaceRoot,
    loaded,
    security: { host: "127.0.0.1", port: 8000, token: null },
    forceFakeBackend: true,
    sessions: store,
    runs: { shutdown: async () => undefined, activeCount: 0 },
    approvals: { listPending: () => [] },
  };
  const app = new Hono();
  app.use("*", securityMiddleware(ctx.security));
  for (const route of routes) app.route("/", route(ctx));
  app.onError(onError);
  app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404));
  const call = (method: string, path: string, json?: unknown) =>
    Promise.resolve(
      app.request(`${ORIGIN}${path}`, {
        method,
        ...(json === undefined ? {} : { body: typeof json === "string" ? json : JSON.stringify(json), headers: { "content-type": "application/json" } }),
      }),
    );
  return { app, ctx, store, call };
}
