import { describe, expect, test } from "bun:test";
import { askHumanScript, type RunsServer, runsServers, until } from "../../../test/support/serve-runs.ts";

const server = runsServers({ fakeScript: askHumanScript("Which colour?") });

async function start(s: RunsServer): Promise<string> {
  const sessionId = await s.session();
  return (await s.call("POST", `/api/v1/sessions/${sessionId}/runs`, { message: "ask me" })).json.run_id;
}

describe("POST /api/v1/runs/:run_id/human", () => {
  test("a live question keeps the run waiting_human; the answer goes to the tool and the run completes", async () => {
    const s = await server();
    const runId = await start(s);
    const detail = await until(async () => (await s.call("GET", `/api/v1/runs/${runId}`)).json, (d) => d.status === "waiting_human", 10_000, "waiting_human");
    expect(detail.waiting_human).toEqual([expect.objectContaining({ call_id: "call_ask", question: "Which colour?", live: true })]);
    expect(s.wal(runId).some((e) => e.type === "run_waiting_human")).toBe(false);
    const pending = await s.call("GET", `/api/v1/runs/${runId}/human/pending`);
    expect(pending.json.questions).toHaveLength(1);

    const res = await s.call("POST", `/api/v1/runs/${runId}/human`, { call_id: "call_ask", answer: "blue" });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true, resumed: false });
    await s.runs.waitForRun(runId);
    const events = s.wal(runId);
    expect(events.find((e) => e.type === "human_response")!.payload).toEqual({ call_id: "call_ask", answer: "blue" });
    expect(events.find((e) => e.type === "tool_call_finished")!.payload.result).toMatchObject({ ok: true, stdout: "blue" });
    expect(events.at(-1)!.type).toBe("run_completed");
  });

  test("after the live wait times out the run ends run_waiting_human; an answer resumes it", async () => {
    const s = await server({ humanTimeoutMs: 50 });
    const runId = await start(s);
    await until(() => s.wal(runId).at(-1)?.type, (t) => t === "run_waiting_human", 10_000, "run_waiting_human");
    await s.runs.waitForRun(runId);
    const detail = (await s.call("GET", `/api/v1/runs/${runId}`)).json;
    expect(detail).toMatchObject({ status: "waiting_human", error_kind: "human_required" });
    expect(detail.waiting_human).toEqual([expect.objectContaining({ call_id: "call_ask", question: "Which colour?", live: false })]);

    const wrong = await s.call("POST", `/api/v1/runs/${runId}/human`, { call_id: "other", answer: "x" });
    expect(wrong.status).toBe(404);
    const res = await s.call("POST", `/api/v1/runs/${runId}/human`, { call_id: "call_ask", answer: "green" });
    expect(res.json).toEqual({ ok: true, resumed: true });
    await s.runs.waitForRun(runId);
    const events = s.wal(runId);
    const types = events.map((e) => e.type);
    const waitingAt = types.indexOf("run_waiting_human");
    expect(types[waitingAt + 1]).toBe("human_response");
    expect(types[waitingAt + 2]).toBe("run_started");
    expect(events[waitingAt + 2]!.payload.task).toContain("green");
    // The resumed run asked the same question again: answered at once from the recorded answer.
    const results = events.filter((e) => e.type === "tool_call_finished").map((e) => e.payload.result);
    expect(results.at(-1)).toMatchObject({ ok: true, stdout: "green" });
    expect(types.at(-1)).toBe("run_completed");
  });

  test("answers 409 for a run that is not waiting, 404 for an unknown run, 422 for a bad body", async () => {
    const s = await server({ fakeScript: undefined });
    const sessionId = await s.session();
    const done = (await s.call("POST", `/api/v1/sessions/${sessionId}/runs`, { message: "plain" })).json.run_id;
    await s.runs.waitForRun(done);
    const res = await s.call("POST", `/api/v1/runs/${done}/human`, { call_id: "c", answer: "a" });
    expect(res.status).toBe(409);
    expect(res.json.detail.kind).toBe("conflict");
    expect((await s.call("POST", `/api/v1/runs/run_${"7".repeat(32)}/human`, { call_id: "c", answer: "a" })).status).toBe(404);
    expect((await s.call("POST", `/api/v1/runs/${done}/human`, { answer: "a" })).status).toBe(422);
  });
});
