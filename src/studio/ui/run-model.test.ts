import { describe, expect, test } from "bun:test";
import type { RunEvent } from "./api.ts";
import { applyEvent, newRunModel, type ToolItem } from "./run-model.ts";

let seq = 0;
function ev(type: string, payload: Record<string, unknown> = {}): RunEvent {
  return { type, seq: seq++, run_id: "run_1", timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(), turn_id: "turn_1", payload };
}

describe("run model", () => {
  test("builds the approval path of a sandboxed tool call, then the streamed text and final output", () => {
    seq = 0;
    const model = newRunModel("run_1");
    const events = [
      ev("run_started", { task: "use $[web:mvp].demo", config_summary: { models: { executor: "gpt-4" } } }),
      ev("skill_injected", { skill_name: "demo", namespace: "web:mvp", mention_text: "$[web:mvp].demo" }),
      ev("llm_request_started", { model: "gpt-4" }),
      ev("tool_call_requested", { call_id: "c1", tool: "shell_exec", arguments: { argv: ["cat", "x"] } }),
      ev("approval_requested", { approval_key: "k1", tool: "shell_exec", summary: "run cat", request: { argv: ["cat", "x"], risk: { risk_level: "low" } } }),
    ];
    for (const e of events) applyEvent(model, e);
    expect(model.status).toBe("waiting_approval");
    expect([...model.pending.keys()]).toEqual(["k1"]);
    const tool = model.items.find((i): i is ToolItem => i.kind === "tool")!;
    expect(tool.status).toBe("waiting_approval");
    for (const e of [
      ev("approval_decided", { approval_key: "k1", decision: "approved", reason: "provider" }),
      ev("tool_call_started", { call_id: "c1", tool: "shell_exec" }),
      ev("tool_call_finished", { call_id: "c1", tool: "shell_exec", result: { ok: true, duration_ms: 12, data: { sandbox: { requested: "restricted", effective: "restricted", adapter: "bwrap", active: true } } } }),
      ev("llm_request_started", { model: "gpt-4" }),
      ev("llm_response_delta", { delta_type: "text", text: "do" }),
      ev("llm_response_delta", { delta_type: "text", text: "ne" }),
      ev("llm_usage", { input_tokens: 10, output_tokens: 2 }),
      ev("run_completed", { final_output: "done" }),
    ]) {
      applyEvent(model, e);
    }
    expect(model.pending.size).toBe(0);
    expect(tool.status).toBe("ok");
    expect(tool.durationMs).toBe(12);
    expect(tool.sandbox).toEqual({ requested: "restricted", effective: "restricted", adapter: "bwrap", active: true });
    expect(model.items.filter((i) => i.kind === "text").map((i) => (i as { text: string }).text)).toEqual(["done"]);
    expect(model.status).toBe("completed");
    expect(model.finalOutput).toBe("done");
    expect(model.usage).toEqual({ input: 10, output: 2, total: 12 });
    expect(model.items.map((i) => i.kind)).toEqual(["skill", "llm", "tool", "llm", "text", "end"]);
  });

  test("ignores an event it has already applied (same seq)", () => {
    seq = 0;
    const model = newRunModel("run_1");
    const delta = ev("llm_response_delta", { delta_type: "text", text: "a" });
    expect(applyEvent(model, delta)).toBe(true);
    expect(applyEvent(model, delta)).toBe(false);
    expect(model.output).toBe("a");
  });

  test("a denied call never shows as running and a failed run keeps its error", () => {
    seq = 0;
    const model = newRunModel("run_1");
    applyEvent(model, ev("tool_call_requested", { call_id: "c1", tool: "file_write", arguments: {} }));
    applyEvent(model, ev("approval_requested", { approval_key: "k", tool: "file_write", summary: "", request: {} }));
    applyEvent(model, ev("approval_decided", { approval_key: "k", decision: "denied", reason: "provider" }));
    applyEvent(model, ev("tool_call_finished", { call_id: "c1", tool: "file_write", result: { ok: false, error_kind: "permission" } }));
    applyEvent(model, ev("run_failed", { error_kind: "budget_exceeded", message: "too many steps" }));
    expect((model.items[0] as ToolItem).status).toBe("denied");
    expect(model.status).toBe("failed");
    expect(model.output).toBe("[run_failed] budget_exceeded: too many steps");
  });

  test("tracks questions to the human until every answer arrived", () => {
    seq = 0;
    const model = newRunModel("run_1");
    applyEvent(model, ev("run_started", { task: "t" }));
    applyEvent(model, ev("human_request", { call_id: "h1", tool: "request_user_input", questions: [{ id: "q1", question: "Name?" }, { id: "q2", question: "Age?", options: [{ label: "young" }] }] }));
    expect(model.status).toBe("waiting_human");
    applyEvent(model, ev("human_response", { call_id: "h1", question_id: "q1", answer: "Ada" }));
    expect(model.openQuestions.size).toBe(1);
    applyEvent(model, ev("human_response", { call_id: "h1", question_id: "q2", answer: "young" }));
    expect(model.openQuestions.size).toBe(0);
    expect(model.status).toBe("running");
  });
});
