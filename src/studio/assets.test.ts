import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { loadConfig } from "../config/load.ts";
import { createApp, createServerContext } from "../server/app.ts";
import { STUDIO_CSP, etagMatches, studioAssets, type UiAsset } from "./assets.ts";
import { UI_ASSETS } from "./generated/ui-manifest.ts";

const ORIGIN = "http://127.0.0.1:8000";
const HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/** A small built UI in a temp dir, with the app's JSON 404 behind the Studio routes. */
function fakeStudio(): Hono {
  const dir = mkdtempSync(join(tmpdir(), "sr-studio-"));
  mkdirSync(join(dir, "assets"));
  const files: [string, string, string][] = [
    ["/index.html", '<!doctype html><div id="app"></div><script type="module" src="/assets/app-AAAA.js"></script>', "text/html; charset=utf-8"],
    ["/assets/app-AAAA.js", "console.log(1)", "text/javascript; charset=utf-8"],
    ["/assets/app-BBBB.css", "body{margin:0}", "text/css; charset=utf-8"],
    ["/assets/icon-CCCC.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"],
  ];
  const assets: Record<string, UiAsset> = {};
  for (const [url, text, mime] of files) {
    const file = join(dir, url);
    writeFileSync(file, text);
    assets[url] = { file, mime, immutable: url.startsWith("/assets/"), bytes: text.length, etag: `"${url.length}-${text.length}"` };
  }
  const app = new Hono();
  app.get("/api/v1/health", (c) => c.json({ ok: true }));
  app.route("/", studioAssets({ assets }));
  app.notFound((c) => c.json({ detail: { kind: "not_found" } }, 404));
  return app;
}

describe("studio assets", () => {
  const app = fakeStudio();
  const get = (path: string, headers: Record<string, string> = {}) => Promise.resolve(app.request(`${ORIGIN}${path}`, { headers }));

  test("serves index.html at / and /index.html with no-cache, the CSP, nosniff and no referrer", async () => {
    for (const path of ["/", "/index.html"]) {
      const res = await get(path, { accept: HTML });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("cache-control")).toBe("no-cache");
      expect(res.headers.get("content-security-policy")).toBe(STUDIO_CSP);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(await res.text()).toContain('<div id="app">');
    }
  });

  test("the CSP allows nothing inline and nothing from another origin", () => {
    expect(STUDIO_CSP).not.toContain("unsafe-inline");
    expect(STUDIO_CSP).not.toContain("unsafe-eval");
    for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) {
      expect(STUDIO_CSP).toContain(directive);
    }
  });

  test("serves hashed assets with their MIME type, an immutable cache header and nosniff", async () => {
    const cases = { "/assets/app-AAAA.js": "text/javascript; charset=utf-8", "/assets/app-BBBB.css": "text/css; charset=utf-8", "/assets/icon-CCCC.svg": "image/svg+xml" };
    for (const [path, mime] of Object.entries(cases)) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(mime);
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-security-policy")).toBeNull();
    }
    expect(await (await get("/assets/app-AAAA.js")).text()).toBe("console.log(1)");
  });

  test("answers HEAD with the headers and no body", async () => {
    const res = await app.request(`${ORIGIN}/assets/app-AAAA.js`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("content-length")).toBe(String("console.log(1)".length));
    expect(await res.text()).toBe("");
  });

  test("answers 304 without a body when If-None-Match names the ETag", async () => {
    const first = await get("/assets/app-BBBB.css");
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^".+"$/);
    const again = await get("/assets/app-BBBB.css", { "if-none-match": `"other", W/${etag}` });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
    expect((await get("/assets/app-BBBB.css", { "if-none-match": '"other"' })).status).toBe(200);
  });

  test("serves index.html for a client-side route when the browser asks for HTML", async () => {
    const res = await get("/sessions/s_1/runs/r_1", { accept: HTML });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBe(STUDIO_CSP);
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("vary")).toBe("accept");
    expect(await res.text()).toContain('<div id="app">');
  });

  test("leaves API paths, unknown assets and non-HTML requests to the JSON 404", async () => {
    for (const path of ["/api/v1/nope", "/api", "/studio/api/v1/nope", "/assets/app-ZZZZ.js", "/assets"]) {
      const res = await get(path, { accept: HTML });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ detail: { kind: "not_found" } });
    }
    expect((await get("/favicon.ico", { accept: "image/avif,image/webp,*/*" })).status).toBe(404);
    expect((await get("/sessions/x")).status).toBe(404);
    expect((await get("/assets/app-ZZZZ.js")).headers.get("x-content-type-options")).toBe("nosniff");
  });

  test("a registered route still wins over the fallback", async () => {
    expect(await (await get("/api/v1/health", { accept: HTML })).json()).toEqual({ ok: true });
  });
});

