import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeEvent, TERMINAL_EVENT_TYPES, type AgentEvent } from "../events/schema.ts";
import { RuntimeError } from "../util/errors.ts";
import { JsonlWal, nodeWalFs, type WalFs } from "./append.ts";

const FIXTURES = join(import.meta.dir, "../../test/fixtures/wal");
const TS = "2026-01-02T03:04:05.123456Z";
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "wal-append-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function delta(text: string, runId = "r1"): AgentEvent {
  return makeEvent("llm_response_delta", runId, { delta_type: "text", text }, { turnId: "turn_1", timestamp: TS });
}

function terminal(type: (typeof TERMINAL_EVENT_TYPES)[number]): AgentEvent {
  const wal_locator = "/ws/events.jsonl";
  switch (type) {
    case "run_completed":
      return makeEvent(type, "r1", { final_output: "done", artifacts: [], wal_locator, metadata: { notices: [] } });
    case "run_failed":
      return makeEvent(type, "r1", { error_kind: "unknown", message: "boom", retryable: false, wal_locator });
    case "run_cancelled":
      return makeEvent(type, "r1", { message: "cancelled by user", wal_locator });
    case "run_waiting_human":
      return makeEvent(type, "r1", { tool: "ask_human", call_id: "c1", message: "?", error_kind: "human_required", wal_locator });
  }
}

function countingFs(): { fs: WalFs; fsyncs: () => number } {
  let fsyncs = 0;
  return {
    fs: { ...nodeWalFs, fsync: (fd) => { fsyncs += 1; nodeWalFs.fsync(fd); } },
    fsyncs: () => fsyncs,
  };
}

describe("JsonlWal.append", () => {
  test("writes reference-format lines with seq equal to the returned 0-based index", async () => {
    const wal = new JsonlWal(join(dir, "events.jsonl"));
    expect(await wal.append(delta("héllo"))).toBe(0);
    expect(wal.appendSync(makeEvent("run_cancelled", "r1", { message: "cancelled by user", wal_locator: "/x" }, { timestamp: TS }))).toBe(1);
    wal.close();
    expect(readFileSync(join(dir, "events.jsonl"), "utf8")).toBe(
      `{"type": "llm_response_delta", "timestamp": "${TS}", "run_id": "r1", "turn_id": "turn_1", "payload": {"delta_type": "text", "text": "héllo"}, "seq": 0}\n` +
        `{"type": "run_cancelled", "timestamp": "${TS}", "run_id": "r1", "payload": {"message": "cancelled by user", "wal_locator": "/x"}, "seq": 1}\n`,
    );
  });

  test("keeps call order for concurrent async appends", async () => {
    const wal = new JsonlWal(join(dir, "events.jsonl"));
    const indices = await Promise.all(Array.from({ length: 100 }, (_, i) => wal.append(delta(`t${i}`))));
    expect(indices).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const texts = wal.readEvents().map((event) => (event.payload as { text: string }).text);
    expect(texts).toEqual(Array.from({ length: 100 }, (_, i) => `t${i}`));
    wal.close();
  });

  test("does not fsync 50 delta events", async () => {
    const counter = countingFs();
    const wal = new JsonlWal(join(dir, "events.jsonl"), { fs: counter.fs });
    for (let i = 0; i < 50; i++) await wal.append(delta(`d${i}`));
    expect(counter.fsyncs()).toBe(0);
    expect(wal.readEvents().length).toBe(50);
    wal.close();
  });

  test("fsyncs once per terminal event in a mixed sequence, and when forced", async () => {
    const counter = countingFs();
    const wal = new JsonlWal(join(dir, "events.jsonl"), { fs: counter.fs });
    for (const type of TERMINAL_EVENT_TYPES) {
      await wal.append(delta("a"));
      await wal.append(terminal(type));
      await wal.append(delta("b"));
    }
    expect(counter.fsyncs()).toBe(4);
    wal.appendSync(delta("forced"), { forceFsync: true });
    expect(counter.fsyncs()).toBe(5);
    wal.close();
  });

  test("continues after the last line of a WAL written by the reference, bad lines included", async () => {
    const path = join(dir, "events.jsonl");
    copyFileSync(join(FIXTURES, "reference-damaged.jsonl"), path);
    const wal = new JsonlWal(path);
    // 22 non-blank lines (4 of them unreadable), as the reference counts them.
    expect(await wal.append(delta("next", "r_dmg"))).toBe(22);
    expect(wal.readEvents("r_dmg").at(-1)?.seq).toBe(22);
    wal.close();
  });

  test("re-counts lines written by another writer before appending", async () => {
    const path = join(dir, "events.jsonl");
    const first = new JsonlWal(path);
    const second = new JsonlWal(path);
    const indices: number[] = [];
    for (let i = 0; i < 10; i++) {
      indices.push(await first.append(delta(`a${i}`)));
      indices.push(second.appendSync(delta(`b${i}`)));
      if (i % 3 === 0) appendFileSync(path, "\n  \n"); // blank lines never count
    }
    expect(indices).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(first.readEvents().map((event) => event.seq)).toEqual(indices);
    first.close();
    second.close();
  });

  test("closes a line left unterminated by a crashed writer before writing its own", async () => {
    const path = join(dir, "events.jsonl");
    writeFileSync(path, readFileSync(join(FIXTURES, "reference-failed.jsonl"), "utf8") + '{"type": "llm_us');
    const wal = new JsonlWal(path);
    expect(await wal.append(delta("after crash", "r_fail"))).toBe(5);
    const events = wal.readEvents();
    expect(events.map((event) => event.seq)).toEqual([0, 1, 2, 3, 5]);
    expect(readFileSync(path, "utf8").split("\n").length).toBe(7);
    wal.close();
  });

  test("starts again at 0 when the file was removed behind its back", async () => {
    const path = join(dir, "events.jsonl");
    const wal = new JsonlWal(path);
    await wal.append(delta("one"));
    await wal.append(delta("two"));
    rmSync(path);
    expect(await wal.append(delta("three"))).toBe(0);
    expect(wal.readEvents().map((event) => event.seq)).toEqual([0]);
    wal.close();
  });

  test("rejects an invalid event with a validation error and writes nothing", async () => {
    const wal = new JsonlWal(join(dir, "events.jsonl"));
    const bad = { ...delta("x"), payload: { delta_type: "text" } } as unknown as AgentEvent;
    const error = await wal.append(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as RuntimeError).kind).toBe("validation");
    expect(existsSync(join(dir, "events.jsonl"))).toBe(false);
    expect(await wal.append(delta("ok"))).toBe(0);
    wal.close();
  });

  test("reports its absolute path as locator and filters by run id when iterating", async () => {
    const wal = JsonlWal.forRun(dir, "r1");
    await wal.append(delta("x", "r1"));
    await wal.append(delta("y", "r2"));
    expect(wal.locator()).toBe(join(dir, ".skills_runtime_sdk/runs/r1/events.jsonl"));
    const seen: AgentEvent[] = [];
    for await (const event of wal.iterEvents("r2")) seen.push(event);
    expect(seen.map((event) => [event.run_id, event.seq])).toEqual([["r2", 1]]);
    wal.close();
  });
});

