import { describe, expect, test } from "bun:test";
import { EventBus, type BusMessage, type Subscription } from "./bus.ts";
import { makeEvent, type AgentEvent } from "./schema.ts";

async function take<T>(subscription: Subscription<T>, count: number): Promise<BusMessage<T>[]> {
  const out: BusMessage<T>[] = [];
  const iterator = subscription[Symbol.asyncIterator]();
  while (out.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

async function drain<T>(subscription: Subscription<T>): Promise<BusMessage<T>[]> {
  const out: BusMessage<T>[] = [];
  for await (const message of subscription) out.push(message);
  return out;
}

describe("EventBus", () => {
  test("delivers every event in order to every subscriber", async () => {
    const bus = new EventBus<number>();
    const a = bus.subscribe();
    const b = bus.subscribe();
    for (let i = 0; i < 5; i++) bus.publish(i);
    bus.close();
    const expected: BusMessage<number>[] = [0, 1, 2, 3, 4].map((event) => ({ kind: "event", event }));
    expect(await drain(a)).toEqual(expected);
    expect(await drain(b)).toEqual(expected);
  });

  test("wakes a waiting consumer without buffering", async () => {
    const bus = new EventBus<string>();
    const sub = bus.subscribe({ maxBuffer: 1 });
    const pending = take(sub, 2);
    bus.publish("a");
    await Promise.resolve();
    bus.publish("b");
    expect(await pending).toEqual([
      { kind: "event", event: "a" },
      { kind: "event", event: "b" },
    ]);
    expect(sub.overflowed).toBe(false);
  });

  test("drops a slow subscriber with an overflowed marker and keeps the fast one", async () => {
    const bus = new EventBus<number>();
    const slow = bus.subscribe({ maxBuffer: 3 });
    const fast = bus.subscribe({ maxBuffer: 100 });
    for (let i = 0; i < 10; i++) bus.publish(i);
    expect(slow.overflowed).toBe(true);
    expect(bus.subscriberCount).toBe(1);
    expect(await drain(slow)).toEqual([
      { kind: "event", event: 0 },
      { kind: "event", event: 1 },
      { kind: "event", event: 2 },
      { kind: "overflowed" },
    ]);
    bus.close();
    expect((await drain(fast)).length).toBe(10);
  });

  test("an overflowed subscriber resumes from the log after the last seq it saw", async () => {
    const log: AgentEvent[] = []; // stands in for the WAL
    const bus = new EventBus<AgentEvent>();
    const sub = bus.subscribe({ maxBuffer: 2 });
    for (let i = 0; i < 6; i++) {
      const event = { ...makeEvent("llm_response_delta", "r1", { delta_type: "text", text: `t${i}` }), seq: log.length };
      log.push(event);
      bus.publish(event);
    }
    const received = await drain(sub);
    expect(received.at(-1)).toEqual({ kind: "overflowed" });
    const seen = received.flatMap((m) => (m.kind === "event" ? [m.event.seq] : []));
    const lastSeq = seen.at(-1) ?? -1;
    const caughtUp = log.filter((event) => (event.seq ?? -1) > lastSeq).map((event) => event.seq);
    expect([...seen, ...caughtUp]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test("close() and abort end subscriptions and detach them", async () => {
    const bus = new EventBus<number>();
    const controller = new AbortController();
    const aborted = bus.subscribe({ signal: controller.signal });
    const closed = bus.subscribe();
    expect(bus.subscriberCount).toBe(2);
    const waiting = drain(aborted);
    controller.abort();
    expect(await waiting).toEqual([]);
    closed.close();
    bus.publish(1);
    expect(await drain(closed)).toEqual([]);
    expect(bus.subscriberCount).toBe(0);
    bus.close();
    expect(await drain(bus.subscribe())).toEqual([]);
  });

  test("rejects a buffer size below one", () => {
    expect(() => new EventBus().subscribe({ maxBuffer: 0 })).toThrow(RangeError);
  });
});