describe("etagMatches", () => {
  test("compares weakly, in a list, and accepts *", () => {
    expect(etagMatches('"a"', '"a"')).toBe(true);
    expect(etagMatches('W/"a"', '"a"')).toBe(true);
    expect(etagMatches('"b", "a"', '"a"')).toBe(true);
    expect(etagMatches("*", '"a"')).toBe(true);
    expect(etagMatches('"b"', '"a"')).toBe(false);
    expect(etagMatches(undefined, '"a"')).toBe(false);
  });
});

describe("the built Studio in serve", async () => {
  const loaded = loadConfig({ workspaceRoot: mkdtempSync(join(tmpdir(), "sr-studio-srv-")), env: {} });
  const appWith = async (token: string | null) => createApp(await createServerContext({ loaded, security: { host: "127.0.0.1", port: 8000, token }, forceFakeBackend: true }));
  const app = await appWith(null);

  test("the generated manifest has index.html and every asset it references, with their MIME types", async () => {
    const index = UI_ASSETS["/index.html"];
    expect(index?.mime).toBe("text/html; charset=utf-8");
    const html = readFileSync(index!.file, "utf8");
    const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(refs.some((r) => r.endsWith(".js"))).toBe(true);
    expect(refs.some((r) => r.endsWith(".css"))).toBe(true);
    for (const ref of refs) {
      const res = await app.request(`${ORIGIN}${ref}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(UI_ASSETS[ref]!.mime);
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    }
  });

  test("GET / serves the built index.html with the CSP", async () => {
    const res = await app.request(`${ORIGIN}/`, { headers: { accept: HTML } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBe(STUDIO_CSP);
    expect(await res.text()).toContain('<script type="module" src="/assets/');
  });

  test("an unknown API path keeps the JSON error envelope", async () => {
    const res = await app.request(`${ORIGIN}/api/v1/nope`, { headers: { accept: HTML } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { detail: { kind: string } }).detail.kind).toBe("not_found");
  });

  test("the Host allowlist applies to the Studio", async () => {
    const res = await app.request(`${ORIGIN}/`, { headers: { host: "evil.example:8000", accept: HTML } });
    expect(res.status).toBe(403);
  });

  test("with a token: / needs it, ?token= sets the HttpOnly cookie, and the cookie then opens the Studio and its assets", async () => {
    const secured = await appWith("t0ken-t0ken");
    expect((await secured.request(`${ORIGIN}/`, { headers: { accept: HTML } })).status).toBe(401);
    expect((await secured.request(`${ORIGIN}/sessions/x`, { headers: { accept: HTML } })).status).toBe(401);

    const opened = await secured.request(`${ORIGIN}/?token=t0ken-t0ken`, { headers: { accept: HTML } });
    expect(opened.status).toBe(200);
    expect(opened.headers.get("content-security-policy")).toBe(STUDIO_CSP);
    const cookie = opened.headers.get("set-cookie") ?? "";
    expect(cookie).toContain("skills_runtime_token=t0ken-t0ken");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");

    const jsPath = Object.keys(UI_ASSETS).find((p) => p.endsWith(".js"))!;
    const withCookie = { cookie: "skills_runtime_token=t0ken-t0ken" };
    expect((await secured.request(`${ORIGIN}${jsPath}`, { headers: withCookie })).status).toBe(200);
    expect((await secured.request(`${ORIGIN}/sessions/x`, { headers: { ...withCookie, accept: HTML } })).status).toBe(200);
  });
});
