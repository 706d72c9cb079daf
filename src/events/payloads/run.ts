/**
 * Run lifecycle payloads (spec 3.3): `run_started` and the four terminal events.
 * Keys are declared in the order the reference writes them.
 */
import { z } from "zod";

const JsonObject = z.record(z.string(), z.unknown());

export const ConfigSummary = z.looseObject({
  profile_id: z.string().nullish(),
  models: z.looseObject({ planner: z.string(), executor: z.string() }),
  llm: z.looseObject({ base_url: z.string().nullish(), api_key_env: z.string().nullish() }),
  /** Absolute paths of the config overlays that were loaded. */
  config_overlays: z.array(z.string()),
});
export type ConfigSummary = z.infer<typeof ConfigSummary>;

/** `run_started.payload.resume` (spec 3.6). */
export const ResumeStatus = z.looseObject({
  enabled: z.boolean(),
  strategy: z.string(),
  previous_events: z.number().int().nonnegative(),
});
export type ResumeStatus = z.infer<typeof ResumeStatus>;

export const RunStartedPayload = z.looseObject({
  task: z.string(),
  config_summary: ConfigSummary,
  workspace_root: z.string(),
  resume: ResumeStatus,
});
export type RunStartedPayload = z.infer<typeof RunStartedPayload>;

/** A notice attached to `run_completed.payload.metadata.notices` (e.g. `context_compacted`). */
export const RunNotice = z.looseObject({ kind: z.string() });
export type RunNotice = z.infer<typeof RunNotice>;

export const RunCompletedPayload = z.looseObject({
  final_output: z.string(),
  artifacts: z.array(z.string()),
  wal_locator: z.string(),
  metadata: z.looseObject({
    notices: z.array(RunNotice),
    handoff: z.looseObject({ artifact_path: z.string() }).optional(),
  }),
});
export type RunCompletedPayload = z.infer<typeof RunCompletedPayload>;

export const RunFailedPayload = z.looseObject({
  /** Run-level kind (spec 10.1); kept open on read so future kinds do not drop the line. */
  error_kind: z.string(),
  message: z.string(),
  retryable: z.boolean(),
  retry_after_ms: z.number().int().optional(),
  details: JsonObject.optional(),
  wal_locator: z.string(),
});
export type RunFailedPayload = z.infer<typeof RunFailedPayload>;

export const RunCancelledPayload = z.looseObject({
  message: z.string(),
  wal_locator: z.string(),
});
export type RunCancelledPayload = z.infer<typeof RunCancelledPayload>;

export const RunWaitingHumanPayload = z.looseObject({
  tool: z.string(),
  call_id: z.string(),
  message: z.string(),
  error_kind: z.literal("human_required"),
  wal_locator: z.string(),
  /** The tool result object that asked for a human. */
  details: JsonObject.optional(),
});
export type RunWaitingHumanPayload = z.infer<typeof RunWaitingHumanPayload>;
