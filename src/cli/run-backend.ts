/** Pick the LLM backend for `skills-runtime run`: fake, configured endpoint, or a local server. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { LoadedConfig } from "../config/load.ts";
import { FakeChatBackend } from "../llm/fake-backend.ts";
import { defaultFakeScript, fakeScriptFormatFromPath, loadFakeScript } from "../llm/fake-script.ts";
import { probeLocalServers } from "../llm/local-probe.ts";
import type { ChatBackend } from "../llm/protocol.ts";
import { openAIBackendOptions } from "../llm/backend-config.ts";
import { ConfigError } from "../util/errors.ts";

export interface BackendChoice {
  backend: ChatBackend;
  description: string;
}

export async function chooseBackend(
  kind: string | undefined,
  options: { loaded: LoadedConfig; task: string; fakeScript?: string; cwd: string; model: string },
): Promise<BackendChoice> {
  const { loaded } = options;
  if (kind === "fake" || options.fakeScript !== undefined) {
    if (options.fakeScript === undefined) return { backend: new FakeChatBackend(defaultFakeScript(options.task)), description: "fake (built-in reply)" };
    const path = resolve(options.cwd, options.fakeScript);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      throw new ConfigError(`Cannot read fake script "${options.fakeScript}": file not found (${path})`);
    }
    return { backend: new FakeChatBackend(loadFakeScript(text, fakeScriptFormatFromPath(path))), description: `fake (${options.fakeScript})` };
  }
  // Loaded on demand: the openai package is most of the start-up cost of an offline run.
  const { OpenAIChatBackend } = await import("../llm/openai-backend.ts");
  const llm = loaded.config.llm;
  const hasKey = (loaded.env[llm.api_key_env] ?? "").trim() !== "";
  if (hasKey || kind === "openai") {
    return {
      backend: new OpenAIChatBackend(openAIBackendOptions(llm, { model: options.model, env: loaded.env })),
      description: `${llm.base_url} (${options.model})`,
    };
  }
  const local = await probeLocalServers({});
  const first = local[0];
  if (first) {
    const model = first.models.includes(options.model) ? options.model : (first.models[0] ?? options.model);
    return {
      backend: new OpenAIChatBackend(
        openAIBackendOptions({ ...llm, base_url: first.baseUrl }, { model, env: { ...loaded.env, [llm.api_key_env]: "local" } }),
      ),
      description: `local ${first.name} at ${first.baseUrl} (${model})`,
    };
  }
  throw new ConfigError(
    `No LLM is configured: ${llm.api_key_env} is not set and no local OpenAI-compatible server answered on 127.0.0.1 ` +
      `(Ollama 11434, vLLM 8001/8000, LM Studio 1234, llama.cpp 8080). Set ${llm.api_key_env} (or llm.base_url), or run offline with --backend fake.`,
  );
}
