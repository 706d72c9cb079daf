import { describe, expect, test } from "bun:test";
import type { RunEvent } from "./api.ts";
import { followRun, parseSseText, SseParser, type StreamState } from "./sse.ts";

describe("SseParser", () => {
  test("parses ids, event names, multi-line data and skips comments", () => {
    const frames = parseSseText("retry: 3000\n\n: ping\n\nid: 4\nevent: run_started\ndata: {\"a\":\ndata: 1}\n\ndata:plain\n\n");
    expect(frames).toEqual([
      { id: "4", event: "run_started", data: '{"a":\n1}' },
      { id: "4", event: "message", data: "plain" },
    ]);
  });

  test("handles CRLF and frames split across chunks, including a split CRLF", () => {
    const parser = new SseParser();
    expect(parser.push("id: 1\r\nevent: x\r\ndata: he")).toEqual([]);
    expect(parser.push("llo\r")).toEqual([]);
    expect(parser.push("\n\r\n")).toEqual([{ id: "1", event: "x", data: "hello" }]);
  });
});

function event(seq: number, type = "llm_response_delta"): RunEvent {
  return { type, seq, run_id: "run_1", timestamp: "2026-01-01T00:00:00Z", payload: {} };
}

function frames(events: RunEvent[]): string {
  return events.map((e) => `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}

function streamResponse(text: string, { close = true } = {}): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      if (close) controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

describe("followRun", () => {
  test("reconnects with Last-Event-ID after a drop and delivers each event once", async () => {
    const requests: (string | null)[] = [];
    const answers = [
      // first connection drops after seq 1; the second one replays seq 1 again (must be skipped)
      frames([event(0, "run_started"), event(1)]),
      frames([event(1), event(2), event(3, "run_completed")]),
    ];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      if (url === "/api/v1/runs/run_1") return Response.json({ status: "completed", last_seq: 3 });
      requests.push(new Headers(init.headers).get("last-event-id"));
      return streamResponse(answers.shift() ?? "");
    }) as unknown as typeof fetch;
    const seen: number[] = [];
    const states: StreamState["kind"][] = [];
    const last = await followRun("run_1", {
      after: -1,
      signal: new AbortController().signal,
      onEvent: (e) => seen.push(e.seq),
      onState: (s) => states.push(s.kind),
      fetch: fakeFetch,
      backoffMs: () => 1,
    });
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(requests).toEqual([null, "1"]);
    expect(last).toBe(3);
    expect(states).toContain("reconnecting");
    expect(states.at(-1)).toBe("ended");
  });

  test("goes on after a terminal event while the run is still active (a fork continues after its copied end)", async () => {
    const answers = [frames([event(0, "run_started"), event(1, "run_completed")]), frames([event(2, "run_started"), event(3, "run_completed")])];
    const statuses = [{ status: "running", last_seq: 1 }, { status: "completed", last_seq: 3 }];
    const fakeFetch = (async (url: string) => (url === "/api/v1/runs/run_1" ? Response.json(statuses.shift()) : streamResponse(answers.shift() ?? ""))) as unknown as typeof fetch;
    const seen: string[] = [];
    await followRun("run_1", { after: -1, signal: new AbortController().signal, onEvent: (e) => seen.push(`${e.seq}:${e.type}`), fetch: fakeFetch, backoffMs: () => 1 });
    expect(seen).toEqual(["0:run_started", "1:run_completed", "2:run_started", "3:run_completed"]);
    expect(statuses).toEqual([]);
  });

  test("a connection dropped right after the run's end does not reconnect to a finished run", async () => {
    let streams = 0;
    const fakeFetch = (async (url: string) => {
      if (url === "/api/v1/runs/run_1") return Response.json({ status: "completed", last_seq: 1 });
      streams += 1;
      let pulls = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulls += 1;
          if (pulls === 1) controller.enqueue(new TextEncoder().encode(frames([event(0, "run_started"), event(1, "run_completed")])));
          else controller.error(new TypeError("network changed"));
        },
      });
      return new Response(body);
    }) as unknown as typeof fetch;
    const states: StreamState["kind"][] = [];
    const last = await followRun("run_1", { after: -1, signal: new AbortController().signal, onEvent: () => {}, onState: (s) => states.push(s.kind), fetch: fakeFetch, backoffMs: () => 1 });
    expect(last).toBe(1);
    expect(streams).toBe(1);
    expect(states.at(-1)).toBe("ended");
  });

  test("stops with a readable failure on a 404", async () => {
    const fakeFetch = (async () => Response.json({ detail: { kind: "not_found", message: 'Cannot find run "x"', details: {} } }, { status: 404 })) as unknown as typeof fetch;
    const states: StreamState[] = [];
    await followRun("x", { after: -1, signal: new AbortController().signal, onEvent: () => {}, onState: (s) => states.push(s), fetch: fakeFetch });
    expect(states.at(-1)).toEqual({ kind: "failed", message: 'Cannot find run "x"' });
  });
});