describe("JsonlWal with the exclusive-create lock", () => {
  test("appends and removes its lock file after each append", async () => {
    const path = join(dir, "events.jsonl");
    const wal = new JsonlWal(path, { lock: { strategy: "exclusive-create" } });
    expect(await wal.append(delta("a"))).toBe(0);
    expect(wal.appendSync(delta("b"))).toBe(1);
    expect(existsSync(`${path}.lock.excl`)).toBe(false);
    wal.close();
  });

  test("recovers a lock left by a process that died", async () => {
    const path = join(dir, "events.jsonl");
    const child = Bun.spawnSync([process.execPath, "-e", "console.log(process.pid)"]);
    const deadPid = Number(child.stdout.toString().trim());
    writeFileSync(`${path}.lock.excl`, `${deadPid} 00000000-dead\n`);
    const wal = new JsonlWal(path, { lock: { strategy: "exclusive-create", timeoutMs: 2000 } });
    expect(await wal.append(delta("a"))).toBe(0);
    expect(existsSync(`${path}.lock.excl`)).toBe(false);
    wal.close();
  });

  test("waits for a live holder and times out with a timeout error", async () => {
    const path = join(dir, "events.jsonl");
    writeFileSync(`${path}.lock.excl`, `${process.pid} someone-else\n`);
    const wal = new JsonlWal(path, { lock: { strategy: "exclusive-create", timeoutMs: 50 } });
    const error = await wal.append(delta("a")).catch((caught: unknown) => caught);
    expect((error as RuntimeError).kind).toBe("timeout");
    expect(() => wal.appendSync(delta("a"))).toThrow(/still held/);
    wal.close();
  });
});
