import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RunsServer, runsServers, until } from "../../../test/support/serve-runs.ts";
import { openApiDocument } from "../openapi.ts";

const server = runsServers();

const RUN_ID = /^run_[0-9a-f]{32}$/;

async function finished(s: RunsServer, runId: string) {
  await s.runs.waitForRun(runId);
  return (await s.call("GET", `/api/v1/runs/${runId}`)).json;
}

describe("POST /api/v1/sessions/:session_id/runs", () => {
  test("starts a run with the Studio fake: 201 run_id, run.json, a complete WAL and the fake's file", async () => {
    const s = await server();
    const sessionId = await s.session();
    const res = await s.call("POST", `/api/v1/sessions/${sessionId}/runs`, { message: "write the file" });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ run_id: expect.stringMatching(RUN_ID) });
    const runId = res.json.run_id as string;
    const runJson = JSON.parse(readFileSync(join(s.workspaceRoot, ".skills_runtime_sdk", "runs", runId, "run.json"), "utf8"));
    expect(runJson).toMatchObject({ run_id: runId, session_id: sessionId, message: "write the file", created_at: expect.stringMatching(/Z$/) });
    const detail = await finished(s, runId);
    expect(detail).toMatchObject({ run_id: runId, session_id: sessionId, status: "completed", task: "write the file", final_output: "done", error_kind: null, pending_approvals: [] });
    expect(detail.ended_at).toEqual(expect.stringMatching(/Z$/));
    const events = s.wal(runId);
    expect(events[0]!.type).toBe("run_started");
    expect(events.at(-1)!.type).toBe("run_completed");
    expect(events.filter((e) => e.type === "llm_response_delta" && e.payload.delta_type === "text").length).toBeGreaterThan(1);
    expect(readFileSync(join(s.workspaceRoot, "studio_fake_llm_output.txt"), "utf8")).toBe("hello from fake llm");
    expect((await s.sessions.get(sessionId)).runs_count).toBe(1);
  });

  test("answers 422 for an empty message and 404 for an unknown session", async () => {
    const s = await server();
    const sessionId = await s.session();
    const empty = await s.call("POST", `/api/v1/sessions/${sessionId}/runs`, { message: "" });
    expect(empty.status).toBe(422);
    expect(empty.json.detail[0]).toMatchObject({ loc: ["body", "message"] });
    const missing = await s.call("POST", `/api/v1/sessions/sess_${"0".repeat(32)}/runs`, { message: "hi" });
    expect(missing.status).toBe(404);
    expect(missing.json.detail).toMatchObject({ kind: "not_found" });
  });

  test("answers 400 validation_error for a corrupt skills.json and starts nothing", async () => {
    const s = await server();
    const sessionId = await s.session();
    writeFileSync(join(s.sessions.sessionDir(sessionId), "skills.json"), "{not json");
    const res = await s.call("POST", `/api/v1/sessions/${sessionId}/runs`, { message: "hi" });
    expect(res.status).toBe(400);
    expect(res.json.detail.kind).toBe("validation_error");
    expect(s.runs.activeCount).toBe(0);
  });

  test("records run_failed with config_error when no LLM is configured, without crashing", async () => {
    const s = await server({ realBackend: true, manager: { excludeProbePorts: [11434, 8001, 8000, 1234, 8080] } });
    const sessionId = await s.session();
    const { json } = await s.call("POST", `/api/v1/sessions/${sessionId}/runs`, { message: "hello" });
    const detail = await finished(s, json.run_id);
    expect(detail).toMatchObject({ status: "failed", error_kind: "config_error" });
    const last = s.wal(json.run_id).at(-1)!;
    expect(last).toMatchObject({ type: "run_failed", payload: { error_kind: "config_error", message: expect.stringContaining("OPENAI_API_KEY") } });
  });

  test("a failure before the Agent writes appends a run_failed line (spec 12.5)", async () => {
    const s = await server();
    const sessionId = await s.session();
    // A session overlay that is not valid YAML fails the config load of the run.
    writeFileSync(s.sessions.skillsOverlayPath(sessionId), "skills: [unclosed");
    const { json } = await s.call("POST", `/api/v1/sessions/${sessionId}/runs`, { message: "hello" });
    const detail = await finished(s, json.run_id);
    expect(detail.status).toBe("failed");
    const events = s.wal(json.run_id);
    expect(events.map((e) => e.type)).toEqual(["run_failed"]);
    expect(events[0]!.payload).toMatchObject({ error_kind: "config_error", retryable: false, details: { exception_class: "ConfigError" } });
  });
});

