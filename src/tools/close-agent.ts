/**
 * `close_agent` (spec 4.3 #16, 8.3): cancel a live sub-agent (its run ends `run_cancelled`); closing
 * a finished one is a no-op; an unknown id is `not_found`.
 */
import { z } from "zod";
import description from "./close-agent.md" with { type: "text" };
import { noCollabManager } from "./collab-tool-support.ts";
import { okResult, type ToolDefinition } from "./registry.ts";

export const CloseAgentArgs = z.strictObject({
  id: z.string().min(1).describe("The sub-agent id"),
});
export type CloseAgentArgs = z.infer<typeof CloseAgentArgs>;

export const closeAgentTool: ToolDefinition<CloseAgentArgs> = {
  name: "close_agent",
  description,
  parameters: CloseAgentArgs,
  handler: async ({ id }, ctx) => {
    const manager = ctx.services?.collab;
    if (!manager) return noCollabManager("close_agent");
    await manager.close(id);
    return okResult("", { id });
  },
};
