import { describe, expect, test } from "bun:test";
import { ConfigError } from "../util/errors.ts";
import { openAIBackendOptions, type LlmSettings } from "./backend-config.ts";
import { OpenAIChatBackend } from "./openai-backend.ts";

const llm: LlmSettings = {
  base_url: "http://127.0.0.1:11434/v1/",
  api_key_env: "MY_LLM_KEY",
  timeout_sec: 60,
  retry: { max_retries: 0, base_delay_sec: 0, cap_delay_sec: 0, jitter_ratio: 0 },
};

describe("openAIBackendOptions", () => {
  test("resolves the key by the configured NAME and keeps zero retry settings as zero", () => {
    const options = openAIBackendOptions(llm, { model: "qwen", env: { MY_LLM_KEY: " secret " } });
    expect(options).toEqual({
      baseUrl: "http://127.0.0.1:11434/v1/",
      apiKey: "secret",
      model: "qwen",
      timeoutSec: 60,
      retry: { maxRetries: 0, baseDelaySec: 0, capDelaySec: 0, jitterRatio: 0 },
    });
    expect(new OpenAIChatBackend(options).baseUrl).toBe("http://127.0.0.1:11434/v1");
  });

  test("a missing or blank key is a config_error naming the variable, never a value", () => {
    for (const env of [{}, { MY_LLM_KEY: "  " }, { OPENAI_API_KEY: "other" }]) {
      let error: unknown;
      try {
        openAIBackendOptions(llm, { model: "m", env });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain('"MY_LLM_KEY"');
      expect((error as ConfigError).message).not.toContain("other");
    }
  });
});
