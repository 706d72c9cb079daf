/**
 * The WAL contract (spec 3.4 `WalBackend`): append events, iterate them back, name the store.
 * Appends are async so that shared backends (database, network) fit the same interface; the
 * JSONL and in-memory backends also offer `appendSync`.
 */
import { TERMINAL_EVENT_TYPES, type AgentEvent } from "../events/schema.ts";

export interface AppendOptions {
  /** fsync even when the event type does not require it. */
  forceFsync?: boolean;
}

export interface WalBackend {
  /** Append one event; resolves to its 0-based index in the WAL (also written as its `seq`). */
  append(event: AgentEvent, options?: AppendOptions): Promise<number>;
  /** Events in WAL order (each with `seq`), optionally only those of one run. */
  iterEvents(runId?: string): AsyncIterable<AgentEvent>;
  /** Where the events live: an absolute file path, or a `scheme://…` locator. */
  locator(): string;
  close?(): void;
}

/**
 * Event types whose append is fsynced (spec 3.4): the terminal events, plus `budget_exceeded`,
 * which the reference lists although no event has that type.
 */
export const FSYNC_EVENT_TYPES: ReadonlySet<string> = new Set<string>([...TERMINAL_EVENT_TYPES, "budget_exceeded"]);

/** Whether appending an event of this type must be followed by an fsync. */
export function needsFsync(type: string, options: AppendOptions = {}): boolean {
  return options.forceFsync === true || FSYNC_EVENT_TYPES.has(type);
}

/** The locator a run reports when the WAL backend was injected: `<locator>#run_id=<run_id>` (spec 2.4). */
export function injectedWalLocator(backend: Pick<WalBackend, "locator">, runId: string): string {
  return `${backend.locator()}#run_id=${runId}`;
}
