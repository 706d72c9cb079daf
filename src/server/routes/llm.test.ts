import { afterEach, describe, expect, test } from "bun:test";
import { startFakeOpenAIServer, type FakeOpenAIServer } from "../../../test/fakes/openai-server.ts";
import { serverTestApp } from "../../../test/support/server-app.ts";
import { tempDirs } from "../../../test/support/tool-context.ts";
import type { LocalProbeSettings, ServerContext } from "../context.ts";
import { openApiDocument } from "../openapi.ts";
import { llmRoutes, LocalLlmServers } from "./llm.ts";

const tempDir = tempDirs("sr-routes-llm-");
const servers: FakeOpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

function fakeServer(models: string[]): FakeOpenAIServer {
  const server = startFakeOpenAIServer([], { models });
  servers.push(server);
  return server;
}

/** A free port nobody listens on (a server started and stopped). */
async function deadPort(): Promise<number> {
  const gone = startFakeOpenAIServer();
  const port = gone.port;
  await gone.stop();
  return port;
}

function setup(localProbe: LocalProbeSettings, ownPort?: number) {
  const route = (ctx: ServerContext) =>
    llmRoutes({ ...ctx, localProbe: { timeoutMs: 1000, ...localProbe }, ...(ownPort ? { security: { ...ctx.security, port: ownPort } } : {}) });
  return serverTestApp(tempDir(), [route]);
}

describe("GET /api/v1/llm/local", () => {
  test("lists the servers that answer with a model list, in target order, with usable base URLs", async () => {
    const ollama = fakeServer(["llama3.2", "qwen2.5"]);
    const lmstudio = fakeServer([]);
    const { call } = setup({
      targets: [
        { name: "ollama", port: ollama.port },
        { name: "vllm", port: await deadPort() },
        { name: "lmstudio", port: lmstudio.port },
      ],
    });
    const res = await call("GET", "/api/v1/llm/local");
    expect(res.status).toBe(200);
    const body = LocalLlmServers.parse(await res.json());
    expect(body).toEqual({
      servers: [
        { name: "ollama", base_url: `http://127.0.0.1:${ollama.port}/v1`, models: ["llama3.2", "qwen2.5"] },
        { name: "lmstudio", base_url: `http://127.0.0.1:${lmstudio.port}/v1`, models: [] },
      ],
    });
    expect(ollama.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/models"]);
  });

  test("never probes the server's own port", async () => {
    const own = fakeServer(["mine"]);
    const other = fakeServer(["other"]);
    const { call } = setup({ targets: [{ name: "vllm", port: own.port }, { name: "ollama", port: other.port }] }, own.port);
    const body = (await (await call("GET", "/api/v1/llm/local")).json()) as LocalLlmServers;
    expect(body.servers.map((s) => s.name)).toEqual(["ollama"]);
    expect(own.requests).toHaveLength(0);
  });

  test("answers an empty list when nothing answers", async () => {
    const { call } = setup({ targets: [{ name: "ollama", port: await deadPort() }] });
    const res = await call("GET", "/api/v1/llm/local");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ servers: [] });
  });

  test("is described in the OpenAPI document", () => {
    setup({ targets: [] });
    const doc = openApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(doc.paths["/api/v1/llm/local"]?.get?.responses["200"]).toBeDefined();
  });
});
