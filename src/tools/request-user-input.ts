/**
 * `request_user_input` (spec 4.3 #10, Codex parity): several structured questions at once. Emits
 * one `human_request` with all questions, then asks HumanIO one question at a time (call id
 * `<call_id>:<question id>`) and emits one `human_response` per answer. Options are checked while
 * iterating, as the reference does: an empty or duplicated option list fails at that question.
 */
import { z } from "zod";
import description from "./request-user-input.md" with { type: "text" };
import { errorResult, okResult, type ToolDefinition } from "./registry.ts";

const Option = z.strictObject({
  label: z.string().min(1).describe("The answer as it is returned"),
  description: z.string().nullish().describe("What choosing it means (optional)"),
});

const Question = z.strictObject({
  id: z.string().min(1).describe("Identifier of the answer in the result"),
  header: z.string().min(1).describe("A short title"),
  question: z.string().min(1).describe("The question"),
  options: z.array(Option).nullish().describe("Answers to choose from (optional; free text without)"),
});

export const RequestUserInputArgs = z.strictObject({
  questions: z.array(Question).min(1).describe("The questions, asked in order"),
});
export type RequestUserInputArgs = z.infer<typeof RequestUserInputArgs>;

type QuestionArg = z.infer<typeof Question>;

/** A question as the reference dumps it into events: absent optional fields are null. */
function dumpQuestion(q: QuestionArg) {
  return {
    id: q.id,
    header: q.header,
    question: q.question,
    options: q.options ? q.options.map((o) => ({ label: o.label, description: o.description ?? null })) : null,
  };
}

export const requestUserInputTool: ToolDefinition<RequestUserInputArgs> = {
  name: "request_user_input",
  description,
  parameters: RequestUserInputArgs,
  handler: async ({ questions }, ctx) => {
    const dumped = questions.map(dumpQuestion);
    await ctx.emit("human_request", { call_id: ctx.callId, tool: "request_user_input", questions: dumped });
    const humanIO = ctx.services?.humanIO;
    if (!humanIO) {
      return errorResult("human_required", `Cannot ask ${questions.length} question(s): no human input provider is configured for this run`, {
        questions_total: questions.length,
      });
    }
    const answers: { id: string; answer: string }[] = [];
    for (const q of dumped) {
      let choices: string[] | null = null;
      if (q.options) {
        if (q.options.length === 0) {
          return errorResult("validation", `Cannot ask question "${q.id}": options must not be empty when given`, { question_id: q.id });
        }
        choices = q.options.map((o) => o.label);
        if (new Set(choices).size !== choices.length) {
          return errorResult("validation", `Cannot ask question "${q.id}": option labels must be unique`, { question_id: q.id });
        }
      }
      const answer = await humanIO.requestHumanInput(
        {
          callId: `${ctx.callId}:${q.id}`,
          question: q.question,
          choices,
          context: { header: q.header, question_id: q.id, ...(q.options ? { options: q.options } : {}) },
          timeoutMs: null,
        },
        { signal: ctx.signal },
      );
      answers.push({ id: q.id, answer });
      await ctx.emit("human_response", { call_id: ctx.callId, question_id: q.id, answer });
    }
    return okResult("", { answers });
  },
};
