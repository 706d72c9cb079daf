/**
 * `wait` (spec 4.3 #14, 8.3): wait until the given sub-agents are done or `timeout_ms` passes, and
 * report each one in the requested order (`final_output` only when completed; `question` when it
 * waits for `send_input`; its own run id and WAL). Unknown ids are a validation error.
 */
import { z } from "zod";
import { isRuntimeError } from "../util/errors.ts";
import description from "./wait-agents.md" with { type: "text" };
import { childData, noCollabManager } from "./collab-tool-support.ts";
import { errorResult, okResult, type ToolDefinition } from "./registry.ts";

export const WaitAgentsArgs = z.strictObject({
  ids: z.array(z.string()).min(1).describe("Ids of the sub-agents to wait for"),
  timeout_ms: z.number().int().min(1).nullish().describe("Stop waiting after this many milliseconds (default: until all are done)"),
});
export type WaitAgentsArgs = z.infer<typeof WaitAgentsArgs>;

export const waitAgentsTool: ToolDefinition<WaitAgentsArgs> = {
  name: "wait",
  description,
  parameters: WaitAgentsArgs,
  handler: async ({ ids, timeout_ms }, ctx) => {
    const manager = ctx.services?.collab;
    if (!manager) return noCollabManager("wait");
    try {
      const children = await manager.wait(ids, timeout_ms ?? null, { signal: ctx.signal });
      return okResult("", { results: children.map(childData) });
    } catch (error) {
      if (isRuntimeError(error) && error.kind === "not_found") return errorResult("validation", error.message, { ...error.details });
      throw error;
    }
  },
};
