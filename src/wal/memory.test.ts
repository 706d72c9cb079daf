import { describe, expect, test } from "bun:test";
import { makeEvent, type AgentEvent } from "../events/schema.ts";
import { injectedWalLocator } from "./backend.ts";
import { InMemoryWal } from "./memory.ts";

const started = (runId: string) => makeEvent("tool_call_started", runId, { call_id: "c", tool: "x" });

describe("InMemoryWal", () => {
  test("returns 0-based indices and stores them as seq", async () => {
    const wal = new InMemoryWal();
    expect(await wal.append(started("a"))).toBe(0);
    expect(wal.appendSync(started("b"))).toBe(1);
    expect(wal.events().map((event) => event.seq)).toEqual([0, 1]);
    expect(wal.events("b").map((event) => event.run_id)).toEqual(["b"]);
  });

  test("iterates over a snapshot taken when iteration starts", async () => {
    const wal = new InMemoryWal();
    wal.appendSync(started("a"));
    const seen: AgentEvent[] = [];
    for await (const event of wal.iterEvents()) {
      seen.push(event);
      wal.appendSync(started("a"));
    }
    expect(seen.length).toBe(1);
    expect(wal.size).toBe(2);
  });

  test("uses wal://in-memory by default and gives injected locators with the run id", () => {
    expect(new InMemoryWal().locator()).toBe("wal://in-memory");
    expect(injectedWalLocator(new InMemoryWal("wal://in-memory/test-run"), "r_inmem")).toBe("wal://in-memory/test-run#run_id=r_inmem");
  });

  test("rejects invalid events", async () => {
    const wal = new InMemoryWal();
    const bad = { type: "nope", timestamp: "t", run_id: "r", payload: {} } as unknown as AgentEvent;
    await expect(wal.append(bad)).rejects.toThrow(/Cannot append event "nope"/);
    expect(wal.size).toBe(0);
  });
});
