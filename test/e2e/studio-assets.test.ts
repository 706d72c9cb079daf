/**
 * The Studio as the compiled binary serves it: the embedded files over HTTP (content types, cache headers,
 * CSP), then the page in headless Chromium (it loads, and nothing goes wrong or leaves 127.0.0.1).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page, Response } from "playwright-core";
import { browserSkipReason, openBrowser, skipLabel, startStudioServer, studioBinary, type StudioBrowser, type StudioServer } from "../support/browser.ts";

const HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const IMMUTABLE = "public, max-age=31536000, immutable";

let server: StudioServer;
/** The /assets/ paths index.html references, by extension. */
let assets: { js: string; css: string; svg: string };

beforeAll(async () => {
  server = await startStudioServer(await studioBinary());
  const html = await (await fetch(`${server.origin}/`, { headers: { accept: HTML_ACCEPT } })).text();
  const ref = (ext: string) => html.match(new RegExp(`(?:src|href)="(/assets/[^"]+\\.${ext})"`))?.[1] ?? `(index.html names no .${ext}: ${html})`;
  assets = { js: ref("js"), css: ref("css"), svg: ref("svg") };
}, 180_000);
afterAll(async () => {
  await server?.stop();
});

describe("the compiled binary serves the embedded Studio", () => {
  test("index.html at / with no-cache, the strict CSP, nosniff and no referrer", async () => {
    const res = await fetch(`${server.origin}/`, { headers: { accept: HTML_ACCEPT } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("content-security-policy")).toBe(CSP);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await res.text()).toContain('<div id="app">');
  });

  test("the script, stylesheet and icon with their content types and immutable caching", async () => {
    const expected = { [assets.js]: "text/javascript; charset=utf-8", [assets.css]: "text/css; charset=utf-8", [assets.svg]: "image/svg+xml" };
    for (const [path, mime] of Object.entries(expected)) {
      const res = await fetch(`${server.origin}${path}`);
      expect({ path, status: res.status, type: res.headers.get("content-type") }).toEqual({ path, status: 200, type: mime });
      expect(res.headers.get("cache-control")).toBe(IMMUTABLE);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
  });

  test("HEAD gives the length without a body, and a matching ETag gives 304", async () => {
    const get = await fetch(`${server.origin}${assets.js}`);
    const length = (await get.arrayBuffer()).byteLength;
    const head = await fetch(`${server.origin}${assets.js}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(Number(head.headers.get("content-length"))).toBe(length);
    const again = await fetch(`${server.origin}${assets.js}`, { headers: { "if-none-match": get.headers.get("etag")! } });
    expect(again.status).toBe(304);
  });

  test("a client-side route gets index.html; unknown API paths and assets stay 404", async () => {
    const route = await fetch(`${server.origin}/sessions/s_unknown/settings`, { headers: { accept: HTML_ACCEPT } });
    expect(route.status).toBe(200);
    expect(route.headers.get("content-security-policy")).toBe(CSP);
    expect(await route.text()).toContain('<div id="app">');
    const api = await fetch(`${server.origin}/api/v1/nope`, { headers: { accept: HTML_ACCEPT } });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { detail: { kind: string } }).detail.kind).toBe("not_found");
    expect((await fetch(`${server.origin}/assets/nope-12345678.js`)).status).toBe(404);
  });
});

const reason = browserSkipReason();

describe.skipIf(reason !== null)(skipLabel("the Studio in headless Chromium", reason), () => {
  let browser: StudioBrowser;
  beforeAll(async () => {
    browser = await openBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** Open the Studio and wait until it has picked (or created) a session and rendered. */
  async function openStudio(page: Page, url: string): Promise<void> {
    await page.goto(url);
    await page.waitForURL(/\/sessions\/[^/]+$/, { timeout: 15_000 });
    await page.locator("#app > *").first().waitFor();
    await page.waitForLoadState("networkidle", { timeout: 5_000 }).catch(() => undefined);
  }

  test("loads from 127.0.0.1 only, with the right headers and no console errors, CSP violations or failed requests", async () => {
    const page = await browser.newPage();
    const responses = new Map<string, Response>();
    page.on("response", (res) => void responses.set(new URL(res.url()).pathname, res));
    await openStudio(page, server.url);
    await browser.screenshot(page, "studio-loaded");

    const document = responses.get("/");
    expect(document?.status()).toBe(200);
    expect(await document?.headerValue("content-security-policy")).toBe(CSP);
    expect(await document?.headerValue("cache-control")).toBe("no-cache");
    const expected = { [assets.js]: "text/javascript; charset=utf-8", [assets.css]: "text/css; charset=utf-8", [assets.svg]: "image/svg+xml" };
    for (const [path, mime] of Object.entries(expected)) {
      const res = responses.get(path);
      expect({ path, status: res?.status(), type: await res?.headerValue("content-type") }).toEqual({ path, status: 200, type: mime });
      expect(await res?.headerValue("cache-control")).toBe(IMMUTABLE);
    }
    // The app talked to the API: it listed (and created) a session.
    expect(browser.requests.some((url) => url.startsWith(`${server.origin}/api/v1/sessions`))).toBe(true);
    expect(browser.requests.filter((url) => !url.startsWith(`${server.origin}/`) && !url.startsWith("data:"))).toEqual([]);
    expect(browser.problemList()).toEqual([]);
    await page.close();
  });

  test("a reload of a client-side route shows the Studio again", async () => {
    const page = await browser.newPage();
    await openStudio(page, server.url);
    const route = page.url();
    await page.reload();
    await page.locator("#app > *").first().waitFor();
    expect(page.url()).toBe(route);
    expect(await page.title()).toContain("Studio");
    await browser.screenshot(page, "studio-reloaded");
    expect(browser.problemList()).toEqual([]);
    await page.close();
  });

  test("the problem collector sees a CSP violation (an inline script is refused)", async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    // Browser-side code as strings: the root tsconfig has no DOM types.
    await page.evaluate(`{ const script = document.createElement("script"); script.textContent = "window.__inlineRan = true"; document.body.append(script); }`);
    for (let waited = 0; browser.problems.cspViolations.length === 0 && waited < 5_000; waited += 50) await Bun.sleep(50);
    expect(await page.evaluate("window.__inlineRan")).toBeUndefined();
    expect(browser.problems.cspViolations.join("\n")).toContain("script-src");
    browser.clearProblems();
    await page.close();
  });
});
