/**
 * The compiled binary is the product: build it once into a temp dir and use it as a user would.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileBinary } from "../../compile/build.ts";
import { VERSION } from "../../src/version.ts";

let dir: string;
let binary: string;
const env = () => ({ PATH: "/usr/bin:/bin", HOME: dir });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sr-e2e-"));
  binary = join(dir, "skills-runtime");
  await compileBinary(binary);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], cwd = dir) {
  const r = Bun.spawnSync([binary, ...args], { cwd, env: env(), stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe("compiled binary", () => {
  test("--version prints the version", () => {
    expect(run(["--version"])).toEqual({ code: 0, stdout: `skills-runtime ${VERSION}\n`, stderr: "" });
  });

  test("doctor --json prints valid JSON with the effective config and its sources", () => {
    const ws = join(dir, "ws-doctor");
    mkdirSync(join(ws, "config"), { recursive: true });
    writeFileSync(join(ws, "config/runtime.yaml"), "sandbox:\n  profile: balanced\n");
    const r = run(["doctor", "--json", "--offline"], ws);
    const report = JSON.parse(r.stdout);
    expect(report.config.sandbox.default_policy).toBe("restricted");
    expect(report.sources["sandbox.default_policy"]).toBe("preset:balanced");
    expect(report.sources["sandbox.profile"]).toBe(`overlay:${join(ws, "config/runtime.yaml")}`);
  });

  test("does not autoload a .env or bunfig.toml from the directory it runs in", () => {
    const ws = join(dir, "ws-autoload");
    mkdirSync(ws, { recursive: true });
    // Bun would apply this preload if it read bunfig.toml; it would crash the binary.
    writeFileSync(join(ws, "bunfig.toml"), 'preload = ["./does-not-exist.ts"]\n');
    writeFileSync(join(ws, ".env"), "SKILLS_RUNTIME_SDK_EXECUTOR_MODEL=from-dotenv\n");
    const noDotenv = JSON.parse(run(["doctor", "--json", "--offline", "--no-dotenv"], ws).stdout);
    expect(noDotenv.config.models.executor).toBe("gpt-4");
    // ...while the config spec's own .env rule still applies without --no-dotenv.
    const withDotenv = JSON.parse(run(["doctor", "--json", "--offline"], ws).stdout);
    expect(withDotenv.config.models.executor).toBe("from-dotenv");
  });

  test("an unknown command exits 2", () => {
    expect(run(["nope"]).code).toBe(2);
  });

  test("serve starts on a free port and stops cleanly on SIGTERM", async () => {
    const child = Bun.spawn([binary, "serve", "--port", "0", "--workspace-root", dir], { cwd: dir, env: env(), stdout: "pipe", stderr: "pipe" });
    const reader = child.stdout.getReader();
    let out = "";
    while (!/Open (http:\/\/\S+)/.test(out)) {
      const { value, done } = await reader.read();
      if (done) break;
      out += new TextDecoder().decode(value);
    }
    const url = out.match(/Open (http:\/\/\S+)/)![1]!;
    const health = await (await fetch(new URL("/api/v1/health", url))).json();
    expect(health).toEqual({ ok: true, env_loaded: false });
    child.kill("SIGTERM");
    expect(await child.exited).toBe(0);
  });
});

describe("compiled binary: tools", () => {
  test("tools list-dir prints the JSON envelope", () => {
    const ws = join(dir, "ws-tools-list");
    mkdirSync(join(ws, "docs"), { recursive: true });
    writeFileSync(join(ws, "docs/a.md"), "# a\n");
    const r = run(["tools", "list-dir", "--dir-path", "docs"], ws);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.tool).toBe("list_dir");
    expect(out.result.data.entries).toEqual([{ rel_path: "a.md", abs_path: join(ws, "docs/a.md"), type: "file" }]);
    expect(out.stats.workspace_root).toBe(ws);
  });

  test("tools shell --yes -- echo hi runs a real process; without --yes it exits 26", () => {
    const ws = join(dir, "ws-tools-shell");
    mkdirSync(ws, { recursive: true });
    const r = run(["tools", "shell", "--yes", "--", "echo", "hi"], ws);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).result).toMatchObject({ ok: true, stdout: "hi\n", exit_code: 0 });
    const refused = run(["tools", "shell", "--", "echo", "hi"], ws);
    expect(refused.code).toBe(26);
    expect(JSON.parse(refused.stdout).result.error_kind).toBe("human_required");
  });
});
