import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../config/load.ts";
import { startCli } from "../../test/support/cli.ts";
import { createApp, createServerContext } from "./app.ts";
import type { SecurityOptions } from "./security.ts";

const loaded = loadConfig({ workspaceRoot: mkdtempSync(join(tmpdir(), "sr-srv-")), env: {} });
const appWith = async (security: SecurityOptions) => createApp(await createServerContext({ loaded, security, forceFakeBackend: true }));

describe("security defaults", async () => {
  const app = await appWith({ host: "127.0.0.1", port: 8000, token: null });

  test("health answers on an allowed host", async () => {
    const res = await app.request("http://127.0.0.1:8000/api/v1/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, env_loaded: false });
  });

  test("refuses a foreign Host header (DNS rebinding)", async () => {
    const res = await app.request("http://127.0.0.1:8000/api/v1/health", { headers: { host: "evil.example:8000" } });
    expect(res.status).toBe(403);
  });

  test("refuses a state-changing request from a foreign Origin", async () => {
    const res = await app.request("http://127.0.0.1:8000/api/v1/health", { method: "POST", headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(403);
  });

  test("requires the token when one is set", async () => {
    const secured = await appWith({ host: "127.0.0.1", port: 8000, token: "t0ken" });
    expect((await secured.request("http://127.0.0.1:8000/api/v1/health")).status).toBe(401);
    expect((await secured.request("http://127.0.0.1:8000/api/v1/health", { headers: { authorization: "Bearer t0ken" } })).status).toBe(200);
  });

  test("serves the Studio at / with a CSP", async () => {
    const res = await app.request("http://127.0.0.1:8000/");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(await res.text()).toContain('<div id="app">');
  });
});

describe("serve command", () => {
  test("listens on 127.0.0.1, prints the URL, and stops on abort", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sr-serve-"));
    const run = startCli(["serve", "--port", "0", "--workspace-root", dir], { cwd: dir });
    const [, url] = (await run.waitFor(/Open (http:\/\/127\.0\.0\.1:\d+\/)/)) as unknown as [string, string];
    const res = await fetch(`${url}api/v1/health`);
    expect(await res.json()).toEqual({ ok: true, env_loaded: false });
    run.abort();
    expect(await run.code).toBe(0);
    await expect(fetch(`${url}api/v1/health`)).rejects.toThrow();
  });

  test("a non-loopback bind gets a generated token", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sr-serve-"));
    const run = startCli(["serve", "--host", "0.0.0.0", "--port", "0", "--workspace-root", dir], { cwd: dir });
    const m = await run.waitFor(/Open http:\/\/0\.0\.0\.0:(\d+)\/\?token=(\S+)/);
    const res = await fetch(`http://127.0.0.1:${m[1]}/api/v1/health`, { headers: { host: `0.0.0.0:${m[1]}` } });
    expect(res.status).toBe(401);
    run.abort();
    expect(await run.code).toBe(0);
  });
});

describe("assembled API", async () => {
  const app = await appWith({ host: "127.0.0.1", port: 8000, token: null, maxBodyBytes: 1024 });

  test("openapi.json documents every mounted API route, with request schemas", async () => {
    const res = await app.request("http://127.0.0.1:8000/api/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(doc.openapi).toBe("3.1.0");
    for (const [path, method] of [
      ["/api/v1/sessions", "post"],
      ["/api/v1/sessions/{session_id}/runs", "post"],
      ["/api/v1/runs/{run_id}/events/stream", "get"],
      ["/api/v1/runs/{run_id}/approvals/{approval_key}", "post"],
      ["/api/v1/runs/{run_id}/cancel", "post"],
      ["/studio/api/v1/sessions/{session_id}/skills", "post"],
      ["/api/v1/doctor", "get"],
    ] as const) {
      expect(doc.paths[path]?.[method]).toBeDefined();
    }
    expect(doc.paths["/api/v1/sessions/{session_id}/runs"]!.post!.requestBody).toBeDefined();
  });

  test("a body over the limit is refused with 413 and the error envelope", async () => {
    const res = await app.request("http://127.0.0.1:8000/api/v1/sessions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "x".repeat(2000) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { detail: { kind: string } }).detail.kind).toBe("payload_too_large");
  });

  test("an unknown route is a 404 envelope", async () => {
    const res = await app.request("http://127.0.0.1:8000/api/v1/nope");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { detail: { kind: string } }).detail.kind).toBe("not_found");
  });
});

describe("access token", async () => {
  const app = await appWith({ host: "0.0.0.0", port: 8000, token: "s3cret-token" });
  const host = { host: "0.0.0.0:8000" };

  test("the token in the printed URL sets an HttpOnly cookie that authorises later requests", async () => {
    const first = await app.request("http://0.0.0.0:8000/?token=s3cret-token", { headers: host });
    expect(first.status).toBe(200);
    const cookie = first.headers.get("set-cookie") ?? "";
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    const later = await app.request("http://0.0.0.0:8000/api/v1/health", { headers: { ...host, cookie: cookie.split(";")[0]! } });
    expect(later.status).toBe(200);
  });

  test("a wrong token of the same or another length is refused", async () => {
    for (const token of ["s3cret-tokeX", "short"]) {
      const res = await app.request("http://0.0.0.0:8000/api/v1/health", { headers: { ...host, authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
    }
  });
});
