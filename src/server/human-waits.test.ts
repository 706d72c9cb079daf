import { describe, expect, test } from "bun:test";
import type { HumanInputRequest } from "../tools/human-io.ts";
import { HumanWaits } from "./human-waits.ts";

const ask = (callId: string, question = "Q?"): HumanInputRequest => ({ callId, question, choices: null, context: {}, timeoutMs: null });

describe("HumanWaits", () => {
  test("holds a question until it is answered by call id", async () => {
    const waits = new HumanWaits();
    const answer = waits.ioFor("run_a").requestHumanInput(ask("c1", "Colour?"));
    expect(waits.listPending("run_a")).toEqual([{ run_id: "run_a", call_id: "c1", question: "Colour?", choices: null, context: {}, age_ms: expect.any(Number) }]);
    expect(waits.answer("run_a", "nope", "x")).toBe(false);
    expect(waits.answer("run_a", "c1", "red")).toBe(true);
    expect(await answer).toBe("red");
    expect(waits.hasPending("run_a")).toBe(false);
  });

  test("a bare call id answers the oldest request_user_input question of that call", async () => {
    const waits = new HumanWaits();
    const answer = waits.ioFor("run_a").requestHumanInput(ask("c1:q1"));
    expect(waits.answer("run_a", "c1", "yes")).toBe(true);
    expect(await answer).toBe("yes");
  });

  test("the wait is bounded: it fails with human_required", async () => {
    const waits = new HumanWaits({ timeoutMs: 20 });
    await expect(waits.ioFor("run_a").requestHumanInput(ask("c1"))).rejects.toMatchObject({ kind: "human_required" });
    expect(waits.hasPending("run_a")).toBe(false);
  });

  test("release ends live questions with human_required (server shutdown)", async () => {
    const waits = new HumanWaits();
    const answer = waits.ioFor("run_a").requestHumanInput(ask("c1"));
    waits.release("run_a", "the server stopped");
    await expect(answer).rejects.toMatchObject({ kind: "human_required", message: expect.stringContaining("the server stopped") });
  });

  test("an aborted run stops waiting", async () => {
    const waits = new HumanWaits();
    const controller = new AbortController();
    const answer = waits.ioFor("run_a").requestHumanInput(ask("c1"), { signal: controller.signal });
    controller.abort();
    await expect(answer).rejects.toMatchObject({ kind: "cancelled" });
    expect(waits.hasPending("run_a")).toBe(false);
  });

  test("a pre-seeded answer answers the same question once, at once", async () => {
    const waits = new HumanWaits();
    waits.preseed("run_a", "Colour?", "blue");
    expect(await waits.ioFor("run_a").requestHumanInput(ask("c9", " Colour? "))).toBe("blue");
    const second = waits.ioFor("run_a").requestHumanInput(ask("c10", "Colour?"));
    expect(waits.hasPending("run_a")).toBe(true);
    waits.release("run_a", "done");
    await expect(second).rejects.toMatchObject({ kind: "human_required" });
  });
});
