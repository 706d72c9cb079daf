import { describe, expect, test } from "bun:test";
import { StdinLines } from "./stdin-lines.ts";

function streamOf(chunks: string[], holdOpen = false): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
      if (!holdOpen) controller.close();
    },
  });
}

describe("StdinLines", () => {
  test("keeps lines that arrived in one chunk for the next calls", async () => {
    const lines = new StdinLines(() => streamOf(["y\nn\r\n", "a", "bc\nlast"]));
    expect(await lines.next()).toBe("y");
    expect(await lines.next()).toBe("n");
    expect(await lines.next()).toBe("abc");
    expect(await lines.next()).toBe("last");
    expect(await lines.next()).toBeNull();
  });

  test("an aborted wait returns null and the input that comes later is not lost", async () => {
    let push: (text: string) => void = () => undefined;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => controller.enqueue(new TextEncoder().encode(text));
      },
    });
    const lines = new StdinLines(() => stream);
    const controller = new AbortController();
    const waiting = lines.next(controller.signal);
    controller.abort();
    expect(await waiting).toBeNull();
    push("late answer\n");
    expect(await lines.next()).toBe("late answer");
  });

  test("decodes UTF-8 split across chunks", async () => {
    const bytes = new TextEncoder().encode("é✓\n");
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, 1));
        c.enqueue(bytes.slice(1));
        c.close();
      },
    });
    expect(await new StdinLines(() => stream).next()).toBe("é✓");
  });
});
