/**
 * Build the single `skills-runtime` executable.
 *
 *   bun compile/build.ts          host binary -> dist/skills-runtime, then a smoke run
 *   bun compile/build.ts --all    also linux-x64, linux-arm64, darwin-x64, darwin-arm64 -> dist/skills-runtime-<target>
 *
 * `.env` and `bunfig.toml` autoloading are OFF in the binary: it runs inside other people's
 * repositories and must not pick up their files. `.env` is read only as the config spec says.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pkg from "../package.json" with { type: "json" };

const root = resolve(import.meta.dir, "..");
const dist = join(root, "dist");
const ALL_TARGETS = ["bun-linux-x64", "bun-linux-arm64", "bun-darwin-x64", "bun-darwin-arm64"] as const;
type Target = (typeof ALL_TARGETS)[number];

function log(message: string): void {
  process.stderr.write(`[compile] ${message}\n`);
}

export async function compileBinary(outfile: string, target?: Target): Promise<void> {
  const started = performance.now();
  const result = await Bun.build({
    entrypoints: [join(root, "src/main.ts")],
    minify: true,
    bytecode: true,
    format: "esm",
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
    for (const message of result.logs) log(String(message));
    throw new Error(`bun build --compile failed for ${target ?? "host"}`);
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
    log(`smoke ok: --version in ${version.ms.toFixed(0)} ms, doctor --json exit ${doctor.code}`);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  mkdirSync(dist, { recursive: true });
  const host = join(dist, "skills-runtime");
  await compileBinary(host);
  await smokeTest(host);
  if (process.argv.includes("--all")) {
    for (const target of ALL_TARGETS) await compileBinary(join(dist, `skills-runtime-${target.replace(/^bun-/, "")}`), target);
  }
}
