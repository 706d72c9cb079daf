/**
 * Build the single `skills-runtime` executable.
 *
 *   bun compile/build.ts          host binary -> dist/skills-runtime, then a smoke run
 *   bun compile/build.ts --all    also linux-x64, linux-arm64, darwin-x64, darwin-arm64 -> dist/skills-runtime-<target>
 *
 * The Studio UI is built first (compile/ui-build.ts): its files are embedded through the generated
 * src/studio/generated/ui-manifest.ts. The smoke run checks `--version`, `doctor --json`, and that `serve`
 * answers / and the UI's script with the right content types.
 *
 * `.env` and `bunfig.toml` autoloading are OFF in the binary: it runs inside other people's
 * repositories and must not pick up their files. `.env` is read only as the config spec says.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pkg from "../package.json" with { type: "json" };
import { buildUi, type UiBuildOptions } from "./ui-build.ts";

const root = resolve(import.meta.dir, "..");
const dist = join(root, "dist");
const ALL_TARGETS = ["bun-linux-x64", "bun-linux-arm64", "bun-darwin-x64", "bun-darwin-arm64"] as const;
type Target = (typeof ALL_TARGETS)[number];

function log(message: string): void {
  process.stderr.write(`[compile] ${message}\n`);
}

export interface CompileOptions {
  /** A cross-compile target; the host by default. */
  target?: Target;
  /** Options of the Studio UI build that runs first. */
  ui?: UiBuildOptions;
}

/** Build the Studio UI, then the binary that embeds it. */
export async function compileBinary(outfile: string, options: CompileOptions = {}): Promise<void> {
  const { target } = options;
  await buildUi(options.ui);
  const started = performance.now();
  const result = await Bun.build({
    entrypoints: [join(root, "src/main.ts")],
    minify: true,
    bytecode: true,
    format: "esm",
    throw: false,
    compile: {
      outfile,
      ...(target ? { target } : {}),
      autoloadDotenv: false,
      autoloadBunfig: false,
      autoloadTsconfig: false,
      autoloadPackageJson: false,
    },
  });
  if (!result.success) {
    const messages = result.logs.map(String);
    for (const message of messages) log(message);
    // A Bun process keeps the directory listings it has read: after it imported an older ui-manifest.ts, a Studio
    // build that produced a new file (a new chunk or asset) cannot be resolved in that process.
    const stale = messages.some((m) => m.includes("Could not resolve") && m.includes("studio-ui/"));
    throw new Error(`bun build --compile failed for ${target ?? "host"}${stale ? ": the Studio UI changed after this process loaded it; run `bun run ui` first" : ""}`);
  }
  const size = (statSync(outfile).size / 1024 / 1024).toFixed(1);
  log(`built ${outfile} (${target ?? "host"}, ${size} MiB) in ${Math.round(performance.now() - started)} ms`);
}

async function run(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  const child = Bun.spawn(argv, { cwd, stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cwd } });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr, ms: performance.now() - started };
}

/** Run the produced binary as a user would and check what it prints. */
export async function smokeTest(binary: string): Promise<void> {
  const ws = mkdtempSync(join(tmpdir(), "sr-smoke-"));
  try {
    const version = await run([binary, "--version"], ws);
    if (version.code !== 0 || version.stdout.trim() !== `skills-runtime ${pkg.version}`) {
      throw new Error(`smoke: --version printed ${JSON.stringify(version.stdout)} (exit ${version.code}) ${version.stderr}`);
    }
    const doctor = await run([binary, "doctor", "--json", "--offline"], ws);
    const report = JSON.parse(doctor.stdout) as { workspace_root?: string; sources?: Record<string, string> };
    if (!report.sources || report.sources["run.max_steps"] !== "embedded_default") {
      throw new Error(`smoke: doctor --json did not report config sources: ${doctor.stdout.slice(0, 400)} ${doctor.stderr}`);
    }
    const studio = await smokeServe(binary, ws);
    log(`smoke ok: --version in ${version.ms.toFixed(0)} ms, doctor --json exit ${doctor.code}, ${studio}`);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

/** Start `serve` on a free loopback port, fetch / and the script it names, then stop it by PID. */
async function smokeServe(binary: string, ws: string): Promise<string> {
  const child = Bun.spawn([binary, "serve", "--backend", "fake", "--host", "127.0.0.1", "--port", "0", "--workspace-root", ws], {
    cwd: ws,
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: ws },
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  try {
    let out = "";
    const reader = child.stdout.getReader();
    while (!/Open http:\/\/127\.0\.0\.1:\d+\//.test(out)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`smoke: serve exited before printing its URL: ${out} ${await new Response(child.stderr).text()}`);
      out += new TextDecoder().decode(value);
    }
    reader.releaseLock();
    const origin = out.match(/Open (http:\/\/127\.0\.0\.1:\d+)\//)![1]!;
    const index = await fetch(`${origin}/`, { headers: { accept: "text/html" } });
    const html = await index.text();
    if (index.status !== 200 || index.headers.get("content-type") !== "text/html; charset=utf-8" || !index.headers.get("content-security-policy")) {
      throw new Error(`smoke: serve answered / with ${index.status} ${index.headers.get("content-type")}: ${html.slice(0, 200)}`);
    }
    const script = html.match(/<script type="module" src="(\/assets\/[^"]+\.js)"/)?.[1];
    if (script === undefined) throw new Error(`smoke: the served index.html names no /assets/*.js script: ${html.slice(0, 400)}`);
    const js = await fetch(`${origin}${script}`);
    const bytes = (await js.arrayBuffer()).byteLength;
    if (js.status !== 200 || js.headers.get("content-type") !== "text/javascript; charset=utf-8" || bytes === 0) {
      throw new Error(`smoke: serve answered ${script} with ${js.status} ${js.headers.get("content-type")} (${bytes} bytes)`);
    }
    return `serve answers / and ${script}`;
  } finally {
    clearTimeout(timer);
    child.kill("SIGTERM");
    await child.exited;
  }
}

if (import.meta.main) {
  try {
    mkdirSync(dist, { recursive: true });
    const host = join(dist, "skills-runtime");
    await compileBinary(host);
    await smokeTest(host);
    if (process.argv.includes("--all")) {
      for (const target of ALL_TARGETS) await compileBinary(join(dist, `skills-runtime-${target.replace(/^bun-/, "")}`), { target });
    }
  } catch (error) {
    log((error as Error).message);
    process.exit(1);
  }
}
