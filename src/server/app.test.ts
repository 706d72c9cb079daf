import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../config/load.ts";
import { startCli } from "../../test/support/cli.ts";
import { createApp } from "./app.ts";

const loaded = loadConfig({ workspaceRoot: mkdtempSync(join(tmpdir(), "sr-srv-")), env: {} });

describe("security defaults", () => {
  const app = createApp({ loaded, security: { host: "127.0.0.1", port: 8000, token: null } });

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
    const secured = createApp({ loaded, security: { host: "127.0.0.1", port: 8000, token: "t0ken" } });
    expect((await secured.request("http://127.0.0.1:8000/api/v1/health")).status).toBe(401);
    expect((await secured.request("http://127.0.0.1:8000/api/v1/health", { headers: { authorization: "Bearer t0ken" } })).status).toBe(200);
  });

  test("serves the status page with a CSP", async () => {
    const res = await app.request("http://127.0.0.1:8000/");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(await res.text()).toContain("/api/v1/doctor");
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
