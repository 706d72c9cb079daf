/**
 * What the five collab tools share: the missing-manager result and a child snapshot as result data.
 */
import type { ToolResultPayload } from "../events/tool-result.ts";
import type { ChildSnapshot } from "./collab.ts";
import { errorResult } from "./registry.ts";

/** The `validation` result of a collab tool called without a collab manager in its services. */
export function noCollabManager(tool: string): ToolResultPayload {
  return errorResult("validation", `${tool} requires a collab manager`, { tool });
}

/** A child as tools report it: id and status, then what the status carries. */
export function childData(snapshot: ChildSnapshot): Record<string, unknown> {
  return {
    id: snapshot.id,
    status: snapshot.status,
    agent_type: snapshot.agent_type,
    ...(snapshot.status === "completed" ? { final_output: snapshot.final_output ?? "" } : {}),
    ...(snapshot.status === "failed" && snapshot.error !== undefined ? { error: snapshot.error } : {}),
    ...(snapshot.status === "waiting_human" && snapshot.question !== undefined ? { question: snapshot.question } : {}),
    ...(snapshot.run_id ? { run_id: snapshot.run_id } : {}),
    ...(snapshot.wal_locator ? { wal_locator: snapshot.wal_locator } : {}),
  };
}

/** Non-blank text (the reference strips before checking). */
export const nonBlank = (value: string) => value.trim() !== "";
