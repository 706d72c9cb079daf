import { describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { serverTestApp } from "../../../test/support/server-app.ts";
import { tempDirs } from "../../../test/support/tool-context.ts";
import { openApiDocument } from "../openapi.ts";
import { sessionRoutes } from "./sessions.ts";

const tempDir = tempDirs("sr-routes-sessions-");
const UNKNOWN = "sess_00000000000000000000000000000000";

function setup() {
  const ws = tempDir();
  return { ws, ...serverTestApp(ws, [sessionRoutes]) };
}

async function created(call: ReturnType<typeof setup>["call"], body: unknown = {}): Promise<string> {
  const res = await call("POST", "/api/v1/sessions", body);
  expect(res.status).toBe(201);
  return ((await res.json()) as { session_id: string }).session_id;
}

describe("POST /api/v1/sessions", () => {
  test("201 with session_id and created_at, for an empty body and for {}", async () => {
    const { call } = setup();
    for (const body of [undefined, {}, { title: "T", filesystem_sources: null }]) {
      const res = await call("POST", "/api/v1/sessions", body);
      expect(res.status).toBe(201);
      const json = (await res.json()) as Record<string, string>;
      expect(Object.keys(json).sort()).toEqual(["created_at", "session_id"]);
      expect(json.session_id).toMatch(/^sess_[0-9a-f]{32}$/);
      expect(json.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    }
  });

  test("400 validation_error with details.filesystem_sources for a source outside the workspace", async () => {
    const { call } = setup();
    const res = await call("POST", "/api/v1/sessions", { filesystem_sources: ["../../etc"] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { detail: { kind: string; message: string; details: Record<string, unknown> } };
    expect(body.detail.kind).toBe("validation_error");
    expect(body.detail.message).toContain("path must stay within workspace_root");
    expect(body.detail.details.filesystem_sources).toEqual(["../../etc"]);
  });

  test("422 with FastAPI's list shape for a body of the wrong type or not JSON", async () => {
    const { call } = setup();
    const res = await call("POST", "/api/v1/sessions", { filesystem_sources: "skills" });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { detail: { loc: unknown[] }[] };
    expect(body.detail[0]!.loc).toEqual(["body", "filesystem_sources"]);
    expect((await call("POST", "/api/v1/sessions", "{nope")).status).toBe(422);
  });
});

describe("GET /api/v1/sessions", () => {
  test("lists sessions newest first with created_at, skipping a corrupt session.json", async () => {
    const { call, ws } = setup();
    const first = await created(call, { title: "first" });
    const second = await created(call, { title: "second" });
    const broken = join(ws, ".skills_runtime_sdk", "sessions", "sess_broken");
    mkdirSync(broken);
    writeFileSync(join(broken, "session.json"), '{"runs_count": "many"}');
    const res = await call("GET", "/api/v1/sessions");
    expect(res.status).toBe(200);
    const { sessions } = (await res.json()) as { sessions: Record<string, unknown>[] };
    expect(sessions.map((s) => s.session_id)).toEqual([second, first]);
    expect(Object.keys(sessions[0]!).sort()).toEqual(["created_at", "runs_count", "session_id", "title", "updated_at"]);
    expect(sessions[1]).toMatchObject({ title: "first", runs_count: 0 });
  });

  test("an empty workspace lists no sessions", async () => {
    const { call } = setup();
    expect(await (await call("GET", "/api/v1/sessions")).json()).toEqual({ sessions: [] });
  });
});

describe("GET /api/v1/sessions/:session_id", () => {
  test("returns the record with its skills config and settings", async () => {
    const { call, ws } = setup();
    const id = await created(call, { title: "t", filesystem_sources: ["a"] });
    const res = await call("GET", `/api/v1/sessions/${id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      session_id: id,
      title: "t",
      runs_count: 0,
      skills: { filesystem_sources: [join(ws, "a")], disabled_paths: [] },
      settings: { backend: null, model: null, base_url: null },
    });
  });

  test("404 not_found for an unknown session and 400 for traversal", async () => {
    const { call } = setup();
    const missing = await call("GET", `/api/v1/sessions/${UNKNOWN}`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { detail: { kind: string } }).detail.kind).toBe("not_found");
    const traversal = await call("GET", "/api/v1/sessions/..%2F..");
    expect(traversal.status).toBe(400);
    expect(await traversal.json()).toMatchObject({ detail: { kind: "validation_error", details: { session_id: "../.." } } });
  });
});

describe("rename", () => {
  test("PATCH and PUT set the title and answer with the session", async () => {
    const { call } = setup();
    const id = await created(call, { title: "old" });
    const patched = await call("PATCH", `/api/v1/sessions/${id}`, { title: "  new  " });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ session_id: id, title: "new" });
    const put = await call("PUT", `/api/v1/sessions/${id}`, { title: null });
    expect(await put.json()).toMatchObject({ title: null });
    const listed = (await (await call("GET", "/api/v1/sessions")).json()) as { sessions: { title: string | null }[] };
    expect(listed.sessions[0]!.title).toBeNull();
  });

  test("422 without a title, 404 for an unknown session, 400 for traversal", async () => {
    const { call } = setup();
    const id = await created(call);
    expect((await call("PATCH", `/api/v1/sessions/${id}`, {})).status).toBe(422);
    expect((await call("PATCH", `/api/v1/sessions/${id}`, { title: 5 })).status).toBe(422);
    expect((await call("PATCH", `/api/v1/sessions/${UNKNOWN}`, { title: "x" })).status).toBe(404);
    expect((await call("PUT", "/api/v1/sessions/..%2F..", { title: "x" })).status).toBe(400);
  });
});

describe("DELETE /api/v1/sessions/:session_id", () => {
  test("204 removes the session and its runs; a second delete is 404", async () => {
    const { call, ws } = setup();
    const id = await created(call);
    const runDir = join(ws, ".skills_runtime_sdk", "runs", "run_1");
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, "run.json"), JSON.stringify({ run_id: "run_1", session_id: id }));
    const res = await call("DELETE", `/api/v1/sessions/${id}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(readdirSync(join(ws, ".skills_runtime_sdk", "runs"))).toEqual([]);
    expect((await call("DELETE", `/api/v1/sessions/${id}`)).status).toBe(404);
    expect((await call("DELETE", "/api/v1/sessions/..%2F..")).status).toBe(400);
  });

  test("a foreign Origin cannot delete (security middleware)", async () => {
    const { app, call } = setup();
    const id = await created(call);
    const res = await app.request(`http://127.0.0.1:8000/api/v1/sessions/${id}`, { method: "DELETE", headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect((await call("GET", `/api/v1/sessions/${id}`)).status).toBe(200);
  });
});

describe("session settings", () => {
  test("GET gives the defaults; PUT stores validated settings", async () => {
    const { call } = setup();
    const id = await created(call);
    expect(await (await call("GET", `/api/v1/sessions/${id}/settings`)).json()).toEqual({ backend: null, model: null, base_url: null });
    const put = await call("PUT", `/api/v1/sessions/${id}/settings`, { backend: "fake", model: "small" });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ backend: "fake", model: "small", base_url: null });
    expect(await (await call("GET", `/api/v1/sessions/${id}/settings`)).json()).toEqual({ backend: "fake", model: "small", base_url: null });
  });

  test("PUT answers 422 for a schema failure and leaves the settings unchanged", async () => {
    const { call } = setup();
    const id = await created(call);
    for (const body of [{ backend: "other" }, { base_url: "file:///etc/passwd" }, { api_key: "sk-secret" }, { model: "" }]) {
      const res = await call("PUT", `/api/v1/sessions/${id}/settings`, body);
      expect(res.status).toBe(422);
      expect(Array.isArray(((await res.json()) as { detail: unknown }).detail)).toBe(true);
    }
    expect(await (await call("GET", `/api/v1/sessions/${id}/settings`)).json()).toEqual({ backend: null, model: null, base_url: null });
  });

  test("404 for an unknown session, 400 for traversal", async () => {
    const { call } = setup();
    expect((await call("GET", `/api/v1/sessions/${UNKNOWN}/settings`)).status).toBe(404);
    expect((await call("PUT", `/api/v1/sessions/${UNKNOWN}/settings`, {})).status).toBe(404);
    expect((await call("GET", "/api/v1/sessions/..%2F..%2Fx/settings")).status).toBe(400);
  });
});

test("every session route is in the OpenAPI document", () => {
  setup();
  const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
  expect(Object.keys(paths["/api/v1/sessions"]!).sort()).toEqual(["get", "post"]);
  expect(Object.keys(paths["/api/v1/sessions/{session_id}"]!).sort()).toEqual(["delete", "get", "patch", "put"]);
  expect(Object.keys(paths["/api/v1/sessions/{session_id}/settings"]!).sort()).toEqual(["get", "put"]);
});
