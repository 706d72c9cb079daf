/**
 * WAL append throughput: appends/sec without fsync (delta events), with fsync on every append
 * (forceFsync, the cost of a terminal event), sync vs async API, and the in-memory WAL.
 * Prints figures only. Usage: bun bench/wal-append.ts [events=5000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeEvent } from "../src/events/schema.ts";
import { JsonlWal } from "../src/wal/append.ts";
import { InMemoryWal } from "../src/wal/memory.ts";

const total = Number(process.argv[2] ?? 5000);
const event = makeEvent("llm_response_delta", "r_bench", { delta_type: "text", text: "Lorem ipsum dolor sit amet, 中文 ✓ ".repeat(4) }, { turnId: "turn_1" });
const dir = mkdtempSync(join(tmpdir(), "wal-bench-"));

async function measure(label: string, count: number, run: (i: number) => unknown): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) await run(i);
  const seconds = (performance.now() - start) / 1000;
  const rate = count / seconds;
  console.log(`${label.padEnd(44)} ${String(count).padStart(6)} appends  ${rate.toFixed(0).padStart(9)} /s  ${((seconds / count) * 1e6).toFixed(1).padStart(8)} µs each`);
  return rate;
}

try {
  const syncWal = new JsonlWal(join(dir, "sync.jsonl"));
  const noFsync = await measure("jsonl appendSync, no fsync", total, () => syncWal.appendSync(event));
  syncWal.close();

  const asyncWal = new JsonlWal(join(dir, "async.jsonl"));
  await measure("jsonl append (async), no fsync", total, () => asyncWal.append(event));
  asyncWal.close();

  const fsyncCount = Math.max(50, Math.floor(total / 20));
  const fsyncWal = new JsonlWal(join(dir, "fsync.jsonl"));
  const withFsync = await measure("jsonl appendSync, fsync every append", fsyncCount, () => fsyncWal.appendSync(event, { forceFsync: true }));
  fsyncWal.close();

  const excl = new JsonlWal(join(dir, "excl.jsonl"), { lock: { strategy: "exclusive-create" } });
  await measure("jsonl appendSync, exclusive-create lock", total, () => excl.appendSync(event));
  excl.close();

  const memory = new InMemoryWal();
  await measure("in-memory appendSync", total, () => memory.appendSync(event));

  console.log(`fsync cost ratio (no fsync / fsync): ${(noFsync / withFsync).toFixed(1)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
