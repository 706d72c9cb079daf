/**
 * Sub-agents as Agent runs (spec 8.3: the embedding app supplies the runner; we ship this one): a
 * child runs its message as a new run of a child Agent that shares the parent run's workspace,
 * config, backend, approval provider, sandbox adapter, env store and skills, under the child
 * profile id, with its OWN WAL (`run_<child id>` under <workspace>/.skills_runtime_sdk/runs/).
 *
 * The child's human I/O is its inbox: when it asks a human (`ask_human`, `request_user_input`) it
 * is `waiting_human` with the question until the parent's `send_input` answers. Closing the child
 * aborts its run, whose WAL then ends with `run_cancelled`. Children get the parent run's tools
 * minus the collab tools (no grandchildren).
 */
import { resolve } from "node:path";
import type { LoadedConfig } from "../config/load.ts";
import type { ChatBackend } from "../llm/protocol.ts";
import { COLLAB_TOOL_NAMES } from "../tools/builtins.ts";
import type { ChildOutcome, ChildRunContext, ChildRunner } from "../tools/collab-service.ts";
import type { HumanIO } from "../tools/human-io.ts";
import { ToolRegistry } from "../tools/registry.ts";
import { walPath } from "../wal/paths.ts";
import type { AgentOptions, RunOptions, RunResult } from "./agent.ts";

/** Which child a backend is chosen for. */
export interface ChildInfo {
  id: string;
  /** The child profile id. */
  agentType: string;
  message: string;
}

/** The part of an Agent the runner uses (the Agent passes `(options) => new Agent(options)`). */
export interface ChildAgent {
  run(task: string, options: RunOptions): Promise<RunResult>;
}

export interface ChildAgentRunnerOptions {
  createAgent: (options: AgentOptions) => ChildAgent;
  /**
   * The options every child Agent starts from: the parent's loaded config and workspace, backend,
   * approval provider, sandbox adapter, env store (shared: values a child collects reach the
   * parent run), skills, base env, process env and credentials.
   */
  shared: AgentOptions & { config: LoadedConfig };
  /** The parent run's tools; a child gets them without the collab tools. */
  registry: ToolRegistry;
  /** The backend of one child (default: `shared.backend`). */
  childBackend?: ((child: ChildInfo) => ChatBackend | null) | null;
}

/** The registry without the collab tools. */
export function withoutCollabTools(registry: ToolRegistry): ToolRegistry {
  const out = new ToolRegistry();
  for (const { definition, kind } of registry.list()) {
    if (!COLLAB_TOOL_NAMES.includes(definition.name)) out.register(definition, { kind });
  }
  return out;
}

/** A HumanIO whose answers are the child's next `send_input` messages. */
export function inboxHumanIO(ctx: Pick<ChildRunContext, "waitForInput">): HumanIO {
  return {
    requestHumanInput: (request, options) => ctx.waitForInput(request.question, options?.signal ? { signal: options.signal } : {}),
  };
}

/** How a child run's result becomes the child's terminal status. */
export function childOutcome(result: RunResult): ChildOutcome {
  const run = { runId: result.runId, walLocator: result.walLocator };
  switch (result.status) {
    case "completed":
      return { finalOutput: result.finalOutput, ...run };
    case "cancelled":
      return { finalOutput: result.finalOutput, status: "cancelled", ...run };
    case "waiting_human":
      return { finalOutput: result.finalOutput, status: "failed", error: `waiting_human: ${result.finalOutput}`, ...run };
    default:
      return { finalOutput: result.finalOutput, status: "failed", error: result.errorKind ? `${result.errorKind}: ${result.finalOutput}` : result.finalOutput, ...run };
  }
}

/** A ChildRunner that runs each child as a child Agent run (see the module comment). */
export function childAgentRunner(options: ChildAgentRunnerOptions): ChildRunner {
  const registry = withoutCollabTools(options.registry);
  const { shared } = options;
  return async (message, ctx) => {
    const runId = `run_${ctx.id}`;
    // Reported before the first await, so spawn_agent's result links the child's WAL.
    ctx.setRun({ runId, walLocator: resolve(walPath(shared.config.workspaceRoot, runId)) });
    const backend = options.childBackend ? options.childBackend({ id: ctx.id, agentType: ctx.agentType, message }) : (shared.backend ?? null);
    const agent = options.createAgent({
      ...shared,
      backend,
      profileId: ctx.agentType,
      collab: null,
      humanIO: inboxHumanIO(ctx),
    });
    return childOutcome(await agent.run(message, { runId, registry, signal: ctx.signal }));
  };
}
