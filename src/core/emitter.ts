/**
 * The one emission pipeline of a run (spec 3.2): build the event, append it to the WAL (which
 * assigns `seq`), call the hooks (their errors are swallowed), then hand it to the stream sink.
 */
import { makeEvent, type AgentEvent, type EventType } from "../events/schema.ts";
import type { WalBackend } from "../wal/backend.ts";

export type EventHook = (event: AgentEvent) => void;

export interface EmitIds {
  turnId?: string;
  stepId?: string;
}

export class RunEmitter {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly runId: string,
    private readonly wal: WalBackend,
    private readonly hooks: readonly EventHook[],
    private readonly sink: (event: AgentEvent) => void,
  ) {}

  /** Emit one event; resolves once it is in the WAL and delivered. Calls are serialised. */
  emit(type: EventType | string, payload: Record<string, unknown>, ids: EmitIds = {}): Promise<AgentEvent> {
    const next = this.chain.then(async () => {
      const event = makeEvent(type as EventType, this.runId, payload as never, ids) as AgentEvent;
      const seq = await this.wal.append(event);
      const recorded = { ...event, seq } as AgentEvent;
      for (const hook of this.hooks) {
        try {
          hook(recorded);
        } catch {
          // hooks observe; they never break a run
        }
      }
      this.sink(recorded);
      return recorded;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}
