/**
 * `send_input` (spec 4.3 #15, 8.3): give a live sub-agent a message; a `waiting_human` child takes
 * it as the answer to its question, a running one gets it when it next asks. Finished, closed or
 * unknown sub-agents are `not_found` "agent not found". `interrupt` is accepted and ignored.
 */
import { z } from "zod";
import description from "./send-input.md" with { type: "text" };
import { noCollabManager } from "./collab-tool-support.ts";
import { okResult, type ToolDefinition } from "./registry.ts";

export const SendInputArgs = z.strictObject({
  id: z.string().min(1).describe("The sub-agent id"),
  message: z.string().min(1).describe("The message (the answer to its question)"),
  interrupt: z.boolean().nullish().describe("Accepted for compatibility; ignored"),
});
export type SendInputArgs = z.infer<typeof SendInputArgs>;

export const sendInputTool: ToolDefinition<SendInputArgs> = {
  name: "send_input",
  description,
  parameters: SendInputArgs,
  handler: async ({ id, message }, ctx) => {
    const manager = ctx.services?.collab;
    if (!manager) return noCollabManager("send_input");
    await manager.sendInput(id, message);
    return okResult("", { id });
  },
};