describe("GET /api/v1/sessions/:session_id/runs", () => {
  test("lists the session's runs newest first with status, times and usage", async () => {
    const s = await server();
    const sessionId = await s.session();
    const other = await s.session();
    const first = (await s.call("POST", `/api/v1/sessions/${sessionId}/runs`, { message: "one" })).json.run_id;
    await s.runs.waitForRun(first);
    await Bun.sleep(2);
    const second = (await s.call("POST", `/api/v1/sessions/${sessionId}/runs`, { message: "two" })).json.run_id;
    await s.runs.waitForRun(second);
    await s.call("POST", `/api/v1/sessions/${other}/runs`, { message: "elsewhere" });
    const res = await s.call("GET", `/api/v1/sessions/${sessionId}/runs`);
    expect(res.status).toBe(200);
    expect(res.json.runs.map((r: { run_id: string }) => r.run_id)).toEqual([second, first]);
    expect(res.json.runs[0]).toMatchObject({ status: "completed", task: "two", started_at: expect.any(String), ended_at: expect.any(String), duration_ms: expect.any(Number) });
    expect(res.json.runs[0].usage).toEqual({ input_tokens: expect.any(Number), output_tokens: expect.any(Number), total_tokens: expect.any(Number) });
  });

  test("answers 404 for an unknown session and 400 for a traversal id", async () => {
    const s = await server();
    expect((await s.call("GET", `/api/v1/sessions/sess_${"1".repeat(32)}/runs`)).status).toBe(404);
    const bad = await s.call("GET", "/api/v1/sessions/..%2F..%2Fetc/runs");
    expect(bad.status).toBe(400);
    expect(bad.json.detail.kind).toBe("validation_error");
  });
});

describe("GET /api/v1/runs/:run_id", () => {
  test("answers 404 for an unknown run and 400 validation_error for traversal", async () => {
    const s = await server();
    const missing = await s.call("GET", `/api/v1/runs/run_${"2".repeat(32)}`);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ detail: { kind: "not_found", message: expect.any(String), details: { run_id: `run_${"2".repeat(32)}` } } });
    for (const id of ["..%2F..%2Fsessions", "a%00b", "%2E%2E%2Fx", "x%5C..%5Cy"]) {
      const res = await s.call("GET", `/api/v1/runs/${id}`);
      expect(res.status).toBe(400);
      expect(res.json.detail.kind).toBe("validation_error");
    }
  });
});

