/**
 * Test helpers: an `OpenAIChatBackend` wired to a scripted fake server, plus stream collectors.
 */
import type { LlmError } from "../../src/llm/errors.ts";
import { OpenAIChatBackend, type OpenAIBackendOptions } from "../../src/llm/openai-backend.ts";
import type { ChatRequest, ChatStreamEvent } from "../../src/llm/protocol.ts";
import { startFakeOpenAIServer, type FakeOpenAIServer, type ScriptedReply } from "./openai-server.ts";

export interface BackendHarness {
  /** Starts a fake server with `script` and a backend pointed at it (fast retries, 5 s timeout). */
  setup(
    script: ScriptedReply[],
    options?: Partial<OpenAIBackendOptions>,
  ): { server: FakeOpenAIServer; backend: OpenAIChatBackend };
  /** Stops every server started by `setup`. Call from `afterEach`. */
  cleanup(): Promise<void>;
}

export function createBackendHarness(): BackendHarness {
  const servers: FakeOpenAIServer[] = [];
  return {
    setup(script, options = {}) {
      const server = startFakeOpenAIServer(script);
      servers.push(server);
      const backend = new OpenAIChatBackend({
        baseUrl: `${server.baseUrl}/`,
        apiKey: "sk-test",
        model: "fake-model",
        timeoutSec: 5,
        retry: { maxRetries: 2, baseDelaySec: 0.01, capDelaySec: 1, jitterRatio: 0 },
        ...options,
      });
      return { server, backend };
    },
    async cleanup() {
      await Promise.all(servers.splice(0).map((server) => server.stop()));
    },
  };
}

export const ask = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [{ role: "user", content: "hi" }],
  ...extra,
});

/** Drains a stream; returns the events seen and the error it ended with, if any. */
export async function collect(
  stream: AsyncIterable<ChatStreamEvent>,
): Promise<{ events: ChatStreamEvent[]; error: LlmError | undefined }> {
  const events: ChatStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error: error as LlmError };
  }
}

export const texts = (events: ChatStreamEvent[]): string[] =>
  events.flatMap((event) => (event.type === "text_delta" ? [event.text] : []));
