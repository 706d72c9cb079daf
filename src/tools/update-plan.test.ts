import { describe, expect, test } from "bun:test";
import { registryWith, makeToolContext, tempDirs } from "../../test/support/tool-context.ts";
import { PlanUpdatedPayload } from "../events/payloads/human.ts";
import { updatePlanTool } from "./update-plan.ts";

const newDir = tempDirs("sr-update-plan-");
const registry = registryWith(updatePlanTool);

async function run(args: Record<string, unknown>) {
  const { ctx, events } = makeToolContext({ callId: "call_p", workspaceRoot: newDir() });
  return { result: await registry.dispatch("update_plan", args, ctx), events };
}

const plan = [
  { step: "Read the code", status: "completed" },
  { step: "Write the fix", status: "in_progress" },
  { step: "Run the tests", status: "pending" },
];

describe("update_plan", () => {
  test("emits plan_updated and returns the plan", async () => {
    const { result, events } = await run({ plan, explanation: "Found the bug" });
    expect(result).toMatchObject({ ok: true, stdout: "", exit_code: 0, data: { plan, explanation: "Found the bug" } });
    expect(events).toEqual([{ type: "plan_updated", payload: { call_id: "call_p", plan, explanation: "Found the bug" } }]);
    expect(PlanUpdatedPayload.safeParse(events[0]!.payload).success).toBe(true);
  });

  test("a missing explanation is null", async () => {
    const { result, events } = await run({ plan: [{ step: "Only step", status: "pending" }] });
    expect(result.data).toEqual({ plan: [{ step: "Only step", status: "pending" }], explanation: null });
    expect(events[0]!.payload.explanation).toBeNull();
  });

  test("more than one in_progress step is a validation error with the count, and nothing is emitted", async () => {
    const { result, events } = await run({
      plan: [
        { step: "a", status: "in_progress" },
        { step: "b", status: "in_progress" },
        { step: "c", status: "in_progress" },
      ],
    });
    expect(result).toMatchObject({ ok: false, error_kind: "validation", data: { in_progress_total: 3 } });
    expect(result.stderr).toContain("3 steps are in_progress");
    expect(events).toEqual([]);
  });

  test("malformed plans are validation errors", async () => {
    for (const args of [
      { plan: [] },
      { plan: [{ step: "", status: "pending" }] },
      { plan: [{ step: "a", status: "done" }] },
      { plan: [{ step: "a", status: "pending", owner: "me" }] },
      { plan: [{ step: "a", status: "pending" }], extra: true },
      {},
    ]) {
      const { result, events } = await run(args);
      expect(result).toMatchObject({ ok: false, error_kind: "validation" });
      expect(events).toEqual([]);
    }
  });
});