describe("POST /api/v1/runs/:run_id/cancel", () => {
  test("cancels a running run (200, WAL ends run_cancelled), then 409 for the finished run", async () => {
    const s = await server({ fakeScript: () => [{ events: [{ type: "text_delta", text: "thinking" }, { type: "wait", ms: 30_000 }, { type: "completed", finish_reason: "stop" }] }] });
    const sessionId = await s.session();
    const { json } = await s.call("POST", `/api/v1/sessions/${sessionId}/runs`, { message: "slow" });
    await until(() => s.wal(json.run_id).map((e) => e.type), (types) => types.includes("llm_response_delta"), 10_000, "the first delta");
    const res = await s.call("POST", `/api/v1/runs/${json.run_id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true, status: "cancelled" });
    expect(s.wal(json.run_id).at(-1)!.type).toBe("run_cancelled");
    const again = await s.call("POST", `/api/v1/runs/${json.run_id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.json.detail).toMatchObject({ kind: "conflict", details: { status: "cancelled" } });
  });

  test("deleting a session first cancels its running runs (cancelSessionRuns), and only its own", async () => {
    const slow = () => [{ events: [{ type: "text_delta" as const, text: "thinking" }, { type: "wait" as const, ms: 30_000 }, { type: "completed" as const, finish_reason: "stop" }] }];
    const s = await server({ fakeScript: slow });
    const [mine, other] = [await s.session(), await s.session()];
    const runA = (await s.call("POST", `/api/v1/sessions/${mine}/runs`, { message: "slow" })).json.run_id;
    const runB = (await s.call("POST", `/api/v1/sessions/${other}/runs`, { message: "slow" })).json.run_id;
    for (const id of [runA, runB]) await until(() => s.wal(id).map((e) => e.type), (types) => types.includes("llm_response_delta"), 10_000, "the first delta");
    expect(await s.runs.cancelSessionRuns(mine)).toEqual([runA]);
    expect(s.wal(runA).at(-1)!.type).toBe("run_cancelled");
    expect(s.runs.liveStatus(runB)).toBe("running");
    await s.runs.cancel(runB);
  });

  test("answers 404 for an unknown run", async () => {
    const s = await server();
    expect((await s.call("POST", `/api/v1/runs/run_${"3".repeat(32)}/cancel`)).status).toBe(404);
  });
});

describe("POST /api/v1/runs/:run_id/fork and /resume", () => {
  test("fork copies events 0..from_seq into a new run and continues it with replay", async () => {
    const s = await server();
    const sessionId = await s.session();
    const src = (await s.call("POST", `/api/v1/sessions/${sessionId}/runs`, { message: "original" })).json.run_id;
    await s.runs.waitForRun(src);
    const res = await s.call("POST", `/api/v1/runs/${src}/fork`, { from_seq: 0 });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ run_id: expect.stringMatching(RUN_ID), forked_from: src, from_seq: 0 });
    const detail = await finished(s, res.json.run_id);
    expect(detail).toMatchObject({ status: "completed", session_id: sessionId, task: "original", forked_from: { run_id: src, seq: 0 } });
    const events = s.wal(res.json.run_id);
    expect(events[0]).toMatchObject({ type: "run_started", run_id: res.json.run_id });
    expect(events[1]).toMatchObject({ type: "run_started", payload: { resume: { strategy: "replay", previous_events: 1 } } });
    expect(events.at(-1)!.type).toBe("run_completed");
    expect((await s.sessions.get(sessionId)).runs_count).toBe(2);
  });

  test("fork answers 400 for a from_seq past the end, 422 for a negative one, 404 for an unknown run", async () => {
    const s = await server();
    const sessionId = await s.session();
    const src = (await s.call("POST", `/api/v1/sessions/${sessionId}/runs`, { message: "x" })).json.run_id;
    await s.runs.waitForRun(src);
    expect((await s.call("POST", `/api/v1/runs/${src}/fork`, { from_seq: 10_000 })).status).toBe(400);
    expect((await s.call("POST", `/api/v1/runs/${src}/fork`, { from_seq: -1 })).status).toBe(422);
    expect((await s.call("POST", `/api/v1/runs/run_${"4".repeat(32)}/fork`, {})).status).toBe(404);
  });

  test("resume continues a finished run under the same id with a new segment", async () => {
    const s = await server();
    const sessionId = await s.session();
    const runId = (await s.call("POST", `/api/v1/sessions/${sessionId}/runs`, { message: "first" })).json.run_id;
    await s.runs.waitForRun(runId);
    const res = await s.call("POST", `/api/v1/runs/${runId}/resume`, { message: "again" });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ run_id: runId, status: expect.any(String) });
    const detail = await finished(s, runId);
    expect(detail).toMatchObject({ status: "completed", task: "again" });
    const started = s.wal(runId).filter((e) => e.type === "run_started");
    expect(started.map((e) => e.payload.task)).toEqual(["first", "again"]);
    expect(started[1]!.payload.resume).toMatchObject({ enabled: true, strategy: "summary" });
  });

  test("resume answers 409 while the run executes and 404 for an unknown run", async () => {
    const s = await server({ fakeScript: () => [{ events: [{ type: "wait", ms: 30_000 }, { type: "completed", finish_reason: "stop" }] }] });
    const sessionId = await s.session();
    const runId = (await s.call("POST", `/api/v1/sessions/${sessionId}/runs`, { message: "slow" })).json.run_id;
    const busy = await s.call("POST", `/api/v1/runs/${runId}/resume`, {});
    expect(busy.status).toBe(409);
    expect((await s.call("POST", `/api/v1/runs/run_${"5".repeat(32)}/resume`)).status).toBe(404);
  });
});

test("every run route is in the OpenAPI document", async () => {
  await server();
  const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
  for (const [path, method] of [
    ["/api/v1/sessions/{session_id}/runs", "post"],
    ["/api/v1/sessions/{session_id}/runs", "get"],
    ["/api/v1/runs/{run_id}", "get"],
    ["/api/v1/runs/{run_id}/cancel", "post"],
    ["/api/v1/runs/{run_id}/fork", "post"],
    ["/api/v1/runs/{run_id}/resume", "post"],
    ["/api/v1/runs/{run_id}/approvals/pending", "get"],
    ["/api/v1/runs/{run_id}/approvals/{approval_key}", "post"],
    ["/api/v1/runs/{run_id}/human", "post"],
    ["/api/v1/runs/{run_id}/human/pending", "get"],
    ["/api/v1/runs/{run_id}/events", "get"],
    ["/api/v1/runs/{run_id}/events/stream", "get"],
  ] as const) {
    expect(paths[path]?.[method]).toBeDefined();
  }
  expect(existsSync).toBeDefined();
});
