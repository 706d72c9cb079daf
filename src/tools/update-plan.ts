/**
 * `update_plan` (spec 4.3 #9, Codex parity): record the task plan. Emits `plan_updated`; at most
 * one step may be `in_progress`.
 */
import { z } from "zod";
import { PlanItemStatus } from "../events/payloads/human.ts";
import description from "./update-plan.md" with { type: "text" };
import { errorResult, okResult, type ToolDefinition } from "./registry.ts";

export const UpdatePlanArgs = z.strictObject({
  plan: z
    .array(
      z.strictObject({
        step: z.string().min(1).describe("A short description of the step"),
        status: PlanItemStatus,
      }),
    )
    .min(1)
    .describe("The whole plan, in order"),
  explanation: z.string().nullish().describe("Why the plan changed (optional)"),
});
export type UpdatePlanArgs = z.infer<typeof UpdatePlanArgs>;

export const updatePlanTool: ToolDefinition<UpdatePlanArgs> = {
  name: "update_plan",
  description,
  parameters: UpdatePlanArgs,
  handler: async ({ plan, explanation }, ctx) => {
    const inProgressTotal = plan.filter((item) => item.status === "in_progress").length;
    if (inProgressTotal > 1) {
      return errorResult("validation", `Cannot update the plan: ${inProgressTotal} steps are in_progress; at most one may be`, {
        in_progress_total: inProgressTotal,
      });
    }
    const steps = plan.map(({ step, status }) => ({ step, status }));
    await ctx.emit("plan_updated", { call_id: ctx.callId, plan: steps, explanation: explanation ?? null });
    return okResult("", { plan: steps, explanation: explanation ?? null });
  },
};
