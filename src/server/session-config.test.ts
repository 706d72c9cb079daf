import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { serverTestApp } from "../../test/support/server-app.ts";
import { tempDirs } from "../../test/support/tool-context.ts";
import { loadConfig } from "../config/load.ts";
import type { ServerContext } from "./context.ts";
import { openApiDocument } from "./openapi.ts";
import { sessionRoutes } from "./routes/sessions.ts";
import { SessionConfigView } from "./session-config.ts";

const tempDir = tempDirs("sr-session-config-");
const SECRET = "sk-test-0123456789abcdef";
const UNKNOWN = "sess_00000000000000000000000000000000";

/**
 * A workspace with `config/runtime.yaml` (planner model, safety mode) and a `.env` holding the API
 * key; the server's config loads both, like `serve` does.
 */
function setup(options: { forceFake?: boolean; env?: Record<string, string>; overlay?: string } = {}) {
  const ws = tempDir();
  mkdirSync(join(ws, "config"));
  const overlay = join(ws, "config", "runtime.yaml");
  writeFileSync(overlay, options.overlay ?? "models:\n  planner: planner-from-yaml\nsafety:\n  mode: allow\n");
  writeFileSync(join(ws, ".env"), `OPENAI_API_KEY=${SECRET}\n`);
  const env = options.env ?? {};
  const loaded = loadConfig({ workspaceRoot: ws, env });
  const route = (ctx: ServerContext) => sessionRoutes({ ...ctx, loaded, forceFakeBackend: options.forceFake ?? false });
  return { ws, overlay, ...serverTestApp(ws, [route], env) };
}

async function configOf(call: ReturnType<typeof setup>["call"], sessionId: string): Promise<SessionConfigView> {
  const res = await call("GET", `/api/v1/sessions/${sessionId}/config`);
  expect(res.status).toBe(200);
  return SessionConfigView.parse(await res.json());
}

describe("GET /api/v1/sessions/:session_id/config", () => {
  test("shows the effective config with each value's source, the overlays in order and the .env file", async () => {
    const { call, store, ws, overlay } = setup();
    const { session_id } = await store.create({});
    const view = await configOf(call, session_id);
    const sessionOverlay = store.skillsOverlayPath(session_id);
    expect(view.session_id).toBe(session_id);
    expect(view.overlays).toEqual([overlay, sessionOverlay]);
    expect(view.env_file).toBe(join(ws, ".env"));
    expect(view.config.models.planner).toBe("planner-from-yaml");
    expect(view.config.safety.mode).toBe("allow");
    expect(view.sources["models.planner"]).toBe(`overlay:${overlay}`);
    expect(view.sources["models.executor"]).toBe("embedded_default");
    // The session's skills overlay applies last: its source and injection cap.
    expect(view.sources["skills.injection.max_bytes"]).toBe(`overlay:${sessionOverlay}`);
    expect(view.config.skills.sources).toEqual([{ id: "web-fs-0", type: "filesystem", options: { root: join(ws, ".skills_runtime_sdk", "skills") } }]);
    expect(Object.keys(view.sources)).toContain("llm.retry.max_retries");
  });

  test("applies the session's settings, as a run would", async () => {
    const { call, store } = setup();
    const { session_id } = await store.create({});
    await store.putSettings(session_id, { backend: "openai", model: "session-model", base_url: "http://127.0.0.1:9/v1" });
    const view = await configOf(call, session_id);
    expect(view.config.models.executor).toBe("session-model");
    expect(view.config.llm.base_url).toBe("http://127.0.0.1:9/v1");
    expect(view.sources["models.executor"]).toBe("session_settings:models.executor");
    expect(view.sources["llm.base_url"]).toBe("session_settings:llm.base_url");
    expect(view.backend).toEqual({
      kind: "openai",
      forced_fake: false,
      model: "session-model",
      base_url: "http://127.0.0.1:9/v1",
      api_key_env: "OPENAI_API_KEY",
      api_key_present: true,
    });
  });

  test("names env overrides by variable and reports a forced fake backend", async () => {
    const { call, store } = setup({ forceFake: true, env: { SKILLS_RUNTIME_SDK_EXECUTOR_MODEL: "env-model" } });
    const { session_id } = await store.create({});
    await store.putSettings(session_id, { backend: "openai", model: null, base_url: null });
    const view = await configOf(call, session_id);
    expect(view.sources["models.executor"]).toBe("env:SKILLS_RUNTIME_SDK_EXECUTOR_MODEL");
    expect(view.backend).toMatchObject({ kind: "fake", forced_fake: true, model: "env-model", base_url: "https://api.openai.com/v1" });
  });

  test("a session with default settings asks for the automatic backend", async () => {
    const { call, store } = setup();
    const { session_id } = await store.create({});
    expect((await configOf(call, session_id)).backend).toMatchObject({ kind: "auto", forced_fake: false });
  });

  test("never shows the API key's value, wherever it appears", async () => {
    const { call, store } = setup({ overlay: `models:\n  planner: "${SECRET}"\n` });
    const { session_id } = await store.create({});
    const res = await call("GET", `/api/v1/sessions/${session_id}/config`);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain(SECRET);
    const view = SessionConfigView.parse(JSON.parse(text));
    expect(view.config.models.planner).toBe("<redacted>");
    expect(view.backend.api_key_present).toBe(true);
  });

  test("404 for an unknown session, 400 for a malformed id", async () => {
    const { call } = setup();
    const missing = await call("GET", `/api/v1/sessions/${UNKNOWN}/config`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { detail: { kind: string } }).detail.kind).toBe("not_found");
    expect((await call("GET", "/api/v1/sessions/..%2F..%2Fetc/config")).status).toBe(400);
  });

  test("is described in the OpenAPI document with the config schema", () => {
    setup();
    const doc = openApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }> }>> };
    const ok = doc.paths["/api/v1/sessions/{session_id}/config"]?.get?.responses["200"];
    expect(Object.keys(ok?.content?.["application/json"]?.schema.properties ?? {}).sort()).toEqual(["backend", "config", "env_file", "overlays", "session_id", "sources"]);
  });
});
