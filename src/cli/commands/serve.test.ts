import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, startCli } from "../../../test/support/cli.ts";
import { EXIT } from "../exit-codes.ts";

const dirs: string[] = [];
function ws(): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), "sr-serve-cmd-")));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function json(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${res.status}: not JSON: ${text}`);
  }
}

/** Poll GET /api/v1/runs/{id} until the run has finished. */
async function finished(base: string, runId: string): Promise<{ status: string; final_output: string | null }> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const run = await json(await fetch(`${base}/api/v1/runs/${runId}`));
    if (["completed", "failed", "cancelled"].includes(run.status)) return run;
    if (performance.now() > deadline) throw new Error(`run ${runId} did not finish: ${JSON.stringify(run)}`);
    await Bun.sleep(20);
  }
}

describe("serve --fake-script", () => {
  test("every run replays the script", async () => {
    const dir = ws();
    writeFileSync(join(dir, "replies.yaml"), "- events:\n    - { type: text_delta, text: scripted }\n    - { type: text_delta, text: ' hello' }\n    - { type: completed }\n");
    const run = startCli(["serve", "--port", "0", "--fake-script", "replies.yaml", "--workspace-root", dir], { cwd: dir });
    try {
      const [, base] = (await run.waitFor(/Open (http:\/\/127\.0\.0\.1:\d+)\//)) as unknown as [string, string];
      expect(run.stderr()).toContain('(fake LLM backend, script "replies.yaml")');
      const { session_id } = await json(await fetch(`${base}/api/v1/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }));
      // A session asking for the real endpoint still gets the script: --fake-script forces the fake backend.
      await fetch(`${base}/api/v1/sessions/${session_id}/settings`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ backend: "openai", model: null, base_url: null }),
      });
      for (const message of ["first", "second"]) {
        const created = await fetch(`${base}/api/v1/sessions/${session_id}/runs`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message }) });
        expect(created.status).toBe(201);
        const { run_id } = await json(created);
        expect(await finished(base, run_id)).toMatchObject({ status: "completed", final_output: "scripted hello" });
      }
      const config = await json(await fetch(`${base}/api/v1/sessions/${session_id}/config`));
      expect(config.backend).toMatchObject({ kind: "fake", forced_fake: true });
    } finally {
      run.abort();
      expect(await run.code).toBe(EXIT.ok);
    }
  });

  test("a bad script stops serve at start, naming the file and the problem", async () => {
    const dir = ws();
    writeFileSync(join(dir, "broken.json"), '[{"text": 1}]');
    const bad = await cli(["serve", "--port", "0", "--fake-script", "broken.json", "--workspace-root", dir], { cwd: dir });
    expect(bad.code).toBe(EXIT.config);
    expect(bad.stdout).not.toContain("Open ");
    expect(bad.stderr).toContain('Cannot read fake script "broken.json": ');
    expect(bad.stderr).toContain('at "calls.0.text"');

    const missing = await cli(["serve", "--port", "0", "--fake-script", "nope.yaml", "--workspace-root", dir], { cwd: dir });
    expect(missing.code).toBe(EXIT.config);
    expect(missing.stderr).toContain(`Cannot read fake script "nope.yaml": file not found (${join(dir, "nope.yaml")})`);
  });

  test("cannot be combined with another --backend", async () => {
    const dir = ws();
    writeFileSync(join(dir, "replies.yaml"), "- text: hi\n");
    const r = await cli(["serve", "--port", "0", "--backend", "auto", "--fake-script", "replies.yaml", "--workspace-root", dir], { cwd: dir });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("--fake-script of skills-runtime serve implies --backend fake");
  });

  test("--help documents the flag with an example", async () => {
    const r = await cli(["serve", "--help"], { cwd: ws() });
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain("--fake-script FILE");
    expect(r.stdout).toContain("skills-runtime serve --fake-script ");
  });
});
