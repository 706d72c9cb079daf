/** Tiny benchmark helpers: time whole commands, report median and percentiles. Never asserts. */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "..");
export const OUT = join(ROOT, "bench/.out");

export interface Stats {
  median: number;
  p90: number;
  min: number;
  runs: number;
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p90: at(0.9), min: sorted[0]!, runs: sorted.length };
}

/** Wall time of a command, in milliseconds, over `runs` runs after `warmup` runs. */
export function timeCommand(argv: string[], options: { runs?: number; warmup?: number; cwd?: string; env?: Record<string, string> } = {}): Stats {
  const runs = options.runs ?? 20;
  const samples: number[] = [];
  for (let i = 0; i < (options.warmup ?? 3) + runs; i++) {
    const started = performance.now();
    const result = Bun.spawnSync(argv, { cwd: options.cwd, env: options.env ?? { PATH: "/usr/bin:/bin", HOME: options.cwd ?? "/tmp" }, stdout: "ignore", stderr: "pipe" });
    const elapsed = performance.now() - started;
    if (result.exitCode !== 0) throw new Error(`${argv.join(" ")} exited ${result.exitCode}: ${result.stderr.toString()}`);
    if (i >= (options.warmup ?? 3)) samples.push(elapsed);
  }
  return stats(samples);
}

export async function compileHello(): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const outfile = join(OUT, "hello");
  const result = await Bun.build({
    entrypoints: [join(ROOT, "bench/hello.ts")],
    minify: true,
    bytecode: true,
    compile: { outfile, autoloadDotenv: false, autoloadBunfig: false },
  });
  if (!result.success) throw new Error("cannot compile the hello-world baseline");
  return outfile;
}

export function row(name: string, s: Stats, baseline?: Stats): string {
  const ratio = baseline ? `  ${(s.median / baseline.median).toFixed(2)}x baseline` : "";
  return `${name.padEnd(42)} median ${s.median.toFixed(1).padStart(7)} ms  p90 ${s.p90.toFixed(1).padStart(7)} ms  (n=${s.runs})${ratio}`;
}
