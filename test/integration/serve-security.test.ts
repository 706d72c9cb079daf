/**
 * `serve` over a real socket (the CLI command in-process, Bun.serve on 127.0.0.1 port 0): the
 * security defaults hold on the wire, and the example skills are installed at start.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCli, type CliRun } from "../support/cli.ts";

describe("serve on a real socket", () => {
  const dir = mkdtempSync(join(tmpdir(), "sr-serve-sec-"));
  let run: CliRun;
  let base = "";
  let port = "";

  beforeAll(async () => {
    run = startCli(["serve", "--port", "0", "--backend", "fake", "--workspace-root", dir], { cwd: dir });
    const m = await run.waitFor(/Open (http:\/\/127\.0\.0\.1:(\d+))\//);
    base = m[1]!;
    port = m[2]!;
  });

  afterAll(async () => {
    run.abort();
    expect(await run.code).toBe(0);
  });

  test("a cross-origin POST is refused and creates nothing", async () => {
    const res = await fetch(`${base}/api/v1/sessions`, { method: "POST", headers: { origin: "https://evil.example", "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(403);
    const list = (await (await fetch(`${base}/api/v1/sessions`)).json()) as { sessions: unknown[] };
    expect(list.sessions).toEqual([]);
  });

  test("a same-origin POST is accepted", async () => {
    const res = await fetch(`${base}/api/v1/sessions`, { method: "POST", headers: { origin: base, "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(201);
  });

  test("a foreign Host header (DNS rebinding) is refused", async () => {
    const res = await fetch(`${base}/api/v1/health`, { headers: { host: `attacker.example:${port}` } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: { kind: string } }).detail.kind).toBe("forbidden");
  });

  test("the example skills were installed at start and are listed for a new session", async () => {
    expect(existsSync(join(dir, ".skills_runtime_sdk/skills/article-writer/SKILL.md"))).toBe(true);
    const created = (await (await fetch(`${base}/api/v1/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).json()) as { session_id: string };
    const skills = (await (await fetch(`${base}/api/v1/sessions/${created.session_id}/skills`)).json()) as { skills: { name: string }[] };
    expect(skills.skills.map((s) => s.name)).toEqual(expect.arrayContaining(["article-writer", "novel-writer"]));
  });
});
