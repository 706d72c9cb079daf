/**
 * Tolerant WAL reading (spec 3.4 `iter_events`): lines in order, blank lines skipped, lines that
 * are not JSON, not objects or not valid events skipped with a warning, then one summary warning
 * with the counts. Unknown top-level keys are dropped; an optional run id filters the events.
 *
 * Every returned event gets `seq` = its line's position among the non-blank lines, which is the
 * index `append` returned for it (bad lines keep their positions, so later indices stay right).
 */
import { existsSync, readFileSync } from "node:fs";
import type { AgentEvent } from "../events/schema.ts";
import { parseWalLine, type SkipReason } from "./line.ts";

export type WalReadWarning =
  | { kind: "line"; source: string; line: number; reason: SkipReason; message: string }
  | { kind: "summary"; source: string; skipped: number; invalid_json: number; non_object: number; invalid_event: number };

export interface WalReadOptions {
  /** Only events of this run. */
  runId?: string;
  /** Called for each skipped line and once at the end when anything was skipped. */
  onWarning?: (warning: WalReadWarning) => void;
  /** Name of the WAL in warnings (defaults to the path, or `<text>`). */
  source?: string;
}

/** Turns raw lines into events, one line at a time, counting what it skips. */
class LineReader {
  private physicalLine = 0;
  private position = 0;
  private readonly counts = { invalid_json: 0, not_object: 0, invalid_event: 0 };

  constructor(private readonly options: WalReadOptions, private readonly source: string) {}

  push(rawLine: string): AgentEvent | undefined {
    this.physicalLine += 1;
    const line = rawLine.trim();
    if (line === "") return undefined;
    const parsed = parseWalLine(line, this.position);
    this.position += 1;
    if (!parsed.ok) {
      this.counts[parsed.reason] += 1;
      this.options.onWarning?.({
        kind: "line",
        source: this.source,
        line: this.physicalLine,
        reason: parsed.reason,
        message: `Skipped WAL line ${this.physicalLine} of "${this.source}": ${parsed.message}`,
      });
      return undefined;
    }
    if (this.options.runId !== undefined && parsed.event.run_id !== this.options.runId) return undefined;
    return parsed.event;
  }

  finish(): void {
    const { invalid_json, not_object, invalid_event } = this.counts;
    const skipped = invalid_json + not_object + invalid_event;
    if (skipped > 0) {
      this.options.onWarning?.({
        kind: "summary",
        source: this.source,
        skipped,
        invalid_json,
        non_object: not_object,
        invalid_event,
      });
    }
  }
}

/** Parse WAL text (the whole file content). */
export function parseWalText(text: string, options: WalReadOptions = {}): AgentEvent[] {
  const reader = new LineReader(options, options.source ?? "<text>");
  const events: AgentEvent[] = [];
  for (const line of text.split("\n")) {
    const event = reader.push(line);
    if (event) events.push(event);
  }
  reader.finish();
  return events;
}

/** Read a WAL file at once; a missing file reads as no events. */
export function readWalFile(path: string, options: WalReadOptions = {}): AgentEvent[] {
  if (!existsSync(path)) return [];
  return parseWalText(readFileSync(path, "utf8"), { ...options, source: options.source ?? path });
}

/** Stream a WAL file line by line (for large files); a missing file yields nothing. */
export async function* streamWalFile(path: string, options: WalReadOptions = {}): AsyncGenerator<AgentEvent> {
  if (!existsSync(path)) return;
  const reader = new LineReader(options, options.source ?? path);
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of Bun.file(path).stream()) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const event = reader.push(line);
      if (event) yield event;
    }
  }
  pending += decoder.decode();
  if (pending !== "") {
    const event = reader.push(pending);
    if (event) yield event;
  }
  reader.finish();
}
