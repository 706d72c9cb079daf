/**
 * Server-sent events from a run's WAL (decisions.md item 10; the reference's weaker feed is
 * spec 12.6). Frames:
 *
 *   retry: 3000                      first, once
 *   id: <seq>                        every event: its WAL `seq`
 *   event: <type>                    (`message` when the line has no string `type`)
 *   data: <the WAL line>
 *   : ping                           a comment when nothing was sent for `heartbeatMs` (15 s)
 *   event: error + data: {kind, message}   when reading fails; then the stream closes
 *
 * Resume: only events with `seq > after` are sent (`Last-Event-ID` or `?after=`). The feed replays
 * the WAL file, then tails it, woken by the run's notifier (events of runs executing in this
 * process) or by a slow poll (runs written by another process). It ends once it has sent a
 * terminal event (run_completed, run_failed, run_cancelled, run_waiting_human) that is the last
 * line of the WAL, so a resumed run's later segment is streamed to a client that asks after it.
 *
 * Slow consumers: the stream is pull-driven. The WAL is read only when the client has taken the
 * previous batch (at most one chunk, ~64 KiB, is held per subscriber); a subscriber that falls
 * behind simply reads further back in the file later. The run never waits for a subscriber and no
 * subscriber buffers events in memory. Lines that are not JSON objects are skipped (their `seq`
 * is still counted). A client disconnect (request signal or stream cancel) stops the reads.
 * Nothing inside the stream throws: a failure becomes an `error` frame and the stream closes.
 */
import type { RunNotifier } from "./run-notifier.ts";
import { WalCursor, type WalLine } from "./wal-cursor.ts";
import { isTerminalEvent } from "../events/schema.ts";
import { describeError, isRuntimeError } from "../util/errors.ts";

export interface SseOptions {
  /** Longest silence before a `: ping` comment (default 15000 ms). */
  heartbeatMs?: number;
  /** Re-read interval when no notification comes (default 1000 ms; WALs written by other processes). */
  pollMs?: number;
  /** The `retry:` directive (default 3000 ms). */
  retryMs?: number;
  /** WAL bytes read per batch (default 64 KiB). */
  chunkBytes?: number;
}

export interface WalSseOptions extends SseOptions {
  runId: string;
  walPath: string;
  /** Send only events with a larger seq (-1: everything). */
  after: number;
  notifier: RunNotifier;
  /** The request's signal: aborted when the client goes away. */
  signal?: AbortSignal;
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
} as const;

const encoder = new TextEncoder();

/** One SSE message; `data` is split on newlines (a WAL line has none). */
export function sseFrame(frame: { id?: string | number; event?: string; data: string }): string {
  let out = "";
  if (frame.id !== undefined) out += `id: ${frame.id}\n`;
  if (frame.event !== undefined) out += `event: ${frame.event}\n`;
  for (const line of frame.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

function eventFrame(line: WalLine): string {
  return sseFrame({ id: line.seq, event: line.type ?? "message", data: line.text });
}

/** Parse `Last-Event-ID` / `after` values: a non-negative integer, or null when absent. */
export function parseAfter(value: string | null | undefined): number | null | "invalid" {
  if (value === null || value === undefined || value.trim() === "") return null;
  const text = value.trim();
  if (!/^\d{1,15}$/.test(text)) return "invalid";
  return Number(text);
}

/** A `text/event-stream` body that replays and tails one run's WAL. */
export function walEventStream(options: WalSseOptions): ReadableStream<Uint8Array> {
  const heartbeatMs = Math.max(1, options.heartbeatMs ?? 15_000);
  const pollMs = Math.max(1, options.pollMs ?? 1_000);
  const cursor = new WalCursor(options.walPath, options.chunkBytes ? { chunkBytes: options.chunkBytes } : {});
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let lastSent = performance.now();
  /** seq of the last terminal event sent, or -1. */
  let terminalSent = -1;
  let closed = false;

  const close = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (closed) return;
    closed = true;
    stop.abort();
    try {
      controller.close();
    } catch {
      // already closed by a cancel
    }
  };
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, text: string) => {
    controller.enqueue(encoder.encode(text));
    lastSent = performance.now();
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        send(controller, `retry: ${options.retryMs ?? 3_000}\n\n`);
      },
      async pull(controller) {
        try {
          for (;;) {
            if (closed) return;
            if (signal.aborted) return close(controller);
            const version = options.notifier.version(options.runId);
            const lines = await cursor.read();
            if (lines.length > 0) {
              let text = "";
              for (const line of lines) {
                if (line.seq <= options.after || line.value === null) continue;
                text += eventFrame(line);
                if (line.type !== null && isTerminalEvent(line.type)) terminalSent = line.seq;
              }
              if (text !== "") return send(controller, text);
              continue;
            }
            // End of the file: finished when the last line is a terminal event we sent.
            if (terminalSent >= 0 && cursor.last?.seq === terminalSent) return close(controller);
            const idle = performance.now() - lastSent;
            if (idle >= heartbeatMs) return send(controller, ": ping\n\n");
            await options.notifier.wait(options.runId, version, { timeoutMs: Math.min(pollMs, heartbeatMs - idle), signal });
          }
        } catch (error) {
          if (closed) return;
          const kind = isRuntimeError(error) ? error.kind : "unknown";
          try {
            send(controller, sseFrame({ event: "error", data: JSON.stringify({ kind, message: `Cannot stream run "${options.runId}": ${describeError(error)}` }) }));
          } catch {
            // the client is gone
          }
          close(controller);
        }
      },
      cancel() {
        closed = true;
        stop.abort();
      },
    },
    { highWaterMark: 1 },
  );
}
