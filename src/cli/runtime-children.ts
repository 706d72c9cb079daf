/**
 * What the runtime daemon's sub-agents run: each child is a child Agent run
 * (src/core/child-agent.ts) in the daemon's workspace, with its own WAL (`run_<child id>`), the
 * workspace config, the builtin tools minus the collab tools, no approval provider (a call that
 * needs approval is denied: nobody is there to ask) and its inbox as human I/O (`ask_human` makes it
 * `waiting_human` until `tools send-input` answers).
 *
 * Its LLM backend is chosen per child from what `collab.spawn` says, like `skills-runtime run`:
 * `fake_script` (the script text, YAML or JSON) -> that script; `backend: "fake"` -> the built-in
 * fake reply; otherwise the configured endpoint (its API key set, or `backend: "openai"`), else a
 * local OpenAI-compatible server, else the child fails with the configuration error.
 */
import type { LoadedConfig } from "../config/load.ts";
import { childBaseEnv } from "../config/env.ts";
import { Agent, toolCredentials } from "../core/agent.ts";
import { childAgentRunner } from "../core/child-agent.ts";
import { FakeChatBackend } from "../llm/fake-backend.ts";
import { defaultFakeScript, loadFakeScript } from "../llm/fake-script.ts";
import type { ChatBackend, ChatRequest, ChatStreamEvent } from "../llm/protocol.ts";
import type { ChildSpawnOptions, HostedChildRunner } from "../runtime/collab-host.ts";
import { chooseBackend } from "./run-backend.ts";

/** A backend picked on the child's first LLM call (picking may probe local servers). */
function lazyBackend(pick: () => Promise<ChatBackend>): ChatBackend {
  let chosen: Promise<ChatBackend> | undefined;
  return {
    async *streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent> {
      chosen ??= pick();
      yield* (await chosen).streamChat(request);
    },
  };
}

/** The backend of one child, from its spawn options (see the module comment). */
export function childBackendFor(options: ChildSpawnOptions, { loaded, message }: { loaded: LoadedConfig; message: string }): ChatBackend {
  if (options.fakeScript != null) {
    const text = options.fakeScript;
    return new FakeChatBackend(loadFakeScript(text, /^\s*[[{]/.test(text) ? "json" : "yaml"));
  }
  if (options.backend === "fake") return new FakeChatBackend(defaultFakeScript(message));
  return lazyBackend(async () => {
    const choice = await chooseBackend(options.backend ?? undefined, { loaded, task: message, cwd: loaded.workspaceRoot, model: loaded.config.models.executor });
    return choice.backend;
  });
}

/** The daemon's child runner over the loaded workspace config. */
export function daemonChildRunner(loaded: LoadedConfig): HostedChildRunner {
  const template = new Agent({ config: loaded, processEnv: loaded.env });
  const backends = new Map<string, ChatBackend>();
  const runner = childAgentRunner({
    createAgent: (options) => new Agent(options),
    shared: {
      config: loaded,
      approvalProvider: null,
      envVars: {},
      baseEnv: childBaseEnv(loaded.env, { alsoDrop: [loaded.config.llm.api_key_env] }),
      processEnv: loaded.env,
      credentials: toolCredentials(loaded.config, loaded.env),
    },
    registry: template.tools,
    childBackend: (child) => backends.get(child.id) ?? null,
  });
  return async (message, ctx, options) => {
    // A bad fake script fails this child (its error says why), not the server.
    backends.set(ctx.id, childBackendFor(options, { loaded, message }));
    try {
      return await runner(message, ctx);
    } finally {
      backends.delete(ctx.id);
    }
  };
}
