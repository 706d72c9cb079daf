import { describe, expect, test } from "bun:test";
import { builtinRegistry, COLLAB_TOOL_NAMES } from "../tools/builtins.ts";
import type { RunResult } from "./agent.ts";
import { childOutcome, inboxHumanIO, withoutCollabTools } from "./child-agent.ts";

const run = (fields: Partial<RunResult>): RunResult => ({
  status: "completed",
  finalOutput: "",
  walLocator: "/ws/.skills_runtime_sdk/runs/run_a/events.jsonl",
  runId: "run_a",
  artifacts: [],
  usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
  ...fields,
});

describe("child Agent runner parts", () => {
  test("a child's registry keeps the parent's tools except the collab tools", () => {
    const parent = builtinRegistry(["ask_human", ...COLLAB_TOOL_NAMES, "read_file"]);
    const child = withoutCollabTools(parent);
    expect(child.list().map((t) => [t.definition.name, t.kind])).toEqual([
      ["ask_human", "builtin"],
      ["read_file", "builtin"],
    ]);
    expect(parent.list()).toHaveLength(7);
  });

  test("run results map to child outcomes with the run's id and WAL", () => {
    const where = { runId: "run_a", walLocator: "/ws/.skills_runtime_sdk/runs/run_a/events.jsonl" };
    expect(childOutcome(run({ finalOutput: "done" }))).toEqual({ finalOutput: "done", ...where });
    expect(childOutcome(run({ status: "cancelled", finalOutput: "cancelled by user" }))).toEqual({ finalOutput: "cancelled by user", status: "cancelled", ...where });
    expect(childOutcome(run({ status: "failed", finalOutput: "budget exceeded: max_steps=1", errorKind: "budget_exceeded" }))).toMatchObject({
      status: "failed",
      error: "budget_exceeded: budget exceeded: max_steps=1",
    });
    expect(childOutcome(run({ status: "waiting_human", finalOutput: "needs a human" }))).toMatchObject({ status: "failed", error: "waiting_human: needs a human" });
  });

  test("the inbox HumanIO asks with the question and the request's signal", async () => {
    const asked: [string, AbortSignal | undefined][] = [];
    const humanIO = inboxHumanIO({
      waitForInput: async (question, options) => {
        asked.push([question, options?.signal]);
        return "blue";
      },
    });
    const signal = new AbortController().signal;
    const answer = await humanIO.requestHumanInput({ callId: "c1", question: "Which colour?", choices: null, context: {}, timeoutMs: null }, { signal });
    expect(answer).toBe("blue");
    expect(asked).toEqual([["Which colour?", signal]]);
  });
});
