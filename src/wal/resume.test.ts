import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { makeEvent, type AgentEvent } from "../events/schema.ts";
import { InMemoryWal } from "./memory.ts";
import { readWalFile } from "./read.ts";
import { buildResumeSummary, loadResumePlan, prepareResume, rebuildResumeReplayState } from "./resume.ts";

const FIXTURES = join(import.meta.dir, "../../test/fixtures/wal");
interface ExpectedResume {
  previous_events: number;
  summary: string | null;
  history: unknown[] | null;
  approved_for_session: string[];
  denied: Record<string, number>;
}
// Produced by running the reference's prepare_resume on the same fixtures.
const expected = JSON.parse(readFileSync(join(FIXTURES, "reference-expected.json"), "utf8")).resume as Record<string, ExpectedResume>;
const completed = readWalFile(join(FIXTURES, "reference-completed.jsonl"), { runId: "r_ref1" });
const resumed = readWalFile(join(FIXTURES, "reference-resume.jsonl"), { runId: "r_res" });
const LOC = "/ws/events.jsonl";

describe("summary resume", () => {
  test.each([
    ["completed/summary", completed],
    ["resume/summary", resumed],
  ] as const)("builds the reference's [Resume Summary] text (%s)", (key, events) => {
    const plan = prepareResume(events, { strategy: "summary" });
    expect(plan.summary).toBe(expected[key]!.summary);
    expect(plan.previousEvents).toBe(expected[key]!.previous_events);
    expect(plan.history).toEqual([{ role: "assistant", content: expected[key]!.summary }]);
    expect(plan.status).toEqual({ enabled: true, strategy: "summary", previous_events: events.length });
  });

  test("prints unknown terminal and omits tools when there is no terminal text", () => {
    const events: AgentEvent[] = [
      makeEvent("tool_call_finished", "r", { call_id: "c", tool: "x", result: { ok: true } }),
    ];
    expect(buildResumeSummary(events)).toBe("[Resume Summary]\nprevious_events: 1\nprevious_terminal: unknown");
  });

  test("caps the text at 4096 characters plus a truncation marker", () => {
    const task = "任".repeat(5000);
    const events = [
      makeEvent("run_started", "r", {
        task,
        config_summary: { profile_id: null, models: { planner: "m", executor: "m" }, llm: { base_url: "u", api_key_env: "K" }, config_overlays: [] },
        workspace_root: "/ws",
        resume: { enabled: false, strategy: "summary", previous_events: 0 },
      }),
    ];
    const summary = buildResumeSummary(events);
    expect(summary).toBe(`[Resume Summary]\nprevious_task: ${task}`.slice(0, 4096) + "\n...<truncated>");
  });

  test("does nothing without previous events or with an explicit initial history", () => {
    expect(prepareResume([], { strategy: "summary" })).toMatchObject({ summary: null, history: [], status: { enabled: false, previous_events: 0 } });
    const plan = prepareResume(completed, { strategy: "summary", initialHistory: [] });
    expect(plan.summary).toBeNull();
    expect(plan.history).toEqual([]);
    expect(plan.status.enabled).toBe(false);
  });
});

describe("replay resume", () => {
  test.each([
    ["completed/replay", completed],
    ["resume/replay", resumed],
  ] as const)("rebuilds the reference's history and approval state (%s)", (key, events) => {
    const plan = prepareResume(events, { strategy: "replay" });
    expect(plan.summary).toBeNull();
    expect(plan.history).toEqual(expected[key]!.history as never);
    expect(plan.approvedForSessionKeys.sort()).toEqual(expected[key]!.approved_for_session);
    expect(plan.deniedApprovalsByKey).toEqual(expected[key]!.denied);
    expect(plan.status).toEqual({ enabled: true, strategy: "replay", previous_events: events.length });
  });

  test("groups tool calls of the same turn into one assistant message", () => {
    const state = rebuildResumeReplayState(resumed);
    const first = state.history[0];
    expect(first?.role === "assistant" ? first.tool_calls?.map((call) => call.id) : []).toEqual(["c1", "c2"]);
  });

  test("keeps the text a turn streamed before its tool calls (decisions.md item 5)", () => {
    const ids = { turnId: "turn_1" };
    const events: AgentEvent[] = [
      makeEvent("llm_response_delta", "r", { delta_type: "text", text: "Let me " }, ids),
      makeEvent("llm_response_delta", "r", { delta_type: "text", text: "look." }, ids),
      makeEvent("tool_call_requested", "r", { call_id: "c1", tool: "ls", name: "ls", arguments: {} }, { ...ids, stepId: "step_1" }),
      makeEvent("tool_call_requested", "r", { call_id: "c2", tool: "ls", name: "ls", arguments: {} }, { ...ids, stepId: "step_2" }),
      makeEvent("tool_call_finished", "r", { call_id: "c1", tool: "ls", result: { ok: true } }, { ...ids, stepId: "step_1" }),
    ];
    const [assistant] = rebuildResumeReplayState(events).history;
    expect(assistant).toMatchObject({ role: "assistant", content: "Let me look." });
    expect(assistant?.role === "assistant" ? assistant.tool_calls?.map((c) => c.id) : []).toEqual(["c1", "c2"]);
  });

  test("keeps the denials but enables nothing when the last segment has no history (reference quirk)", () => {
    const events: AgentEvent[] = [
      makeEvent("approval_decided", "r", { approval_key: "k", decision: "approved_for_session", reason: "provider" }),
      makeEvent("approval_decided", "r", { approval_key: "d", decision: "denied", reason: "provider" }),
      makeEvent("run_failed", "r", { error_kind: "unknown", message: "x", retryable: false, wal_locator: LOC }),
    ];
    const plan = prepareResume(events, { strategy: "replay" });
    expect(plan.summary).toBeNull();
    expect(plan.history).toEqual([]);
    expect(plan.approvedForSessionKeys).toEqual([]);
    expect(plan.deniedApprovalsByKey).toEqual({ d: 1 });
    expect(plan.status.enabled).toBe(false);
  });

  test("loads the run's events from a WAL backend", async () => {
    const wal = new InMemoryWal();
    for (const event of resumed) await wal.append(event);
    await wal.append(makeEvent("run_cancelled", "other", { message: "cancelled by user", wal_locator: LOC }));
    const plan = await loadResumePlan(wal, "r_res", { strategy: "replay" });
    expect(plan.previousEvents).toBe(resumed.length);
    expect(plan.history).toEqual(expected["resume/replay"]!.history as never);
  });
});
