/**
 * `ask_human` (spec 4.3 #8): ask the person running the agent a question. Emits `human_request`;
 * with a HumanIO the answer comes back as stdout and `data.answer` after a `human_response`;
 * without one the result is `human_required` and the run pauses (`run_waiting_human`).
 */
import { z } from "zod";
import description from "./ask-human.md" with { type: "text" };
import { errorResult, okResult, type ToolDefinition } from "./registry.ts";

export const AskHumanArgs = z.strictObject({
  question: z.string().min(1).describe("The question to ask"),
  choices: z.array(z.string()).nullish().describe("Answers to offer (optional)"),
  context: z.record(z.string(), z.unknown()).nullish().describe("Extra context to show with the question (optional)"),
});
export type AskHumanArgs = z.infer<typeof AskHumanArgs>;

export const askHumanTool: ToolDefinition<AskHumanArgs> = {
  name: "ask_human",
  description,
  parameters: AskHumanArgs,
  handler: async ({ question, choices, context }, ctx) => {
    await ctx.emit("human_request", { call_id: ctx.callId, question, choices: choices ?? null, context: context ?? null });
    const humanIO = ctx.services?.humanIO;
    if (!humanIO) {
      return errorResult("human_required", `Cannot ask "${question}": no human input provider is configured for this run`, { question });
    }
    const answer = await humanIO.requestHumanInput(
      { callId: ctx.callId, question, choices: choices ?? null, context: context ?? {}, timeoutMs: null },
      { signal: ctx.signal },
    );
    await ctx.emit("human_response", { call_id: ctx.callId, answer });
    return okResult(answer, { answer });
  },
};
