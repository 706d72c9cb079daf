import { afterEach, expect, test } from "bun:test";
import { OpenAIChatBackend } from "../../src/llm/openai-backend.ts";
import { probeLocalServers } from "../../src/llm/local-probe.ts";
import { startFakeOpenAIServer, textReply, type FakeOpenAIServer } from "../fakes/openai-server.ts";

const servers: FakeOpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

test("finds OpenAI-compatible servers on 127.0.0.1 and lists their models", async () => {
  const ollama = startFakeOpenAIServer([], { models: ["llama3.2", "qwen2.5"] });
  const other = startFakeOpenAIServer([], { models: ["tiny"] });
  const gone = startFakeOpenAIServer();
  servers.push(ollama, other);
  const deadPort = gone.port;
  await gone.stop();
  const hang = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Promise<Response>(() => {}) });
  try {
    const found = await probeLocalServers({
      targets: [
        { name: "ollama", port: ollama.port },
        { name: "dead", port: deadPort },
        { name: "slow", port: hang.port ?? 0 },
        { name: "vllm", port: other.port },
      ],
      excludePorts: [other.port],
      timeoutMs: 300,
    });
    expect(found).toEqual([
      { name: "ollama", port: ollama.port, baseUrl: `http://127.0.0.1:${ollama.port}/v1`, models: ["llama3.2", "qwen2.5"] },
    ]);
    expect(other.requests).toHaveLength(0);
  } finally {
    await hang.stop(true);
  }
});

test("a probed server works as a backend base URL", async () => {
  const server = startFakeOpenAIServer([{ kind: "sse", chunks: textReply(["local"]) }], { models: ["m"] });
  servers.push(server);
  const [found] = await probeLocalServers({ targets: [{ name: "ollama", port: server.port }] });
  const backend = new OpenAIChatBackend({
    baseUrl: found!.baseUrl,
    apiKey: "local",
    model: found!.models[0]!,
    timeoutSec: 5,
    retry: { maxRetries: 0, baseDelaySec: 0, capDelaySec: 0, jitterRatio: 0 },
  });
  const texts: string[] = [];
  for await (const event of backend.streamChat({ messages: [{ role: "user", content: "hi" }] })) {
    if (event.type === "text_delta") texts.push(event.text);
  }
  expect(texts).toEqual(["local"]);
  expect(server.chatRequests[0]?.body).toMatchObject({ model: "m" });
});
