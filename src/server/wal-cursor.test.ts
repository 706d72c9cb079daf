import { afterEach, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WalCursor, lastWalLine, readEventsPage } from "./wal-cursor.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function walFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "sr-cursor-"));
  dirs.push(dir);
  const path = join(dir, "events.jsonl");
  writeFileSync(path, text);
  return path;
}

const line = (type: string, extra: Record<string, unknown> = {}) => JSON.stringify({ type, timestamp: "t", run_id: "r", payload: {}, ...extra }) + "\n";

describe("WalCursor", () => {
  test("numbers non-blank lines as seq, keeps bad lines' positions and waits for a partial line", async () => {
    const path = walFile(line("run_started") + "\n" + "not json\n" + line("llm_usage") + '{"type": "run_comp');
    const cursor = new WalCursor(path);
    const lines = await cursor.read();
    expect(lines.map((l) => [l.seq, l.line, l.type])).toEqual([
      [0, 0, "run_started"],
      [1, 2, null],
      [2, 3, "llm_usage"],
    ]);
    expect(lines[1]!.value).toBeNull();
    expect(await cursor.read()).toEqual([]);
    appendFileSync(path, 'leted", "payload": {}}\n');
    const next = await cursor.read();
    expect(next.map((l) => [l.seq, l.type])).toEqual([[3, "run_completed"]]);
    expect(cursor.atTerminal).toBe(true);
  });

  test("reads a line longer than its chunk and keeps multi-byte characters whole", async () => {
    const big = line("llm_response_delta", { payload: { text: "é".repeat(5000) } });
    const path = walFile(big + line("run_cancelled"));
    const cursor = new WalCursor(path, { chunkBytes: 64 });
    const seen: string[] = [];
    await cursor.readAll((l) => seen.push(l.type ?? "?"));
    expect(seen).toEqual(["llm_response_delta", "run_cancelled"]);
    const again = new WalCursor(path, { chunkBytes: 64 });
    const [first] = await again.read();
    expect((first!.value!.payload as { text: string }).text).toBe("é".repeat(5000));
  });

  test("a missing file reads as empty", async () => {
    expect(await new WalCursor("/nonexistent/dir/events.jsonl").read()).toEqual([]);
    expect(await lastWalLine("/nonexistent/dir/events.jsonl")).toBeNull();
  });

  test("refuses a line longer than maxLineBytes", async () => {
    const path = walFile("x".repeat(100));
    await expect(new WalCursor(path, { chunkBytes: 64, maxLineBytes: 128 }).read()).resolves.toEqual([]);
    const long = walFile("x".repeat(300) + "\n");
    await expect(new WalCursor(long, { chunkBytes: 64, maxLineBytes: 128 }).read()).rejects.toThrow(/longer than 128 bytes/);
  });
});

describe("lastWalLine", () => {
  test("returns the last complete line from the file's tail", async () => {
    const path = walFile(line("run_started") + line("run_completed") + "\n  \n" + '{"partial');
    expect((await lastWalLine(path))?.type).toBe("run_completed");
    expect((await lastWalLine(path, 40))?.type).toBe("run_completed");
  });
});

describe("readEventsPage", () => {
  test("returns events after a seq up to a limit and says when the end is terminal", async () => {
    const path = walFile(line("run_started") + line("llm_usage") + "garbage\n" + line("run_failed"));
    expect(await readEventsPage(path, -1, 2)).toMatchObject({ nextAfter: 1, terminal: false });
    const rest = await readEventsPage(path, 1, 10);
    expect(rest.events.map((e) => [e.type, e.seq])).toEqual([["run_failed", 3]]);
    expect(rest).toMatchObject({ nextAfter: 3, terminal: true });
  });
});
