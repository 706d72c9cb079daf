/**
 * Bounded fan-out of the event stream to live consumers (SSE clients, the Studio, renderers).
 *
 * `publish` never blocks and never waits for a consumer. Each subscriber has a buffer of at most
 * `maxBuffer` undelivered events. Slow-consumer policy: when a publish finds a subscriber's
 * buffer full, that subscriber is dropped. It still receives the events already buffered, then one
 * `{kind: "overflowed"}` marker, then its iteration ends; it resumes from the WAL after the last
 * `seq` it saw (every event carries its WAL `seq`, so nothing is lost or repeated).
 */
import type { AgentEvent } from "./schema.ts";

export type BusMessage<T> = { kind: "event"; event: T } | { kind: "overflowed" };

export interface SubscribeOptions {
  /** Most events buffered for this subscriber before it is dropped (default: the bus default). */
  maxBuffer?: number;
  /** Ends the subscription when aborted. */
  signal?: AbortSignal;
}

export interface Subscription<T> extends AsyncIterable<BusMessage<T>> {
  /** True once this subscriber was dropped for being too slow. */
  readonly overflowed: boolean;
  /** Events buffered and not yet taken. */
  readonly buffered: number;
  /** Stop receiving; a pending `next()` resolves as done. */
  close(): void;
}

export interface EventBusOptions {
  /** Default per-subscriber buffer (default 1024). */
  maxBuffer?: number;
}

class BusSubscription<T> implements Subscription<T> {
  private readonly queue: BusMessage<T>[] = [];
  private waiter: ((result: IteratorResult<BusMessage<T>>) => void) | null = null;
  private ended = false;
  private dropped = false;

  constructor(
    private readonly maxBuffer: number,
    private readonly detach: (subscription: BusSubscription<T>) => void,
  ) {}

  get overflowed(): boolean {
    return this.dropped;
  }

  get buffered(): number {
    const last = this.queue[this.queue.length - 1];
    return this.queue.length - (last?.kind === "overflowed" ? 1 : 0);
  }

  /** Called by the bus; returns false when the subscriber had to be dropped. */
  offer(event: T): boolean {
    if (this.ended) return false;
    if (this.waiter) {
      const resolve = this.waiter;
      this.waiter = null;
      resolve({ value: { kind: "event", event }, done: false });
      return true;
    }
    if (this.queue.length >= this.maxBuffer) {
      this.dropped = true;
      this.queue.push({ kind: "overflowed" });
      this.finish();
      return false;
    }
    this.queue.push({ kind: "event", event });
    return true;
  }

  /** No more messages will be queued; buffered ones are still delivered. */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.detach(this);
    if (this.waiter && this.queue.length === 0) {
      const resolve = this.waiter;
      this.waiter = null;
      resolve({ value: undefined, done: true });
    }
  }

  close(): void {
    this.queue.length = 0;
    this.finish();
  }

  next(): Promise<IteratorResult<BusMessage<T>>> {
    const message = this.queue.shift();
    if (message) return Promise.resolve({ value: message, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<BusMessage<T>> {
    return {
      next: () => this.next(),
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

export class EventBus<T = AgentEvent> {
  private readonly subscribers = new Set<BusSubscription<T>>();
  private readonly defaultMaxBuffer: number;
  private closed = false;

  constructor(options: EventBusOptions = {}) {
    this.defaultMaxBuffer = options.maxBuffer ?? 1024;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  subscribe(options: SubscribeOptions = {}): Subscription<T> {
    const maxBuffer = options.maxBuffer ?? this.defaultMaxBuffer;
    if (!Number.isInteger(maxBuffer) || maxBuffer < 1) {
      throw new RangeError(`Cannot subscribe to the event bus: maxBuffer must be an integer >= 1, got ${maxBuffer}`);
    }
    const signal = options.signal;
    const onAbort = () => subscription.close();
    const subscription = new BusSubscription<T>(maxBuffer, (s) => {
      this.subscribers.delete(s);
      signal?.removeEventListener("abort", onAbort);
    });
    if (this.closed || signal?.aborted) {
      subscription.finish();
      return subscription;
    }
    this.subscribers.add(subscription);
    signal?.addEventListener("abort", onAbort, { once: true });
    return subscription;
  }

  /** Deliver to every subscriber; drops those whose buffer is full. */
  publish(event: T): void {
    for (const subscription of [...this.subscribers]) subscription.offer(event);
  }

  /** End every subscription (buffered events are still delivered); later subscribers end at once. */
  close(): void {
    this.closed = true;
    for (const subscription of [...this.subscribers]) subscription.finish();
  }
}
