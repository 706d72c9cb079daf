import { describe, expect, test } from "bun:test";
import { askHumanScript, runsServers, until } from "../../test/support/serve-runs.ts";

const server = runsServers();

const slow = () => [{ events: [{ type: "wait" as const, ms: 30_000 }, { type: "completed" as const, finish_reason: "stop" }] }];

describe("InProcessRunManager", () => {
  test("a run uses its session's settings: the fake backend and the model override, plus the session's skills overlay", async () => {
    const s = await server({ realBackend: true });
    const sessionId = await s.session();
    await s.sessions.putSettings(sessionId, { backend: "fake", model: "session-model", base_url: null });
    const { run_id } = await s.runs.createRun(sessionId, "hello");
    await s.runs.waitForRun(run_id);
    const events = s.wal(run_id);
    expect(events.at(-1)!.type).toBe("run_completed");
    const summary = events[0]!.payload as { config_summary: { models: { executor: string }; config_overlays: string[] } };
    expect(summary.config_summary.models.executor).toBe("session-model");
    expect(summary.config_summary.config_overlays).toContain(s.sessions.skillsOverlayPath(sessionId));
  });

  test("runs beyond maxConcurrentRuns are queued until a slot frees; a queued run can be cancelled", async () => {
    const s = await server({ fakeScript: slow, manager: { maxConcurrentRuns: 1 } });
    const sessionId = await s.session();
    const first = (await s.runs.createRun(sessionId, "one")).run_id;
    const second = (await s.runs.createRun(sessionId, "two")).run_id;
    await until(() => s.runs.liveStatus(first), (status) => status === "running", 10_000, "the first run");
    expect(s.runs.liveStatus(second)).toBe("queued");
    expect(s.wal(second)).toHaveLength(0);
    expect(await s.runs.cancel(second)).toEqual({ ok: true, status: "cancelled" });
    expect(s.wal(second).map((e) => e.type)).toEqual(["run_started", "run_cancelled"]);
    expect(await s.runs.cancel(first)).toEqual({ ok: true, status: "cancelled" });
  });

  test("shutdown cancels executing runs, pauses live questions and keeps runs waiting for an approval", async () => {
    const ws = (await server()).workspaceRoot;
    const running = await server({ workspaceRoot: ws, fakeScript: slow });
    const runA = (await running.runs.createRun(await running.session(), "slow")).run_id;
    const asking = await server({ workspaceRoot: ws, fakeScript: askHumanScript("Name?") });
    const runB = (await asking.runs.createRun(await asking.session(), "ask")).run_id;
    const approving = await server({ workspaceRoot: ws, config: { safety: { mode: "ask", approval_timeout_ms: 60_000 } } });
    const runC = (await approving.runs.createRun(await approving.session(), "write")).run_id;
    await until(() => running.runs.liveStatus(runA), (st) => st === "running", 10_000, "run A");
    await until(() => asking.runs.liveStatus(runB), (st) => st === "waiting_human", 10_000, "run B");
    await until(() => approving.runs.liveStatus(runC), (st) => st === "waiting_approval", 10_000, "run C");

    await running.runs.shutdown();
    await asking.runs.shutdown();
    await approving.runs.shutdown();
    expect(running.wal(runA).at(-1)!.type).toBe("run_cancelled");
    expect(asking.wal(runB).at(-1)).toMatchObject({ type: "run_waiting_human", payload: { call_id: "call_ask" } });
    expect(approving.wal(runC).at(-1)!.type).toBe("approval_requested");
    expect(approving.runs.activeCount).toBe(0);
    await expect(running.runs.createRun(await running.session(), "late")).rejects.toMatchObject({ kind: "conflict" });
    // The parked run is released here (in serve the process exits instead).
    await approving.approvals.decide(runC, approving.approvals.listPending(runC)[0]!.approval_key, "abort");
    await approving.runs.waitForRun(runC);
  });
});
