/**
 * The LLM backend of a Studio run (spec 12.1 / 12.5):
 * - the deterministic Studio fake when the server forces it (`STUDIO_LLM_BACKEND=fake`,
 *   `--backend fake`) or the session's settings say `backend: "fake"`: call 1 = one `file_write`
 *   tool call `call_1` writing `hello from fake llm` to `studio_fake_llm_output.txt` (raw JSON
 *   arguments as the reference sends them), call 2 = the text `done`, streamed as several deltas;
 * - otherwise the configured OpenAI-compatible endpoint (like `skills-runtime run` picks it: the
 *   API key when set, else a local server answering on 127.0.0.1).
 * Never throws: a backend that cannot be built becomes one whose first call fails with that
 * error, so the run ends with `run_failed` (config_error) in its WAL instead of a crash.
 */
import type { LoadedConfig } from "../config/load.ts";
import { openAIBackendOptions } from "../llm/backend-config.ts";
import { FakeChatBackend, type FakeCall } from "../llm/fake-backend.ts";
import { probeLocalServers, type ProbeTarget } from "../llm/local-probe.ts";
import type { ChatBackend, ChatStreamEvent } from "../llm/protocol.ts";
import { ConfigError } from "../util/errors.ts";
import type { SessionSettings } from "./context.ts";

export const STUDIO_FAKE_OUTPUT_PATH = "studio_fake_llm_output.txt";
export const STUDIO_FAKE_OUTPUT_TEXT = "hello from fake llm";

/** The Studio fake script (spec 12.1). */
export function studioFakeScript(): FakeCall[] {
  const rawArguments = `{"path": "${STUDIO_FAKE_OUTPUT_PATH}", "content": "${STUDIO_FAKE_OUTPUT_TEXT}"}`;
  return [
    {
      events: [
        { type: "tool_calls", tool_calls: [{ call_id: "call_1", name: "file_write", raw_arguments: rawArguments }] },
        { type: "completed", finish_reason: "tool_calls" },
      ],
    },
    {
      events: [
        { type: "text_delta", text: "d" },
        { type: "wait", ms: 5 },
        { type: "text_delta", text: "o" },
        { type: "wait", ms: 5 },
        { type: "text_delta", text: "ne" },
        { type: "completed", finish_reason: "stop" },
      ],
    },
  ];
}

/** A backend whose every call fails with `error` (the run records it as run_failed). */
export function failingBackend(error: Error): ChatBackend {
  return {
    async *streamChat(): AsyncGenerator<ChatStreamEvent> {
      throw error;
    },
  };
}

export interface ServerBackendOptions {
  loaded: LoadedConfig;
  settings: SessionSettings;
  forceFake: boolean;
  task: string;
  /** Fake script override (tests); default the Studio fake. */
  fakeScript?: (task: string) => FakeCall[];
  /** Ports never probed for a local LLM (the server's own). */
  excludeProbePorts?: readonly number[];
  /** Where to look for a local LLM (default the usual ports, see local-probe.ts). */
  probeTargets?: readonly ProbeTarget[];
}

/**
 * Which backend a run asks for: "fake" (forced by the server or chosen by the session), "openai"
 * (the session insists on the configured endpoint) or "auto" (the configured endpoint when its key
 * is set, else a loopback session base_url, else a local server found by the probe).
 */
export type ServerBackendKind = "fake" | "openai" | "auto";

export function serverBackendKind(settings: SessionSettings, forceFake: boolean): ServerBackendKind {
  if (forceFake || settings.backend === "fake") return "fake";
  return settings.backend === "openai" ? "openai" : "auto";
}

function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === "127.0.0.1" || host === "localhost" || host === "[::1]" || host === "::1";
  } catch {
    return false;
  }
}

export async function chooseServerBackend(options: ServerBackendOptions): Promise<{ backend: ChatBackend; description: string }> {
  const { loaded, settings } = options;
  const kind = serverBackendKind(settings, options.forceFake);
  if (kind === "fake") {
    return { backend: new FakeChatBackend((options.fakeScript ?? studioFakeScript)(options.task)), description: "fake" };
  }
  try {
    const { OpenAIChatBackend } = await import("../llm/openai-backend.ts");
    const llm = loaded.config.llm;
    const model = loaded.config.models.executor;
    const hasKey = (loaded.env[llm.api_key_env] ?? "").trim() !== "";
    if (hasKey || kind === "openai") {
      return { backend: new OpenAIChatBackend(openAIBackendOptions(llm, { model, env: loaded.env })), description: `${llm.base_url} (${model})` };
    }
    if (settings.base_url !== null && isLoopbackUrl(llm.base_url)) {
      const env = { ...loaded.env, [llm.api_key_env]: "local" };
      return { backend: new OpenAIChatBackend(openAIBackendOptions(llm, { model, env })), description: `${llm.base_url} (${model})` };
    }
    const local = (await probeLocalServers({ excludePorts: options.excludeProbePorts ?? [], ...(options.probeTargets ? { targets: options.probeTargets } : {}) }))[0];
    if (local) {
      const localModel = local.models.includes(model) ? model : (local.models[0] ?? model);
      const env = { ...loaded.env, [llm.api_key_env]: "local" };
      return {
        backend: new OpenAIChatBackend(openAIBackendOptions({ ...llm, base_url: local.baseUrl }, { model: localModel, env })),
        description: `local ${local.name} at ${local.baseUrl} (${localModel})`,
      };
    }
    throw new ConfigError(
      `No LLM is configured: ${llm.api_key_env} is not set and no local OpenAI-compatible server answered on 127.0.0.1. ` +
        `Set ${llm.api_key_env} (or the session's base_url), or choose the fake backend in the session settings.`,
      { details: { api_key_env: llm.api_key_env } },
    );
  } catch (error) {
    return { backend: failingBackend(error instanceof Error ? error : new Error(String(error))), description: "unavailable" };
  }
}
