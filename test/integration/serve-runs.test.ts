/**
 * The run API of `serve` over a real socket (Bun.serve on 127.0.0.1, port 0): SSE framing,
 * resume with Last-Event-ID, heartbeats, cancel during a tool, approvals answered over HTTP,
 * approvals surviving a server restart (two server instances over one workspace), and 50
 * concurrent runs with complete WALs.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { AgentEvent } from "../../src/events/schema.ts";
import type { FakeCall } from "../../src/llm/fake-backend.ts";
import { readWal } from "../support/engine.ts";
import { goneWithin, isAlive } from "../support/processes.ts";
import { cleanup, shellScript, startRunsServer, tempWorkspace, until, writeOverlay, type RunsServer, type RunsServerOptions } from "../support/serve-runs.ts";
import { sseFrames, type SseFrame } from "../support/sse-client.ts";

interface Live {
  s: RunsServer;
  url: string;
  stop: () => Promise<void>;
}

const stops: (() => Promise<void>)[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  cleanup(dirs);
});

async function live(options: RunsServerOptions = {}): Promise<Live> {
  const s = await startRunsServer(options);
  if (!options.workspaceRoot) dirs.push(s.workspaceRoot);
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: s.app.fetch });
  const stop = async () => {
    await s.close();
    await server.stop(true);
  };
  stops.push(stop);
  return { s, url: `http://127.0.0.1:${server.port}`, stop };
}

async function post(base: string, path: string, body: unknown = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

async function get(base: string, path: string): Promise<any> {
  return (await fetch(`${base}${path}`)).json();
}

async function newRun(l: Live, message = "do it"): Promise<string> {
  const sessionId = await l.s.session();
  const res = await post(l.url, `/api/v1/sessions/${sessionId}/runs`, { message });
  expect(res.status).toBe(201);
  return res.json.run_id;
}

/** Read a stream's frames until it ends (or `stopWhen` says so); returns them. */
async function collect(response: Response, stopWhen?: (frames: SseFrame[]) => boolean): Promise<SseFrame[]> {
  const out: SseFrame[] = [];
  for await (const frame of sseFrames(response.body!)) {
    out.push(frame);
    if (stopWhen?.(out)) break;
  }
  return out;
}

const eventFrames = (frames: SseFrame[]) => frames.filter((f) => f.id !== undefined);

/** Every frame is exactly the WAL line with that seq, framed with its type. */
function expectFramesMatchWal(frames: SseFrame[], wal: AgentEvent[]): void {
  for (const frame of frames) {
    const seq = Number(frame.id);
    expect(Number.isInteger(seq)).toBe(true);
    const data = JSON.parse(frame.data!);
    expect(frame.event).toBe(data.type);
    expect(data.seq).toBe(seq);
    expect(data).toEqual(JSON.parse(JSON.stringify(wal[seq])));
  }
}

/** A complete WAL: seq == line index (readWal checks), one terminal at the end, every approval decided, every call finished. */
function expectCompleteWal(path: string, terminal: AgentEvent["type"] = "run_completed"): AgentEvent[] {
  const events = readWal(path);
  expect(events.at(-1)!.type).toBe(terminal);
  const requested = events.filter((e) => e.type === "approval_requested").length;
  const decided = events.filter((e) => e.type === "approval_decided" && e.payload.reason !== "cached").length;
  expect(decided).toBe(requested);
  const calls = new Set(events.filter((e) => e.type === "tool_call_requested").map((e) => `${e.payload.call_id}@${e.seq}`));
  expect(events.filter((e) => e.type === "tool_call_finished").length).toBe(calls.size);
  return events;
}

/** Slow fake: the answer streams as `n` deltas, `ms` apart. */
const slowText = (n: number, ms: number) => (): FakeCall[] => [
  { events: [...Array.from({ length: n }, (_, i) => [{ type: "text_delta" as const, text: `w${i} ` }, { type: "wait" as const, ms }]).flat(), { type: "completed", finish_reason: "stop" }] },
];

