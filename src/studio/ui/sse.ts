/**
 * Following a run's event stream (GET /api/v1/runs/{id}/events/stream) over fetch.
 *
 * - Frames are parsed by `SseParser` (CRLF/CR/LF, multi-line data, `:` comments, one leading
 *   space stripped, unknown fields ignored).
 * - Every event carries its WAL `seq` (the SSE id). The follower remembers the last one it
 *   delivered and reconnects with `Last-Event-ID` after a dropped connection; events at or below
 *   that seq are never delivered twice, so nothing is lost or duplicated.
 * - The server closes the stream after a terminal event (run_completed / run_failed /
 *   run_cancelled / run_waiting_human) that is the last line of the WAL. A WAL can hold several
 *   (a fork copies its source's end, a resume continues after one), so after such a close the
 *   follower asks for the run's status and goes on while the run is still active. It also stops
 *   when the signal aborts, or on a 4xx answer (reported through onState).
 */
import type { RunEvent } from "./api.ts";
import { errorMessage } from "./api.ts";

export const TERMINAL_EVENTS: ReadonlySet<string> = new Set(["run_completed", "run_failed", "run_cancelled", "run_waiting_human"]);

export interface SseFrame {
  id: string | null;
  event: string;
  data: string;
}

/** An incremental SSE parser: feed text chunks, get whole frames. */
export class SseParser {
  #buffer = "";
  #id: string | null = null;
  #event = "";
  #data: string[] = [];
  #hasData = false;

  push(chunk: string): SseFrame[] {
    this.#buffer += chunk;
    const frames: SseFrame[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      if (!match) break;
      // A lone "\r" at the very end may be the first half of "\r\n": wait for more text.
      if (match[0] === "\r" && match.index === this.#buffer.length - 1) break;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      const frame = this.#line(line);
      if (frame) frames.push(frame);
    }
    return frames;
  }

  #line(line: string): SseFrame | null {
    if (line === "") {
      if (!this.#hasData) {
        this.#event = "";
        return null;
      }
      const frame = { id: this.#id, event: this.#event || "message", data: this.#data.join("\n") };
      this.#event = "";
      this.#data = [];
      this.#hasData = false;
      return frame;
    }
    if (line.startsWith(":")) return null;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") {
      this.#data.push(value);
      this.#hasData = true;
    } else if (field === "event") this.#event = value;
    else if (field === "id" && !value.includes("\0")) this.#id = value;
    return null;
  }
}

/** Parse a whole SSE text (tests, pages). */
export function parseSseText(text: string): SseFrame[] {
  const parser = new SseParser();
  return parser.push(text.endsWith("\n\n") ? text : `${text}\n\n`);
}

export type StreamState =
  | { kind: "connecting"; attempt: number }
  | { kind: "open" }
  | { kind: "reconnecting"; attempt: number; delayMs: number; reason: string }
  | { kind: "ended"; terminal: string | null }
  | { kind: "failed"; message: string };

export interface FollowOptions {
  /** Deliver only events with seq > after (-1: from the start). */
  after: number;
  signal: AbortSignal;
  onEvent: (event: RunEvent) => void;
  onState?: (state: StreamState) => void;
  /** Injected for tests; default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Backoff before reconnect attempt n (default 300 ms doubling to 5 s). */
  backoffMs?: (attempt: number) => number;
}

const defaultBackoff = (attempt: number) => Math.min(5000, 300 * 2 ** Math.max(0, attempt - 1));

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

const ACTIVE = new Set(["queued", "running", "waiting_approval", "waiting_human"]);

/** Whether the run goes on after `last` (still active, or its WAL has more events). */
async function stillGoing(doFetch: typeof fetch, runId: string, last: number, signal: AbortSignal): Promise<boolean> {
  const response = await doFetch(`/api/v1/runs/${encodeURIComponent(runId)}`, { headers: { accept: "application/json" }, signal, credentials: "same-origin" });
  if (!response.ok) return false;
  const run = (await response.json()) as { status?: string; last_seq?: number };
  return ACTIVE.has(run.status ?? "") || (typeof run.last_seq === "number" && run.last_seq > last);
}

/** Follow a run until it has ended; resolves with the last delivered seq. */
export async function followRun(runId: string, options: FollowOptions): Promise<number> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const backoff = options.backoffMs ?? defaultBackoff;
  let last = options.after;
  let attempt = 0;
  let terminal: string | null = null;
  const state = (s: StreamState) => options.onState?.(s);
  while (!options.signal.aborted) {
    attempt += 1;
    let reason = "the connection closed before the run ended";
    try {
      // After the run's end, reconnect only while the run goes on (a fork's copied end, a resume):
      // the server keeps a stream resumed past a terminal event open, waiting for a new segment.
      if (terminal !== null && !(await stillGoing(doFetch, runId, last, options.signal))) {
        state({ kind: "ended", terminal });
        return last;
      }
      state({ kind: "connecting", attempt });
      const headers: Record<string, string> = { accept: "text/event-stream" };
      if (last >= 0) headers["last-event-id"] = String(last);
      const response = await doFetch(`/api/v1/runs/${encodeURIComponent(runId)}/events/stream`, { headers, signal: options.signal, credentials: "same-origin" });
      if (response.status >= 400 && response.status < 500) {
        const body = await response.json().catch(() => null);
        state({ kind: "failed", message: errorMessage(response.status, body, `HTTP ${response.status}`).message });
        return last;
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      state({ kind: "open" });
      const parser = new SseParser();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const frame of parser.push(value)) {
          if (frame.event === "error") {
            reason = `the server reported: ${frame.data}`;
            continue;
          }
          let event: RunEvent;
          try {
            event = JSON.parse(frame.data) as RunEvent;
          } catch {
            continue;
          }
          const seq = typeof event.seq === "number" ? event.seq : Number(frame.id);
          if (!Number.isFinite(seq) || seq <= last) continue;
          last = seq;
          attempt = 0;
          terminal = TERMINAL_EVENTS.has(event.type) ? event.type : null;
          options.onEvent(event);
        }
      }
      if (terminal !== null) {
        attempt = 0;
        await sleep(100, options.signal);
        continue;
      }
    } catch (error) {
      if (options.signal.aborted) break;
      reason = (error as Error).message || String(error);
    }
    if (options.signal.aborted) break;
    const delayMs = backoff(attempt);
    state({ kind: "reconnecting", attempt, delayMs, reason });
    await sleep(delayMs, options.signal);
  }
  state({ kind: "ended", terminal: null });
  return last;
}
