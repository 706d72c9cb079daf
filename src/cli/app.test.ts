import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../../test/support/cli.ts";
import { VERSION } from "../version.ts";

const dirs: string[] = [];
function ws(): string {
  const d = mkdtempSync(join(tmpdir(), "sr-cli-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("top level", () => {
  test("--version prints the package version", async () => {
    const r = await cli(["--version"], { cwd: ws() });
    expect(r).toEqual({ code: 0, stdout: `skills-runtime ${VERSION}\n`, stderr: "" });
  });

  test("--help lists every command", async () => {
    const r = await cli(["--help"], { cwd: ws() });
    expect(r.code).toBe(0);
    for (const name of ["run", "serve", "skills", "tools", "runs", "doctor", "version"]) expect(r.stdout).toMatch(new RegExp(`\\n  ${name}\\s`));
  });

  for (const name of ["run", "serve", "skills", "tools", "runs", "doctor"]) {
    test(`${name} --help explains its flags with an example`, async () => {
      const r = await cli([name, "--help"], { cwd: ws() });
      expect(r.code).toBe(0);
      expect(r.stdout).toStartWith(`Usage: skills-runtime ${name}`);
      expect(r.stdout).toContain("Flags:");
      expect(r.stdout).toMatch(/Examples?:\n  skills-runtime /);
    });
  }

  test("an unknown command is a usage error (exit 2) that names it", async () => {
    const r = await cli(["frobnicate"], { cwd: ws() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });

  test("an unknown flag is a usage error (exit 2) that names it", async () => {
    const r = await cli(["doctor", "--frob"], { cwd: ws() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown flag "--frob"');
  });
});

describe("doctor", () => {
  test("--json prints the effective config with its sources", async () => {
    const dir = ws();
    mkdirSync(join(dir, "config"));
    writeFileSync(join(dir, "config/runtime.yaml"), "run:\n  max_steps: 9\n");
    const r = await cli(["doctor", "--json", "--offline", "--workspace-root", dir], { cwd: "/" });
    const report = JSON.parse(r.stdout);
    expect(report.workspace_root).toBe(dir);
    expect(report.state_dir).toBe(join(dir, ".skills_runtime_sdk"));
    expect(report.config.run.max_steps).toBe(9);
    expect(report.sources["run.max_steps"]).toBe(`overlay:${join(dir, "config/runtime.yaml")}`);
    expect(report.sources["safety.mode"]).toBe("embedded_default");
    expect(report.sandbox.adapter).toBe(process.platform === "darwin" ? "seatbelt" : "bubblewrap");
    expect(typeof report.sandbox.available).toBe("boolean");
    expect(report.llm.api_key_present).toBe(false);
    expect(report.checks.map((c: { name: string }) => c.name)).toEqual(["config", "sandbox", "llm"]);
  });

  test("never prints secrets, even when config embeds them", async () => {
    const dir = ws();
    writeFileSync(join(dir, ".env"), "OPENAI_API_KEY=sk-very-secret-123\n");
    mkdirSync(join(dir, "config"));
    writeFileSync(join(dir, "config/runtime.yaml"), "models:\n  executor: sk-very-secret-123\n");
    const r = await cli(["doctor", "--json", "--offline", "--workspace-root", dir], { cwd: "/" });
    expect(r.stdout).not.toContain("sk-very-secret-123");
    const report = JSON.parse(r.stdout);
    expect(report.dotenv_keys).toEqual(["OPENAI_API_KEY"]);
    expect(report.llm.api_key_present).toBe(true);
    expect(report.config.models.executor).toBe("<redacted>");
  });

  test("a config error is reported with the file and key, exit 1", async () => {
    const dir = ws();
    mkdirSync(join(dir, "config"));
    writeFileSync(join(dir, "config/runtime.yaml"), "safety:\n  mode: sometimes\n");
    const r = await cli(["doctor", "--json", "--offline", "--workspace-root", dir], { cwd: "/" });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.config_error.message).toBe('config/runtime.yaml: safety.mode: expected one of allow|ask|deny, got "sometimes"');
  });

  test("contacts a loopback LLM endpoint and reports the answer", async () => {
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => Response.json({ data: [] }) });
    try {
      const dir = ws();
      mkdirSync(join(dir, "config"));
      writeFileSync(join(dir, "config/runtime.yaml"), `llm:\n  base_url: http://127.0.0.1:${server.port}/v1/\n`);
      const r = await cli(["doctor", "--json", "--workspace-root", dir], { cwd: "/" });
      const report = JSON.parse(r.stdout);
      expect(report.llm.reachable).toBe(true);
      expect(report.llm.detail).toContain(`GET http://127.0.0.1:${server.port}/v1/models answered HTTP 200`);
    } finally {
      server.stop(true);
    }
  });

  test("human output names each check", async () => {
    const r = await cli(["doctor", "--offline", "--workspace-root", ws()], { cwd: "/" });
    expect(r.stdout).toMatch(/\[(ok  |warn|FAIL)\] config: valid/);
    expect(r.stdout).toMatch(/\] sandbox: /);
  });
});
