/** Start-up of the compiled binary (`--version`, `doctor`) against a compiled Bun hello-world. */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, compileHello, row, timeCommand } from "./lib.ts";

export async function benchStartup(): Promise<void> {
  const binary = join(ROOT, "dist/skills-runtime");
  if (!existsSync(binary)) throw new Error("dist/skills-runtime is missing: run `bun run compile` first");
  const hello = await compileHello();
  const ws = mkdtempSync(join(tmpdir(), "sr-bench-"));
  try {
    const base = timeCommand([hello], { cwd: ws });
    console.log("start-up (compiled binaries, wall time)");
    console.log(row("bun hello-world (baseline)", base));
    console.log(row("skills-runtime --version", timeCommand([binary, "--version"], { cwd: ws }), base));
    console.log(row("skills-runtime --help", timeCommand([binary, "--help"], { cwd: ws }), base));
    console.log(row("skills-runtime doctor --json --offline", timeCommand([binary, "doctor", "--json", "--offline"], { cwd: ws, runs: 10 }), base));
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

if (import.meta.main) await benchStartup();
