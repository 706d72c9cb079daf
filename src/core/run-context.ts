/** Everything one run needs, wired explicitly by the Agent. */
import type { RuntimeConfig } from "../config/schema.ts";
import type { ChatBackend } from "../llm/protocol.ts";
import type { ApprovalGate } from "../safety/approval-gate.ts";
import type { RunEmitter } from "./emitter.ts";
import type { RunState } from "./run-state.ts";
import type { SkillsManager } from "../skills/skills-manager.ts";
import type { HumanIO } from "../tools/human-io.ts";
import type { ToolRegistry, ToolServices } from "../tools/registry.ts";

export type { HumanIO } from "../tools/human-io.ts";


export interface RunContext {
  runId: string;
  task: string;
  workspaceRoot: string;
  runDir: string;
  config: RuntimeConfig;
  backend: ChatBackend | null;
  registry: ToolRegistry;
  approvals: ApprovalGate;
  emitter: RunEmitter;
  walLocator: string;
  /** Aborted when the caller cancels the run. */
  signal: AbortSignal;
  env: Record<string, string>;
  secrets: string[];
  humanIO: HumanIO | null;
  /** The run's skills (null: skills disabled for this Agent). */
  skills: SkillsManager | null;
  /** The process environment, for skill env vars found there (spec 7.10); never logged. */
  processEnv: Readonly<Record<string, string>>;
  state: RunState;
  homeDir: string | null;
  /** What builtin tools get (config, human I/O, base env, sandbox adapter). */
  toolServices: ToolServices;
  /** Set by deterministic replay: the recorded sanitized arguments of a call, by call id. */
  recordedArguments?: (callId: string) => Record<string, unknown> | undefined;
  /** turn/step ids that approval events are emitted with (set before each approval request). */
  currentIds: { turnId?: string; stepId?: string };
}

/** Thrown inside the loop to stop it after a terminal event was emitted. */
export class RunStopped extends Error {
  constructor() {
    super("run stopped");
  }
}
