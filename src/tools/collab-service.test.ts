import { describe, expect, test } from "bun:test";
import { isRuntimeError, type RuntimeError } from "../util/errors.ts";
import { builtinChildRunner } from "./collab-builtin-runner.ts";
import { CollabService, type ChildRunContext, type ChildRunner } from "./collab-service.ts";

async function rejection(promise: Promise<unknown>): Promise<RuntimeError> {
  try {
    await promise;
  } catch (error) {
    if (isRuntimeError(error)) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

/** A runner the test finishes by hand (`finish[id]`); it settles as cancelled when its child is closed. */
function manualRunner() {
  const contexts = new Map<string, ChildRunContext>();
  const finish = new Map<string, (output: string) => void>();
  const runner: ChildRunner = (_message, ctx) => {
    contexts.set(ctx.id, ctx);
    return new Promise((resolve) => {
      finish.set(ctx.id, (output) => resolve({ finalOutput: output }));
      ctx.signal.addEventListener("abort", () => resolve({ finalOutput: "cancelled", status: "cancelled" }));
    });
  };
  return { runner, contexts, finish };
}

describe("CollabService with the builtin runner (spec test 95)", () => {
  test("a wait_input child is waiting_human until send_input answers it, then completed with got:<message>", async () => {
    const collab = new CollabService({ runner: builtinChildRunner });
    const child = await collab.spawn({ message: "wait_input:x", agentType: "default" });
    // The runner asks before its first await, so spawn already reports the question.
    expect(child).toEqual({ id: child.id, agent_type: "default", status: "waiting_human", question: "x" });
    expect(child.id).toMatch(/^[0-9a-f]{32}$/);
    const [waiting] = await collab.wait([child.id], 100);
    expect(waiting).toEqual({ id: child.id, agent_type: "default", status: "waiting_human", question: "x" });
    await collab.sendInput(child.id, "ping");
    const [done] = await collab.wait([child.id], 1_000);
    expect(done).toEqual({ id: child.id, agent_type: "default", status: "completed", final_output: "got:ping" });
    expect(await collab.resume(child.id)).toEqual(done!);
  });

  test("a closed child is cancelled at once; send_input is not_found, resume not_found, close again ok", async () => {
    const collab = new CollabService({ runner: builtinChildRunner });
    const child = await collab.spawn({ message: "wait_input:x", agentType: "default" });
    await collab.close(child.id);
    expect(await collab.wait([child.id])).toEqual([{ id: child.id, agent_type: "default", status: "cancelled" }]);
    const sent = await rejection(collab.sendInput(child.id, "ping"));
    expect([sent.kind, sent.message]).toEqual(["not_found", `Cannot send input to sub-agent "${child.id}": agent not found`]);
    const resumed = await rejection(collab.resume(child.id));
    expect(resumed.kind).toBe("not_found");
    expect(resumed.message).toContain("child not found");
    await collab.close(child.id);
    expect(collab.liveCount).toBe(0);
  });

  test("any other message completes at once with echo:<message>", async () => {
    const collab = new CollabService({ runner: builtinChildRunner });
    const child = await collab.spawn({ message: "hello", agentType: "worker" });
    expect(await collab.wait([child.id])).toEqual([{ id: child.id, agent_type: "worker", status: "completed", final_output: "echo:hello" }]);
    // A completed child is terminal: send_input cannot reach it, close is a no-op, resume reports it.
    expect((await rejection(collab.sendInput(child.id, "late"))).kind).toBe("not_found");
    await collab.close(child.id);
    expect((await collab.resume(child.id)).status).toBe("completed");
  });
});

describe("CollabService", () => {
  test("a blank message is a validation error and starts nothing", async () => {
    const collab = new CollabService({ runner: builtinChildRunner });
    for (const message of ["", "   \n"]) {
      expect((await rejection(collab.spawn({ message, agentType: "default" }))).kind).toBe("validation");
    }
    expect(collab.liveCount).toBe(0);
  });

  test("a runner that throws makes the child failed with the error", async () => {
    const collab = new CollabService({
      runner: async () => {
        throw new Error("model exploded");
      },
    });
    const child = await collab.spawn({ message: "go", agentType: "default" });
    expect(await collab.wait([child.id])).toEqual([{ id: child.id, agent_type: "default", status: "failed", error: "model exploded" }]);
  });

  test("a runner may report its own terminal status and run details", async () => {
    const collab = new CollabService({
      runner: async (_message, ctx) => {
        ctx.setRun({ runId: "run_early", walLocator: "/early" });
        return { finalOutput: "budget exceeded", status: "failed", runId: "run_x", walLocator: "/wal/x" };
      },
    });
    const child = await collab.spawn({ message: "go", agentType: "default" });
    expect(child.run_id).toBe("run_early");
    expect(await collab.wait([child.id])).toEqual([
      { id: child.id, agent_type: "default", status: "failed", error: "budget exceeded", run_id: "run_x", wal_locator: "/wal/x" },
    ]);
  });

  test("wait: empty ids are validation; unknown ids are not_found naming them", async () => {
    const collab = new CollabService({ runner: builtinChildRunner });
    const child = await collab.spawn({ message: "hi", agentType: "default" });
    expect((await rejection(collab.wait([]))).kind).toBe("validation");
    const unknown = await rejection(collab.wait([child.id, "nope", "gone"]));
    expect(unknown.kind).toBe("not_found");
    expect(unknown.message).toContain('unknown ids: ["nope","gone"]');
  });

  test("wait with a timeout returns running snapshots in the requested order", async () => {
    const { runner, finish } = manualRunner();
    const collab = new CollabService({ runner });
    const a = await collab.spawn({ message: "a", agentType: "default" });
    const b = await collab.spawn({ message: "b", agentType: "default" });
    finish.get(b.id)!("B");
    const started = performance.now();
    const results = await collab.wait([a.id, b.id, a.id], 50);
    expect(performance.now() - started).toBeGreaterThanOrEqual(40);
    expect(results.map((r) => [r.id, r.status, r.final_output])).toEqual([
      [a.id, "running", undefined],
      [b.id, "completed", "B"],
      [a.id, "running", undefined],
    ]);
    finish.get(a.id)!("A");
    expect((await collab.wait([a.id])).map((r) => r.final_output)).toEqual(["A"]);
  });

  test("wait without a timeout returns as soon as the last child finishes", async () => {
    const { runner, finish } = manualRunner();
    const collab = new CollabService({ runner });
    const a = await collab.spawn({ message: "a", agentType: "default" });
    const waiting = collab.wait([a.id]);
    setTimeout(() => finish.get(a.id)!("late"), 20);
    expect((await waiting)[0]).toMatchObject({ status: "completed", final_output: "late" });
  });

  test("an aborted signal stops a wait with a cancelled error", async () => {
    const { runner } = manualRunner();
    const collab = new CollabService({ runner });
    const a = await collab.spawn({ message: "a", agentType: "default" });
    const controller = new AbortController();
    const waiting = collab.wait([a.id], null, { signal: controller.signal });
    controller.abort();
    expect((await rejection(waiting)).kind).toBe("cancelled");
    await collab.closeAll();
  });

  test("close aborts the runner's signal; the runner's later outcome does not change cancelled", async () => {
    let signal: AbortSignal | undefined;
    const collab = new CollabService({
      runner: (_message, ctx) => {
        signal = ctx.signal;
        // Ignores the abort and reports completed anyway, with its run details.
        return new Promise((resolve) => ctx.signal.addEventListener("abort", () => resolve({ finalOutput: "done anyway", runId: "run_a", walLocator: "/a" })));
      },
    });
    const a = await collab.spawn({ message: "a", agentType: "default" });
    await collab.close(a.id);
    expect(signal!.aborted).toBe(true);
    await collab.closeAll();
    expect(await collab.wait([a.id])).toEqual([{ id: a.id, agent_type: "default", status: "cancelled", run_id: "run_a", wal_locator: "/a" }]);
  });

  test("close and resume of an unknown id are not_found", async () => {
    const collab = new CollabService({ runner: builtinChildRunner });
    expect((await rejection(collab.close("0".repeat(32)))).kind).toBe("not_found");
    expect((await rejection(collab.resume("0".repeat(32)))).message).toContain("child not found");
    expect((await rejection(collab.sendInput("0".repeat(32), "x"))).message).toContain("agent not found");
  });

  test("resume of a live child reports it", async () => {
    const { runner } = manualRunner();
    const collab = new CollabService({ runner });
    const a = await collab.spawn({ message: "a", agentType: "default" });
    expect(await collab.resume(a.id)).toEqual({ id: a.id, agent_type: "default", status: "running" });
    await collab.closeAll();
  });

  test("messages sent before the child asks are queued in order", async () => {
    const collab = new CollabService({
      runner: async (_message, ctx) => {
        const first = await ctx.waitForInput("first?");
        const second = await ctx.inbox.next();
        return { finalOutput: `${first}+${second}` };
      },
    });
    const a = await collab.spawn({ message: "a", agentType: "default" });
    await collab.sendInput(a.id, "one");
    await collab.sendInput(a.id, "two");
    expect((await collab.wait([a.id], 1_000))[0]!.final_output).toBe("one+two");
  });

  test("closeAll cancels every live child and waits for the runners to settle", async () => {
    const settled: string[] = [];
    const collab = new CollabService({
      runner: async (message, ctx) => {
        try {
          await ctx.waitForInput("?");
        } catch {
          await Bun.sleep(10);
          settled.push(message);
        }
        return { finalOutput: "cancelled", status: "cancelled" };
      },
    });
    const a = await collab.spawn({ message: "a", agentType: "default" });
    const b = await collab.spawn({ message: "b", agentType: "default" });
    await collab.closeAll();
    expect(settled.sort()).toEqual(["a", "b"]);
    expect((await collab.wait([a.id, b.id])).map((r) => r.status)).toEqual(["cancelled", "cancelled"]);
    expect(collab.liveCount).toBe(0);
  });

  test("closeAll gives up on a runner that ignores cancellation after the settle timeout", async () => {
    const collab = new CollabService({ runner: () => new Promise(() => {}), settleTimeoutMs: 30 });
    const a = await collab.spawn({ message: "a", agentType: "default" });
    await collab.closeAll();
    expect((await collab.resume(a.id).catch((e: RuntimeError) => e.kind))).toBe("not_found");
    expect(collab.kind).toBe("in_process");
  });
});
