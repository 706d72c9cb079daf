import { afterEach, describe, expect, test } from "bun:test";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunNotifier } from "./run-notifier.ts";
import { parseAfter, sseFrame, walEventStream, type WalSseOptions } from "./sse.ts";
import { sseFrames, type SseFrame } from "../../test/support/sse-client.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function walFile(text = ""): string {
  const dir = mkdtempSync(join(tmpdir(), "sr-sse-"));
  dirs.push(dir);
  const path = join(dir, "events.jsonl");
  writeFileSync(path, text);
  return path;
}

const line = (type: string) => JSON.stringify({ type, timestamp: "t", run_id: "run_x", payload: {} }) + "\n";

type Frame = SseFrame;
const frames = sseFrames;

function stream(path: string, options: Partial<WalSseOptions> = {}) {
  const notifier = options.notifier ?? new RunNotifier();
  return { notifier, body: walEventStream({ runId: "run_x", walPath: path, after: -1, notifier, ...options }) };
}

describe("sseFrame and parseAfter", () => {
  test("frames id, event and data lines", () => {
    expect(sseFrame({ id: 3, event: "run_started", data: '{"a":1}' })).toBe('id: 3\nevent: run_started\ndata: {"a":1}\n\n');
    expect(sseFrame({ data: "a\nb" })).toBe("data: a\ndata: b\n\n");
  });

  test("parses Last-Event-ID values", () => {
    expect(parseAfter(null)).toBeNull();
    expect(parseAfter(" 12 ")).toBe(12);
    expect(parseAfter("-1")).toBe("invalid");
    expect(parseAfter("1e3")).toBe("invalid");
  });
});

describe("walEventStream", () => {
  test("sends retry first, one frame per event with id = seq, skips bad lines and ends after the terminal", async () => {
    const path = walFile(line("run_started") + "oops\n" + line("llm_usage") + line("run_completed"));
    const got: Frame[] = [];
    for await (const f of frames(stream(path).body)) got.push(f);
    expect(got[0]).toEqual({ retry: "3000" });
    expect(got.slice(1).map((f) => [f.id, f.event])).toEqual([
      ["0", "run_started"],
      ["2", "llm_usage"],
      ["3", "run_completed"],
    ]);
    expect(JSON.parse(got[1]!.data!)).toMatchObject({ type: "run_started", run_id: "run_x" });
  });

  test("tails the file: a notified append is sent at once, without waiting for the poll", async () => {
    const path = walFile(line("run_started"));
    const { notifier, body } = stream(path, { pollMs: 60_000, heartbeatMs: 60_000 });
    const it = frames(body);
    expect((await it.next()).value).toEqual({ retry: "3000" });
    expect((await it.next()).value).toMatchObject({ id: "0" });
    const pending = it.next();
    await Bun.sleep(20);
    appendFileSync(path, line("llm_usage"));
    const sentAt = performance.now();
    notifier.notify("run_x");
    expect((await pending).value).toMatchObject({ id: "1", event: "llm_usage" });
    expect(performance.now() - sentAt).toBeLessThan(1_000);
    appendFileSync(path, line("run_waiting_human"));
    notifier.notify("run_x");
    expect((await it.next()).value).toMatchObject({ id: "2", event: "run_waiting_human" });
    expect((await it.next()).done).toBe(true);
  });

  test("picks up lines written by another process through the slow poll", async () => {
    const path = walFile(line("run_started"));
    const it = frames(stream(path, { pollMs: 30 }).body);
    await it.next();
    await it.next();
    const pending = it.next();
    await Bun.sleep(50); // the stream is waiting now, and nobody notifies it
    appendFileSync(path, line("run_failed"));
    expect((await pending).value).toMatchObject({ id: "1", event: "run_failed" });
    expect((await it.next()).done).toBe(true);
  });

  test("sends a ping comment when idle for heartbeatMs", async () => {
    const path = walFile(line("run_started"));
    const { body } = stream(path, { heartbeatMs: 40, pollMs: 1_000 });
    const it = frames(body);
    await it.next();
    await it.next();
    const started = performance.now();
    expect((await it.next()).value).toEqual({ comment: "ping" });
    expect(performance.now() - started).toBeLessThan(1_000);
    await it.return(undefined);
  });

  test("after: only later events; a stream resumed past the terminal waits for a new segment", async () => {
    const path = walFile(line("run_started") + line("run_completed"));
    const { notifier, body } = stream(path, { after: 1, pollMs: 60_000, heartbeatMs: 60_000 });
    const it = frames(body);
    await it.next();
    const next = it.next();
    appendFileSync(path, line("run_started") + line("run_completed"));
    notifier.notify("run_x");
    expect((await next).value).toMatchObject({ id: "2", event: "run_started" });
    expect((await it.next()).value).toMatchObject({ id: "3", event: "run_completed" });
    expect((await it.next()).done).toBe(true);
  });

  test("a read failure becomes an error frame and the stream closes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sr-sse-"));
    dirs.push(dir);
    const path = join(dir, "events.jsonl");
    mkdirSync(path); // a directory: reading it fails
    const got: Frame[] = [];
    for await (const f of frames(stream(path).body)) got.push(f);
    expect(got.at(-1)?.event).toBe("error");
    expect(JSON.parse(got.at(-1)!.data!)).toMatchObject({ message: expect.stringContaining("Cannot stream run") });
  });

  test("a client that goes away stops the stream and its wait", async () => {
    const path = walFile(line("run_started"));
    const client = new AbortController();
    const { notifier, body } = stream(path, { signal: client.signal, pollMs: 60_000, heartbeatMs: 60_000 });
    const reader = body.getReader();
    await reader.read();
    await reader.read();
    const pending = reader.read();
    await Bun.sleep(10);
    expect(notifier.waiting("run_x")).toBe(1);
    client.abort();
    expect((await pending).done).toBe(true);
    expect(notifier.waiting("run_x")).toBe(0);
  });

  test("a slow subscriber holds at most one batch: unread events stay in the file", async () => {
    const lines = Array.from({ length: 5_000 }, (_, i) => line(i === 4_999 ? "run_completed" : "llm_usage")).join("");
    const path = walFile(lines);
    const { body } = stream(path, { chunkBytes: 4 * 1024 });
    const reader = body.getReader();
    await reader.read(); // retry
    const first = await reader.read();
    // The stream read one chunk for this batch and nothing more until the reader asks again.
    expect(first.value!.length).toBeLessThan(16 * 1024);
    let ids = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) ids += (new TextDecoder().decode(r.value).match(/^id: /gm) ?? []).length;
    ids += (new TextDecoder().decode(first.value).match(/^id: /gm) ?? []).length;
    expect(ids).toBe(5_000);
  });
});
