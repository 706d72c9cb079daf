import { describe, expect, test } from "bun:test";
import { BASE, type RunsServer, runsServers } from "../../../test/support/serve-runs.ts";

const server = runsServers();

async function completedRun(s: RunsServer): Promise<string> {
  const sessionId = await s.session();
  const runId = (await s.call("POST", `/api/v1/sessions/${sessionId}/runs`, { message: "go" })).json.run_id;
  await s.runs.waitForRun(runId);
  return runId;
}

describe("GET /api/v1/runs/:run_id/events", () => {
  test("pages through the WAL with after/limit; the last page says terminal", async () => {
    const s = await server();
    const runId = await completedRun(s);
    const all = s.wal(runId);
    const first = await s.call("GET", `/api/v1/runs/${runId}/events?limit=3`);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ run_id: runId, next_after: 2, terminal: false });
    expect(first.json.events.map((e: { seq: number }) => e.seq)).toEqual([0, 1, 2]);
    expect(first.json.events[0]).toEqual(JSON.parse(JSON.stringify(all[0])));
    const rest = await s.call("GET", `/api/v1/runs/${runId}/events?after=2&limit=5000`);
    expect(rest.json.events.map((e: { seq: number }) => e.seq)).toEqual(all.slice(3).map((e) => e.seq));
    expect(rest.json).toMatchObject({ next_after: all.length - 1, terminal: true });
    const none = await s.call("GET", `/api/v1/runs/${runId}/events?after=${all.length - 1}`);
    expect(none.json).toEqual({ run_id: runId, events: [], next_after: all.length - 1, terminal: true });
  });

  test("answers 422 for a bad query, 404 for an unknown run, 400 for traversal", async () => {
    const s = await server();
    const runId = await completedRun(s);
    expect((await s.call("GET", `/api/v1/runs/${runId}/events?limit=0`)).status).toBe(422);
    expect((await s.call("GET", `/api/v1/runs/${runId}/events?after=abc`)).status).toBe(422);
    expect((await s.call("GET", `/api/v1/runs/run_${"8".repeat(32)}/events`)).status).toBe(404);
    expect((await s.call("GET", "/api/v1/runs/..%2F..%2Fx/events")).status).toBe(400);
  });
});

describe("GET /api/v1/runs/:run_id/events/stream", () => {
  test("replays a finished run as SSE frames and ends after the terminal event", async () => {
    const s = await server();
    const runId = await completedRun(s);
    const res = await s.app.request(`${BASE}/api/v1/runs/${runId}/events/stream`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/event-stream");
    const text = await res.text();
    expect(text.startsWith("retry: 3000\n\n")).toBe(true);
    const lines = s.wal(runId);
    const frames = text.split("\n\n").filter((f) => f.startsWith("id: "));
    expect(frames).toHaveLength(lines.length);
    expect(frames.at(-1)).toStartWith(`id: ${lines.length - 1}\nevent: run_completed\ndata: {`);
  });

  test("?after= and Last-Event-ID send only later events", async () => {
    const s = await server();
    const runId = await completedRun(s);
    const total = s.wal(runId).length;
    const viaQuery = await (await s.app.request(`${BASE}/api/v1/runs/${runId}/events/stream?after=${total - 3}`)).text();
    expect([...viaQuery.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual([total - 2, total - 1]);
    const viaHeader = await (await s.app.request(`${BASE}/api/v1/runs/${runId}/events/stream?after=0`, { headers: { "last-event-id": String(total - 2) } })).text();
    expect([...viaHeader.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual([total - 1]);
  });

  test("answers 400 for a bad Last-Event-ID, 404 for an unknown run, 400 for traversal", async () => {
    const s = await server();
    const runId = await completedRun(s);
    const bad = await s.call("GET", `/api/v1/runs/${runId}/events/stream`, undefined, { "last-event-id": "x1" });
    expect(bad.status).toBe(400);
    expect(bad.json.detail.kind).toBe("validation_error");
    expect((await s.call("GET", `/api/v1/runs/run_${"9".repeat(32)}/events/stream`)).status).toBe(404);
    expect((await s.call("GET", "/api/v1/runs/..%2Fsessions/events/stream")).status).toBe(400);
  });
});
