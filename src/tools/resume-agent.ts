/**
 * `resume_agent` (spec 4.3 #17, 8.3): report a sub-agent that is live or finished (not cancelled).
 * A cancelled or unknown id is a validation error, as in the reference's tool.
 */
import { z } from "zod";
import { isRuntimeError } from "../util/errors.ts";
import description from "./resume-agent.md" with { type: "text" };
import { childData, noCollabManager } from "./collab-tool-support.ts";
import { errorResult, okResult, type ToolDefinition } from "./registry.ts";

export const ResumeAgentArgs = z.strictObject({
  id: z.string().min(1).describe("The sub-agent id"),
});
export type ResumeAgentArgs = z.infer<typeof ResumeAgentArgs>;

export const resumeAgentTool: ToolDefinition<ResumeAgentArgs> = {
  name: "resume_agent",
  description,
  parameters: ResumeAgentArgs,
  handler: async ({ id }, ctx) => {
    const manager = ctx.services?.collab;
    if (!manager) return noCollabManager("resume_agent");
    try {
      return okResult("", childData(await manager.resume(id)));
    } catch (error) {
      if (isRuntimeError(error) && error.kind === "not_found") return errorResult("validation", error.message, { id });
      throw error;
    }
  },
};
