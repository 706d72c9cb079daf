/**
 * Incremental reading of a run's WAL by byte offset, for the SSE feed, the JSON event pages and
 * the run summaries. Memory stays bounded: each `read()` looks at one chunk of the file (it grows
 * only while a single line is longer than the chunk, up to `maxLineBytes`). A trailing partial
 * line is left in the file until its newline arrives, so a line is never split or sent twice.
 *
 * `seq` of a line is its position among the non-blank lines, which is the index the WAL's
 * `append` returned for it (src/wal/read.ts uses the same rule; lines that are not JSON keep
 * their position).
 */
import { open } from "node:fs/promises";
import { isTerminalEvent } from "../events/schema.ts";
import { RuntimeError } from "../util/errors.ts";

export interface WalLine {
  /** Position among non-blank lines (the event's `seq`). */
  seq: number;
  /** Physical 0-based line index in the file (what `forkRun` counts). */
  line: number;
  /** The line without surrounding whitespace. */
  text: string;
  /** The parsed JSON object, or null when the line is not a JSON object. */
  value: Record<string, unknown> | null;
  /** `value.type` when it is a string. */
  type: string | null;
}

export interface WalCursorOptions {
  /** Bytes looked at per read (default 64 KiB). */
  chunkBytes?: number;
  /** Longest line accepted (default 64 MiB); a longer one is an error. */
  maxLineBytes?: number;
}

const NEWLINE = 0x0a;
const decoder = new TextDecoder();

function parseLine(text: string): { value: Record<string, unknown> | null; type: string | null } {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return { value: null, type: null };
    const record = value as Record<string, unknown>;
    return { value: record, type: typeof record.type === "string" ? record.type : null };
  } catch {
    return { value: null, type: null };
  }
}

export class WalCursor {
  /** Byte offset of the first unread line. */
  offset = 0;
  /** `seq` the next non-blank line gets. */
  nextSeq = 0;
  /** Physical index of the next line. */
  nextLine = 0;
  /** The last complete non-blank line read so far (any kind). */
  last: WalLine | null = null;
  private readonly chunkBytes: number;
  private readonly maxLineBytes: number;

  constructor(
    readonly path: string,
    options: WalCursorOptions = {},
  ) {
    this.chunkBytes = options.chunkBytes ?? 64 * 1024;
    this.maxLineBytes = options.maxLineBytes ?? 64 * 1024 * 1024;
  }

  /** True when the last line read is a terminal event. */
  get atTerminal(): boolean {
    return this.last !== null && this.last.type !== null && isTerminalEvent(this.last.type);
  }

  /**
   * The complete lines after the offset, at most about one chunk of them; `[]` at the end of the
   * file (or when only a partial line follows). A missing file reads as empty.
   */
  async read(): Promise<WalLine[]> {
    let size = this.chunkBytes;
    for (;;) {
      const bytes = await this.readBytes(size);
      if (bytes.length === 0) return [];
      const end = bytes.lastIndexOf(NEWLINE);
      if (end < 0) {
        if (bytes.length < size) return []; // a partial line at the end of the file
        if (size >= this.maxLineBytes) {
          throw new RuntimeError("validation", `Cannot read WAL "${this.path}": a line at byte ${this.offset} is longer than ${this.maxLineBytes} bytes`);
        }
        size = Math.min(size * 2, this.maxLineBytes);
        continue;
      }
      this.offset += end + 1;
      return this.split(bytes.subarray(0, end));
    }
  }

  /** Read to the end of the file, calling `each` for every line (bounded memory). */
  async readAll(each: (line: WalLine) => void): Promise<void> {
    for (;;) {
      const lines = await this.read();
      if (lines.length === 0) return;
      for (const line of lines) each(line);
    }
  }

  private split(bytes: Uint8Array): WalLine[] {
    const out: WalLine[] = [];
    for (const raw of decoder.decode(bytes).split("\n")) {
      const line = this.nextLine++;
      const text = raw.trim();
      if (text === "") continue;
      const parsed = parseLine(text);
      const entry: WalLine = { seq: this.nextSeq++, line, text, ...parsed };
      this.last = entry;
      out.push(entry);
    }
    return out;
  }

  private async readBytes(size: number): Promise<Uint8Array> {
    let handle;
    try {
      handle = await open(this.path, "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Uint8Array(0);
      throw error;
    }
    try {
      const buffer = new Uint8Array(size);
      const { bytesRead } = await handle.read(buffer, 0, size, this.offset);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }
}

/** The last complete non-blank line of a WAL file (reads its tail, growing it for a long line), or null. */
export async function lastWalLine(path: string, tailBytes = 256 * 1024): Promise<Pick<WalLine, "text" | "value" | "type"> | null> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    for (let want = Math.max(1, tailBytes); ; want *= 2) {
      const length = Math.min(size, want);
      if (length === 0) return null;
      const buffer = new Uint8Array(length);
      await handle.read(buffer, 0, length, size - length);
      const end = buffer.lastIndexOf(NEWLINE);
      const lines = end < 0 ? [] : decoder.decode(buffer.subarray(0, end)).split("\n");
      // The first piece may be cut in the middle unless the tail reached the start of the file.
      const first = length === size ? 0 : 1;
      for (let i = lines.length - 1; i >= first; i--) {
        const text = lines[i]!.trim();
        if (text !== "") return { text, ...parseLine(text) };
      }
      if (length === size) return null;
    }
  } finally {
    await handle.close();
  }
}

export interface EventsPage {
  /** The events (WAL objects with `seq` set to their position), in order. */
  events: Record<string, unknown>[];
  /** The seq to pass as `after` for the next page. */
  nextAfter: number;
  /** The page reached the end of the WAL and the WAL's last event is a terminal event. */
  terminal: boolean;
}

/** Up to `limit` events with `seq > after`, read incrementally. */
export async function readEventsPage(path: string, after: number, limit: number): Promise<EventsPage> {
  const cursor = new WalCursor(path);
  const events: Record<string, unknown>[] = [];
  let nextAfter = after;
  let atEnd = false;
  outer: for (;;) {
    const lines = await cursor.read();
    if (lines.length === 0) {
      atEnd = true;
      break;
    }
    for (const line of lines) {
      if (line.seq <= after || line.value === null) continue;
      if (events.length >= limit) break outer;
      events.push({ ...line.value, seq: line.seq });
      nextAfter = line.seq;
    }
  }
  return { events, nextAfter, terminal: atEnd && cursor.atTerminal };
}
