/** Engine figures: a one-off `run` of the compiled binary vs hello-world, and in-process runs per second. */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent } from "../src/core/agent.ts";
import { FakeChatBackend } from "../src/llm/fake-backend.ts";
import { InMemoryWal } from "../src/wal/memory.ts";
import { ROOT, compileHello, row, timeCommand } from "./lib.ts";

export async function benchEngine(): Promise<void> {
  const binary = join(ROOT, "dist/skills-runtime");
  if (!existsSync(binary)) throw new Error("dist/skills-runtime is missing: run `bun run compile` first");
  const hello = await compileHello();
  const ws = mkdtempSync(join(tmpdir(), "sr-bench-engine-"));
  try {
    const base = timeCommand([hello], { cwd: ws });
    console.log("\none-off run (compiled binary, fake backend, text answer, WAL written)");
    console.log(row("bun hello-world (baseline)", base));
    console.log(row('skills-runtime run --backend fake "hi"', timeCommand([binary, "run", "--backend", "fake", "hi"], { cwd: ws, runs: 15 }), base));

    const text = (i: number) => [{ events: [{ type: "text_delta" as const, text: `answer ${i}` }, { type: "completed" as const, finish_reason: "stop" }] }];
    for (const [label, makeWal] of [
      ["JSONL WAL", () => undefined],
      ["in-memory WAL", () => new InMemoryWal()],
    ] as const) {
      const n = 200;
      const started = performance.now();
      for (let i = 0; i < n; i++) {
        const wal = makeWal();
        const agent = new Agent({ workspaceRoot: ws, backend: new FakeChatBackend(text(i)), ...(wal ? { wal } : {}) });
        await agent.run("hi");
      }
      const seconds = (performance.now() - started) / 1000;
      console.log(`${`in-process runs, ${label}`.padEnd(42)} ${(n / seconds).toFixed(0).padStart(7)} runs/s  (n=${n})`);
    }
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

if (import.meta.main) await benchEngine();
