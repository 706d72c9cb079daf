/**
 * In-memory WAL (spec 3.4 `InMemoryWal`): list-backed, for tests and embedders that keep events
 * elsewhere. Iteration works on a snapshot, so appends during iteration are not seen.
 */
import { AgentEvent } from "../events/schema.ts";
import { RuntimeError } from "../util/errors.ts";
import type { AppendOptions, WalBackend } from "./backend.ts";

export const IN_MEMORY_WAL_LOCATOR = "wal://in-memory";

export interface InMemoryWalOptions {
  /** Validate events against the schema before storing (default true). */
  validate?: boolean;
}

export class InMemoryWal implements WalBackend {
  private readonly stored: AgentEvent[] = [];
  private readonly validate: boolean;

  constructor(
    private readonly locatorText: string = IN_MEMORY_WAL_LOCATOR,
    options: InMemoryWalOptions = {},
  ) {
    this.validate = options.validate ?? true;
  }

  locator(): string {
    return this.locatorText;
  }

  appendSync(event: AgentEvent, _options: AppendOptions = {}): number {
    let checked = event;
    if (this.validate) {
      const parsed = AgentEvent.safeParse(event);
      if (!parsed.success) {
        throw new RuntimeError("validation", `Cannot append event "${String(event?.type)}" to "${this.locatorText}": ${parsed.error.issues[0]?.message ?? "invalid"}`);
      }
      checked = parsed.data;
    }
    const index = this.stored.length;
    this.stored.push({ ...checked, seq: index });
    return index;
  }

  append(event: AgentEvent, options: AppendOptions = {}): Promise<number> {
    try {
      return Promise.resolve(this.appendSync(event, options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A snapshot of the stored events, optionally of one run. */
  events(runId?: string): AgentEvent[] {
    return this.stored.filter((event) => runId === undefined || event.run_id === runId);
  }

  async *iterEvents(runId?: string): AsyncGenerator<AgentEvent> {
    yield* this.events(runId);
  }

  get size(): number {
    return this.stored.length;
  }
}
