import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AgentEvent, EVENT_PAYLOADS, EVENT_TYPES, isTerminalEvent, makeEvent, TERMINAL_EVENT_TYPES } from "./schema.ts";
import { toolNameOf } from "./payloads/tool.ts";

const FIXTURES = join(import.meta.dir, "../../test/fixtures/wal");

describe("makeEvent", () => {
  test("stamps a UTC timestamp with six fractional digits and omits absent ids", () => {
    const event = makeEvent("run_cancelled", "r1", { message: "cancelled by user", wal_locator: "/w/events.jsonl" });
    expect(event.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(Object.keys(event)).toEqual(["type", "timestamp", "run_id", "payload"]);
  });

  test("sets turn and step ids and applies tool-result defaults in declaration order", () => {
    const event = makeEvent(
      "tool_call_finished",
      "r1",
      { call_id: "c1", tool: "file_read", result: { ok: true, data: { path: "a" } } },
      { turnId: "turn_1", stepId: "step_1", timestamp: "2026-01-02T03:04:05.123456Z" },
    );
    expect(event.turn_id).toBe("turn_1");
    expect(event.step_id).toBe("step_1");
    expect(event.timestamp).toBe("2026-01-02T03:04:05.123456Z");
    expect(Object.keys(event.payload.result)).toEqual(["ok", "stdout", "stderr", "duration_ms", "truncated", "data", "retryable"]);
  });

  test("rejects a payload that misses a required field", () => {
    // @ts-expect-error final_output is required
    expect(() => makeEvent("run_completed", "r1", { artifacts: [], wal_locator: "x", metadata: { notices: [] } })).toThrow(
      'Cannot make event "run_completed" for run "r1": payload.final_output:',
    );
  });

  test("rejects an approval decision outside the catalogue", () => {
    // @ts-expect-error not a decision
    expect(() => makeEvent("approval_decided", "r1", { approval_key: "k", decision: "maybe", reason: "provider" })).toThrow();
  });
});

describe("AgentEvent", () => {
  test("has one schema per catalogue type", () => {
    expect(EVENT_TYPES.length).toBe(28);
    for (const type of EVENT_TYPES) expect(EVENT_PAYLOADS[type]).toBeDefined();
  });

  test("drops unknown top-level keys but keeps unknown payload keys", () => {
    const parsed = AgentEvent.parse({
      type: "human_response",
      timestamp: "t",
      run_id: "r",
      future_field: 1,
      payload: { call_id: "c", answer: "yes", extra: { a: 1 } },
    });
    expect("future_field" in parsed).toBe(false);
    expect((parsed.payload as Record<string, unknown>).extra).toEqual({ a: 1 });
  });

  test("rejects an unknown type and a negative seq", () => {
    expect(AgentEvent.safeParse({ type: "prompt_compiled", timestamp: "t", run_id: "r", payload: {} }).success).toBe(false);
    const base = { type: "tool_call_started", timestamp: "t", run_id: "r", payload: { call_id: "c", tool: "x" } };
    expect(AgentEvent.safeParse({ ...base, seq: -1 }).success).toBe(false);
    expect(AgentEvent.safeParse({ ...base, seq: 3 }).success).toBe(true);
  });

  test("accepts both llm_response_delta shapes and narrows on delta_type", () => {
    const text = makeEvent("llm_response_delta", "r", { delta_type: "text", text: "hi" });
    const calls = makeEvent("llm_response_delta", "r", {
      delta_type: "tool_calls",
      tool_calls: [{ call_id: "c1", tool: "shell_exec", name: "shell_exec", arguments: { argv: ["ls"] } }],
    });
    expect(text.payload.delta_type === "text" ? text.payload.text : "").toBe("hi");
    expect(calls.payload.delta_type === "tool_calls" ? calls.payload.tool_calls.length : 0).toBe(1);
    expect(AgentEvent.safeParse({ ...text, payload: { delta_type: "text" } }).success).toBe(false);
  });

  test("reads every line of a WAL written by the reference", () => {
    const lines = readFileSync(join(FIXTURES, "reference-completed.jsonl"), "utf8").trim().split("\n");
    const types = lines.map((line) => AgentEvent.parse(JSON.parse(line)).type);
    expect(types[0]).toBe("run_started");
    expect(types.at(-1)).toBe("run_completed");
    expect(types.length).toBe(18);
  });

  test("takes the tool name from `name` when an older WAL has no `tool`", () => {
    const event = AgentEvent.parse({
      type: "tool_call_finished",
      timestamp: "t",
      run_id: "r",
      payload: { call_id: "c2", name: "shell_exec", result: { ok: false } },
    });
    expect(event.type === "tool_call_finished" ? toolNameOf(event.payload) : "").toBe("shell_exec");
  });
});

describe("terminal events", () => {
  test("are exactly the four run endings", () => {
    expect([...TERMINAL_EVENT_TYPES].sort()).toEqual(["run_cancelled", "run_completed", "run_failed", "run_waiting_human"]);
    expect(isTerminalEvent("run_waiting_human")).toBe(true);
    expect(isTerminalEvent({ type: "llm_usage" })).toBe(false);
    expect(isTerminalEvent("budget_exceeded")).toBe(false);
  });
});
