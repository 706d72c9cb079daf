import { describe, expect, test } from "bun:test";
import { registryWith, makeToolContext, scriptedHumanIO, tempDirs, type ToolContextOptions } from "../../test/support/tool-context.ts";
import { HumanRequestPayload, HumanResponsePayload } from "../events/payloads/human.ts";
import { requestUserInputTool } from "./request-user-input.ts";

const newDir = tempDirs("sr-request-input-");
const registry = registryWith(requestUserInputTool);

async function run(args: Record<string, unknown>, options: Partial<ToolContextOptions> = {}) {
  const { ctx, events } = makeToolContext({ callId: "call_q", ...options, workspaceRoot: newDir() });
  return { result: await registry.dispatch("request_user_input", args, ctx), events, ctx };
}

const questions = [
  { id: "db", header: "Database", question: "Which database?", options: [{ label: "sqlite", description: "embedded" }, { label: "postgres" }] },
  { id: "name", header: "Name", question: "Project name?" },
];

describe("request_user_input", () => {
  test("emits one request, asks each question, emits one response per answer", async () => {
    const humanIO = scriptedHumanIO(["postgres", "demo"]);
    const { result, events, ctx } = await run({ questions }, { humanIO });
    expect(result).toMatchObject({ ok: true, exit_code: 0, data: { answers: [{ id: "db", answer: "postgres" }, { id: "name", answer: "demo" }] } });
    const dumped = [
      { ...questions[0], options: [{ label: "sqlite", description: "embedded" }, { label: "postgres", description: null }] },
      { ...questions[1], options: null },
    ];
    expect(events).toEqual([
      { type: "human_request", payload: { call_id: "call_q", tool: "request_user_input", questions: dumped } },
      { type: "human_response", payload: { call_id: "call_q", question_id: "db", answer: "postgres" } },
      { type: "human_response", payload: { call_id: "call_q", question_id: "name", answer: "demo" } },
    ]);
    expect(HumanRequestPayload.safeParse(events[0]!.payload).success).toBe(true);
    for (const e of events.slice(1)) expect(HumanResponsePayload.safeParse(e.payload).success).toBe(true);
    expect(humanIO.asked.map(([request]) => request)).toEqual([
      {
        callId: "call_q:db",
        question: "Which database?",
        choices: ["sqlite", "postgres"],
        context: { header: "Database", question_id: "db", options: dumped[0]!.options },
        timeoutMs: null,
      },
      { callId: "call_q:name", question: "Project name?", choices: null, context: { header: "Name", question_id: "name" }, timeoutMs: null },
    ]);
    expect(humanIO.asked[0]![1]?.signal).toBe(ctx.signal);
  });

  test("without HumanIO the result is human_required with the number of questions", async () => {
    const { result, events } = await run({ questions });
    expect(result).toMatchObject({ ok: false, error_kind: "human_required", data: { questions_total: 2 } });
    expect(events.map((e) => e.type)).toEqual(["human_request"]);
  });

  test("an empty options list fails at that question, after the earlier ones were answered", async () => {
    const humanIO = scriptedHumanIO(["demo"]);
    const { result, events } = await run(
      { questions: [questions[1], { id: "db", header: "Database", question: "Which?", options: [] }] },
      { humanIO },
    );
    expect(result).toMatchObject({ ok: false, error_kind: "validation", data: { question_id: "db" } });
    expect(result.stderr).toContain('Cannot ask question "db"');
    expect(events.map((e) => e.type)).toEqual(["human_request", "human_response"]);
    expect(humanIO.asked.length).toBe(1);
  });

  test("duplicate option labels are a validation error", async () => {
    const humanIO = scriptedHumanIO([]);
    const { result } = await run(
      { questions: [{ id: "x", header: "X", question: "Pick", options: [{ label: "a" }, { label: "a", description: "again" }] }] },
      { humanIO },
    );
    expect(result).toMatchObject({ ok: false, error_kind: "validation", data: { question_id: "x" } });
    expect(result.stderr).toContain("unique");
    expect(humanIO.asked).toEqual([]);
  });

  test("malformed questions are validation errors and emit nothing", async () => {
    for (const args of [
      { questions: [] },
      { questions: [{ id: "a", header: "", question: "Q" }] },
      { questions: [{ id: "a", header: "H", question: "Q", options: [{ label: "" }] }] },
      { questions: [{ id: "a", header: "H", question: "Q", multiple: true }] },
      { questions: [{ id: "a", header: "H", question: "Q" }], title: "x" },
    ]) {
      const { result, events } = await run(args, { humanIO: scriptedHumanIO([]) });
      expect(result).toMatchObject({ ok: false, error_kind: "validation" });
      expect(events).toEqual([]);
    }
  });
});
