import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentEvent } from "../events/schema.ts";
import { parseWalText, readWalFile, streamWalFile, type WalReadWarning } from "./read.ts";

const FIXTURES = join(import.meta.dir, "../../test/fixtures/wal");
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "wal-read-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function collect(iterable: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const out: AgentEvent[] = [];
  for await (const event of iterable) out.push(event);
  return out;
}

describe("readWalFile", () => {
  test("skips blank, non-JSON, non-object and invalid lines with warnings and a summary", () => {
    const warnings: WalReadWarning[] = [];
    const path = join(FIXTURES, "reference-damaged.jsonl");
    const events = readWalFile(path, { onWarning: (w) => warnings.push(w) });
    expect(events.length).toBe(18);
    const lineWarnings = warnings.filter((w) => w.kind === "line");
    expect(lineWarnings.map((w) => (w.kind === "line" ? [w.line, w.reason] : []))).toEqual([
      [4, "invalid_json"],
      [6, "not_object"],
      [8, "invalid_event"],
      [12, "invalid_event"],
    ]);
    expect(lineWarnings[0]?.kind === "line" && lineWarnings[0].message).toStartWith(`Skipped WAL line 4 of "${path}": not valid JSON`);
    expect(warnings.at(-1)).toEqual({ kind: "summary", source: path, skipped: 4, invalid_json: 1, non_object: 1, invalid_event: 2 });
  });

  test("numbers events by their non-blank line position, counting skipped lines", () => {
    const events = readWalFile(join(FIXTURES, "reference-damaged.jsonl"));
    // Non-blank positions 2, 4, 6 and 9 hold the unreadable lines; blank lines take no position.
    expect(events.slice(0, 6).map((event) => event.seq)).toEqual([0, 1, 3, 5, 7, 8]);
    expect(events.at(-1)?.seq).toBe(21);
  });

  test("drops unknown top-level keys and keeps unknown payload keys of a reference WAL", () => {
    const events = readWalFile(join(FIXTURES, "reference-completed.jsonl"));
    const first = events[0] as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(["type", "timestamp", "run_id", "payload", "seq"]);
    expect(events.every((event) => !("writer" in event))).toBe(true);
    const parsed = parseWalText('{"type": "tool_call_started", "timestamp": "t", "run_id": "r", "turn_id": null, "payload": {"call_id": "c", "tool": "x", "new": 1}, "seq": "junk"}');
    expect(parsed).toEqual([{ type: "tool_call_started", timestamp: "t", run_id: "r", payload: { call_id: "c", tool: "x", new: 1 }, seq: 0 }]);
  });

  test("filters by run id and reads a missing file as empty", () => {
    const text = ['{"type": "tool_call_started", "timestamp": "t", "run_id": "a", "payload": {"call_id": "1", "tool": "x"}}', '{"type": "tool_call_started", "timestamp": "t", "run_id": "b", "payload": {"call_id": "2", "tool": "x"}}'].join("\n");
    expect(parseWalText(text, { runId: "b" }).map((event) => [event.run_id, event.seq])).toEqual([["b", 1]]);
    expect(readWalFile(join(dir, "missing.jsonl"))).toEqual([]);
  });
});

describe("streamWalFile", () => {
  test("yields the same events as readWalFile for a large file with multibyte text", async () => {
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      lines.push(`{"type": "llm_response_delta", "timestamp": "t", "run_id": "r", "payload": {"delta_type": "text", "text": "第${i}段 ✓ ${"é".repeat(i % 50)}"}}`);
      if (i % 97 === 0) lines.push("garbage");
    }
    const path = join(dir, "events.jsonl");
    writeFileSync(path, lines.join("\n")); // no final newline
    const warnings: WalReadWarning[] = [];
    const streamed = await collect(streamWalFile(path, { onWarning: (w) => warnings.push(w) }));
    expect(streamed).toEqual(readWalFile(path));
    expect(streamed.length).toBe(3000);
    expect(streamed.at(-1)?.seq).toBe(lines.length - 1);
    expect(warnings.at(-1)).toMatchObject({ kind: "summary", invalid_json: 31 });
  });

  test("yields nothing for a missing file", async () => {
    expect(await collect(streamWalFile(join(dir, "nope.jsonl")))).toEqual([]);
  });
});