describe("SSE over a real socket", () => {
  test("frames: retry first, then id/event/data per WAL line, ending after run_completed; three subscribers agree", async () => {
    const l = await live({ fakeScript: slowText(8, 15) });
    const runId = await newRun(l);
    const responses = await Promise.all([0, 1, 2].map(() => fetch(`${l.url}/api/v1/runs/${runId}/events/stream`)));
    for (const res of responses) {
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toStartWith("text/event-stream");
      expect(res.headers.get("cache-control")).toContain("no-cache");
    }
    const all = await Promise.all(responses.map((res) => collect(res)));
    await l.s.runs.waitForRun(runId);
    const wal = expectCompleteWal(l.s.walPath(runId));
    for (const frames of all) {
      expect(frames[0]).toEqual({ retry: "3000" });
      const events = eventFrames(frames);
      expect(events.map((f) => Number(f.id))).toEqual(wal.map((_, i) => i));
      expect(events.at(-1)!.event).toBe("run_completed");
      expectFramesMatchWal(events, wal);
    }
  });

  test("a client that reconnects with Last-Event-ID gets every later event once", async () => {
    const l = await live({ fakeScript: slowText(30, 10) });
    const runId = await newRun(l);
    const first = new AbortController();
    const firstFrames = await collect(await fetch(`${l.url}/api/v1/runs/${runId}/events/stream`, { signal: first.signal }), (f) => eventFrames(f).length >= 5);
    first.abort();
    const lastId = eventFrames(firstFrames).at(-1)!.id!;
    await Bun.sleep(50); // the run goes on while the client is away
    const second = await collect(await fetch(`${l.url}/api/v1/runs/${runId}/events/stream`, { headers: { "last-event-id": lastId } }));
    await l.s.runs.waitForRun(runId);
    const wal = expectCompleteWal(l.s.walPath(runId));
    const ids = [...eventFrames(firstFrames), ...eventFrames(second)].map((f) => Number(f.id));
    expect(ids).toEqual(wal.map((_, i) => i)); // none lost, none repeated
    expect(Number(eventFrames(second)[0]!.id)).toBe(Number(lastId) + 1);
    expectFramesMatchWal(eventFrames(second), wal);
  });

  test("sends `: ping` heartbeats while the run is quiet", async () => {
    const l = await live({ config: { safety: { mode: "ask", approval_timeout_ms: 60_000 } }, sse: { heartbeatMs: 100 } });
    const runId = await newRun(l);
    await until(() => l.s.approvals.listPending(runId).length, (n) => n === 1, 10_000, "the approval");
    const controller = new AbortController();
    const started = performance.now();
    const frames = await collect(await fetch(`${l.url}/api/v1/runs/${runId}/events/stream`, { signal: controller.signal }), (f) => f.filter((x) => x.comment === "ping").length >= 3);
    controller.abort();
    expect(frames.filter((f) => f.comment === "ping")).toHaveLength(3);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe("cancel and approvals over HTTP", () => {
  test("cancel while a tool runs: the process is killed and the WAL ends with run_cancelled", async () => {
    const l = await live({ fakeScript: shellScript(["sleep", "37.25"]) });
    const runId = await newRun(l);
    await until(() => readWal(l.s.walPath(runId)).map((e) => e.type), (t) => t.includes("tool_call_started"), 10_000, "the tool to start");
    const sleeper = await until(() => findProcess(["sleep", "37.25"]), (pid) => pid !== null, 10_000, "the sleep process");
    const res = await post(l.url, `/api/v1/runs/${runId}/cancel`);
    expect(res).toEqual({ status: 200, json: { ok: true, status: "cancelled" } });
    expect(await goneWithin(sleeper!, 5_000)).toBe(true);
    const events = expectCompleteWal(l.s.walPath(runId), "run_cancelled");
    expect(events.find((e) => e.type === "tool_call_finished")!.payload.result).toMatchObject({ ok: false, error_kind: "cancelled" });
    expect(events.filter((e) => e.type === "run_cancelled")).toHaveLength(1);
    expect((await post(l.url, `/api/v1/runs/${runId}/cancel`)).status).toBe(409);
  });

  test("approve from HTTP while the run waits: the file is written and the run completes", async () => {
    const l = await live({ config: { safety: { mode: "ask", approval_timeout_ms: 60_000 } } });
    const runId = await newRun(l);
    const pending = await until(() => get(l.url, `/api/v1/runs/${runId}/approvals/pending`), (b) => b.approvals.length === 1, 10_000, "the approval");
    expect((await get(l.url, `/api/v1/runs/${runId}`)).status).toBe("waiting_approval");
    expect(await post(l.url, `/api/v1/runs/${runId}/approvals/${pending.approvals[0].approval_key}`, { decision: "approved" })).toEqual({ status: 200, json: { ok: true } });
    await l.s.runs.waitForRun(runId);
    expectCompleteWal(l.s.walPath(runId));
    expect(readFileSync(join(l.s.workspaceRoot, "studio_fake_llm_output.txt"), "utf8")).toBe("hello from fake llm");
  });

  test("deny from HTTP while the run waits: nothing is written and the model sees the denial", async () => {
    const l = await live({ config: { safety: { mode: "ask", approval_timeout_ms: 60_000 } } });
    const runId = await newRun(l);
    const pending = await until(() => get(l.url, `/api/v1/runs/${runId}/approvals/pending`), (b) => b.approvals.length === 1, 10_000, "the approval");
    expect((await post(l.url, `/api/v1/runs/${runId}/approvals/${pending.approvals[0].approval_key}`, { decision: "denied" })).status).toBe(200);
    await l.s.runs.waitForRun(runId);
    const events = expectCompleteWal(l.s.walPath(runId));
    expect(events.find((e) => e.type === "tool_call_finished")!.payload.result).toMatchObject({ error_kind: "permission", stderr: "approval denied" });
    expect(existsSync(join(l.s.workspaceRoot, "studio_fake_llm_output.txt"))).toBe(false);
  });
});

describe("a pending approval survives a server restart", () => {
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    test(`server A stopped (${signal}) while a run waits; server B lists it, approves it and the run completes`, async () => {
      const ws = tempWorkspace();
      dirs.push(ws);
      writeOverlay(ws, { safety: { mode: "ask", approval_timeout_ms: 60_000 } });
      const child = Bun.spawn([process.execPath, join(import.meta.dir, "serve-runs-child.ts"), ws], { stdout: "pipe", stderr: "pipe" });
      stops.push(async () => {
        if (isAlive(child.pid)) child.kill("SIGKILL");
        await child.exited;
      });
      const port = await readPort(child.stdout);
      const a = `http://127.0.0.1:${port}`;

      // Server A: a run that waits for its approval.
      const s0 = await startRunsServer({ workspaceRoot: ws, config: { safety: { mode: "ask", approval_timeout_ms: 60_000 } } });
      const sessionId = await s0.session();
      await s0.close(); // only used to create the session's files
      const runId = (await post(a, `/api/v1/sessions/${sessionId}/runs`, { message: "write the file" })).json.run_id as string;
      const pendingA = await until(() => get(a, `/api/v1/runs/${runId}/approvals/pending`), (b) => b.approvals.length === 1, 10_000, "A's approval");
      const key = pendingA.approvals[0].approval_key as string;

      child.kill(signal);
      expect(await child.exited).toBe(signal === "SIGTERM" ? 0 : 137);
      const walPath = join(ws, ".skills_runtime_sdk", "runs", runId, "events.jsonl");
      expect(readWal(walPath).at(-1)!.type).toBe("approval_requested");

      // Server B over the same workspace.
      const b = await live({ workspaceRoot: ws, config: { safety: { mode: "ask", approval_timeout_ms: 60_000 } } });
      const pendingB = await get(b.url, `/api/v1/runs/${runId}/approvals/pending`);
      expect(pendingB.approvals).toEqual([expect.objectContaining({ run_id: runId, approval_key: key, tool: "file_write" })]);
      expect((await get(b.url, `/api/v1/runs/${runId}`)).status).toBe("waiting_approval");

      // A subscriber on B sees the resumed run to its end.
      const stream = fetch(`${b.url}/api/v1/runs/${runId}/events/stream`, { headers: { "last-event-id": String(readWal(walPath).length - 1) } }).then((res) => collect(res));
      expect(await post(b.url, `/api/v1/runs/${runId}/approvals/${key}`, { decision: "approved" })).toEqual({ status: 200, json: { ok: true } });
      await b.s.runs.waitForRun(runId);
      const events = expectCompleteWal(walPath);
      const starts = events.filter((e) => e.type === "run_started");
      expect(starts).toHaveLength(2);
      expect(starts[1]!.payload.task).toBe("write the file");
      // The first segment's approval is recorded as decided, the resumed call is approved at once.
      const decided = events.filter((e) => e.type === "approval_decided");
      expect(decided.map((e) => [e.payload.approval_key, e.payload.decision, e.payload.reason])).toEqual([
        [key, "approved", "provider"],
        [key, "approved", "provider"],
      ]);
      expect(readFileSync(join(ws, "studio_fake_llm_output.txt"), "utf8")).toBe("hello from fake llm");
      const frames = eventFrames(await stream);
      expect(frames.at(-1)!.event).toBe("run_completed");
      expectFramesMatchWal(frames, events);
      expect((await get(b.url, `/api/v1/runs/${runId}`)).status).toBe("completed");
    });
  }
});

describe("many runs", () => {
  test("50 concurrent runs against the fake backend all complete with complete WALs, each followed over SSE", async () => {
    const l = await live();
    const sessionId = await l.s.session();
    let maxLag = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      maxLag = Math.max(maxLag, now - last - 10);
      last = now;
    }, 10);
    try {
      const created = await Promise.all(Array.from({ length: 50 }, (_, i) => post(l.url, `/api/v1/sessions/${sessionId}/runs`, { message: `run ${i}` })));
      expect(created.every((r) => r.status === 201)).toBe(true);
      const runIds = created.map((r) => r.json.run_id as string);
      expect(new Set(runIds).size).toBe(50);
      const streams = await Promise.all(runIds.map(async (runId) => eventFrames(await collect(await fetch(`${l.url}/api/v1/runs/${runId}/events/stream`)))));
      await Promise.all(runIds.map((runId) => l.s.runs.waitForRun(runId)));
      for (const [i, runId] of runIds.entries()) {
        const events = expectCompleteWal(l.s.walPath(runId));
        expect(events[0]!.payload.task).toBe(`run ${i}`);
        expect(streams[i]!.map((f) => Number(f.id))).toEqual(events.map((_, n) => n));
      }
      const listed = await get(l.url, `/api/v1/sessions/${sessionId}/runs`);
      expect(listed.runs).toHaveLength(50);
      expect(listed.runs.every((r: { status: string }) => r.status === "completed")).toBe(true);
      expect((await l.s.sessions.get(sessionId)).runs_count).toBe(50);
      expect(l.s.runs.activeCount).toBe(0);
    } finally {
      clearInterval(ticker);
    }
    // Generous: the runs share the event loop; nothing should stall it for long.
    expect(maxLag).toBeLessThan(1_000);
  });
});

async function readPort(stream: ReadableStream<Uint8Array>): Promise<number> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    text += decoder.decode(chunk, { stream: true });
    const m = /PORT (\d+)/.exec(text);
    if (m) return Number(m[1]);
  }
  throw new Error(`The child server did not print its port: ${text}`);
}

/** The pid of a live process whose argv is exactly `argv`, or null. */
function findProcess(argv: string[]): number | null {
  const want = argv.join("\0");
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0$/, "");
      if (cmdline === want && isAlive(Number(entry))) return Number(entry);
    } catch {
      // gone
    }
  }
  return null;
}
