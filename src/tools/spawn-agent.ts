/**
 * `spawn_agent` (spec 4.3 #13, 8.3): start a sub-agent on a message. The model's `agent_type` is
 * accepted and ignored: the child profile is `childProfileMap[profileId]` when the running Agent
 * has a profile id (no mapping -> permission `child_profile_map_missing`), else `default`. The
 * result links the child's own run and WAL (`child_run_id`, `child_wal_locator`) when it has them.
 */
import { z } from "zod";
import description from "./spawn-agent.md" with { type: "text" };
import { noCollabManager, nonBlank } from "./collab-tool-support.ts";
import { errorResult, okResult, type ToolDefinition } from "./registry.ts";

export const SpawnAgentArgs = z.strictObject({
  message: z.string().min(1).refine(nonBlank, { error: "message must not be blank" }).describe("The task for the sub-agent"),
  agent_type: z.string().nullish().describe("Accepted for compatibility; the runtime chooses the child profile"),
});
export type SpawnAgentArgs = z.infer<typeof SpawnAgentArgs>;

export const spawnAgentTool: ToolDefinition<SpawnAgentArgs> = {
  name: "spawn_agent",
  description,
  parameters: SpawnAgentArgs,
  handler: async ({ message }, ctx) => {
    const manager = ctx.services?.collab;
    if (!manager) return noCollabManager("spawn_agent");
    const parentProfileId = ctx.services?.profileId ?? null;
    let childProfileId = "default";
    if (parentProfileId) {
      const mapped = ctx.services?.childProfileMap?.[parentProfileId];
      if (!mapped) {
        return errorResult("permission", `Cannot spawn a sub-agent from profile "${parentProfileId}": no child profile is mapped for it (childProfileMap)`, {
          reason: "child_profile_map_missing",
          parent_profile_id: parentProfileId,
        });
      }
      childProfileId = mapped;
    }
    const child = await manager.spawn({ message, agentType: childProfileId });
    return okResult("", {
      id: child.id,
      status: child.status,
      parent_profile_id: parentProfileId,
      child_profile_id: childProfileId,
      ...(child.run_id ? { child_run_id: child.run_id } : {}),
      ...(child.wal_locator ? { child_wal_locator: child.wal_locator } : {}),
    });
  },
};
