/**
 * LLM helpers for the Studio's Settings panel: `GET /api/v1/llm/local` lists the OpenAI-compatible
 * servers answering on 127.0.0.1 (Ollama, vLLM, LM Studio, llama.cpp ports; see
 * src/llm/local-probe.ts), never this server's own port. Each `base_url` can be put into a
 * session's settings as is.
 */
import { Hono } from "hono";
import { z } from "zod";
import { probeLocalServers } from "../../llm/local-probe.ts";
import type { ServerContext } from "../context.ts";
import { describeRoute } from "../openapi.ts";

export const LocalLlmServer = z.object({
  /** Which server usually listens on that port, e.g. "ollama". */
  name: z.string(),
  /** `http://127.0.0.1:<port>/v1`, usable as a session's `base_url`. */
  base_url: z.string(),
  /** The ids its `GET /v1/models` listed. */
  models: z.array(z.string()),
});
export type LocalLlmServer = z.infer<typeof LocalLlmServer>;

export const LocalLlmServers = z.object({ servers: z.array(LocalLlmServer) });
export type LocalLlmServers = z.infer<typeof LocalLlmServers>;

export function llmRoutes(ctx: ServerContext): Hono {
  const app = new Hono();

  describeRoute({
    method: "get",
    path: "/api/v1/llm/local",
    summary: "Local OpenAI-compatible servers answering on 127.0.0.1, with their models",
    responses: { 200: LocalLlmServers },
    tags: ["llm"],
  });
  app.get("/api/v1/llm/local", async (c) => {
    const probe = ctx.localProbe ?? {};
    const found = await probeLocalServers({
      excludePorts: probe.excludePorts ?? [ctx.security.port],
      ...(probe.targets ? { targets: probe.targets } : {}),
      ...(probe.timeoutMs !== undefined ? { timeoutMs: probe.timeoutMs } : {}),
      signal: c.req.raw.signal,
    });
    const body: LocalLlmServers = { servers: found.map((s) => ({ name: s.name, base_url: s.baseUrl, models: s.models })) };
    return c.json(body);
  });

  return app;
}
