/**
 * Several processes append to the same WAL at once: no interleaved lines, no duplicate indices,
 * and every line's `seq` equals its line index (decisions.md, "Platform choices").
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readWalFile } from "../../src/wal/read.ts";

const CHILD = join(import.meta.dir, "wal-append-child.ts");
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "wal-multi-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function runWriters(path: string, writers: number, count: number, strategy: string): Promise<number[][]> {
  const startAt = String(Date.now() + 400);
  const children = Array.from({ length: writers }, (_, w) =>
    Bun.spawn([process.execPath, CHILD, path, `w${w}`, String(count), strategy, startAt], { stdout: "pipe", stderr: "pipe" }),
  );
  return Promise.all(
    children.map(async (child) => {
      const [code, out, err] = await Promise.all([child.exited, new Response(child.stdout).text(), new Response(child.stderr).text()]);
      if (code !== 0) throw new Error(`writer exited with ${code}: ${err}`);
      return JSON.parse(out) as number[];
    }),
  );
}

function checkWal(path: string, writers: number, count: number, returned: number[][]): void {
  const total = writers * count;
  const lines = readFileSync(path, "utf8").split("\n");
  expect(lines.pop()).toBe(""); // newline-terminated
  expect(lines.length).toBe(total);
  const parsed = lines.map((line) => JSON.parse(line) as { seq: number; payload: { writer: string; i: number } });
  expect(parsed.map((event) => event.seq)).toEqual(Array.from({ length: total }, (_, i) => i));
  // What each process was told matches where its events landed, in its own order.
  for (let w = 0; w < writers; w++) {
    const landed = parsed.filter((event) => event.payload.writer === `w${w}`);
    expect(landed.map((event) => event.payload.i)).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(landed.map((event) => event.seq)).toEqual(returned[w]!);
  }
  expect(new Set(returned.flat()).size).toBe(total);
  expect(readWalFile(path).length).toBe(total);
}

describe("WAL appends from several processes", () => {
  test("4 processes x 200 appends with flock give 800 lines with seq 0..799", async () => {
    const path = join(dir, "events.jsonl");
    const returned = await runWriters(path, 4, 200, "flock");
    checkWal(path, 4, 200, returned);
  }, 30_000);

  test("4 processes x 100 appends with the exclusive-create lock give unique indices", async () => {
    const path = join(dir, "events.jsonl");
    const returned = await runWriters(path, 4, 100, "exclusive-create");
    checkWal(path, 4, 100, returned);
  }, 30_000);
});
