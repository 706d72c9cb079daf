import { afterEach, describe, expect, test } from "bun:test";
import { registryWith, makeToolContext, tempDirs, testConfig, type ToolContextOptions } from "../../test/support/tool-context.ts";
import type { WebSearchConfig } from "../config/schema.ts";
import { webSearchTool } from "./web-search.ts";

const newDir = tempDirs("sr-web-search-");
const registry = registryWith(webSearchTool);

interface Seen {
  method: string;
  url: URL;
  authorization: string | null;
  body: unknown;
}

/** A search endpoint on 127.0.0.1 that records requests and answers with `respond`. */
function searchServer(respond: (seen: Seen) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const entry: Seen = {
        method: request.method,
        url: new URL(request.url),
        authorization: request.headers.get("authorization"),
        body: request.method === "POST" ? await request.json() : null,
      };
      seen.push(entry);
      return respond(entry);
    },
  });
  servers.push(server);
  return { seen, endpoint: `http://127.0.0.1:${server.port}/search` };
}
const servers: ReturnType<typeof Bun.serve>[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.stop(true);
});

function enabled(endpoint: string, extra: Partial<WebSearchConfig> = {}) {
  return testConfig({ tools: { web_search: { enabled: true, endpoint, ...extra } } });
}

async function run(args: Record<string, unknown>, options: Partial<ToolContextOptions> = {}) {
  const { ctx } = makeToolContext({ ...options, workspaceRoot: newDir() });
  return registry.dispatch("web_search", args, ctx);
}

const sample = {
  results: [
    { title: "Bun", url: "https://bun.sh", snippet: "A fast runtime" },
    "not an object",
    { title: 42, url: null },
    [1, 2],
  ],
};

describe("web_search", () => {
  test("is disabled by default", async () => {
    const r = await run({ q: "bun runtime" });
    expect(r).toMatchObject({ ok: false, error_kind: "validation", data: { disabled: true } });
    expect(r.stderr).toContain("tools.web_search");
  });

  test("stays disabled when an endpoint is configured but enabled is false", async () => {
    const { seen, endpoint } = searchServer(() => Response.json(sample));
    const r = await run({ q: "bun" }, { config: testConfig({ tools: { web_search: { endpoint } } }) });
    expect(r.data).toEqual({ disabled: true });
    expect(seen).toEqual([]);
  });

  test("GETs the endpoint with q and limit, and normalises the results", async () => {
    const { seen, endpoint } = searchServer(() => Response.json(sample));
    const r = await run({ q: "  bun runtime  " }, { config: enabled(endpoint) });
    expect(r).toMatchObject({
      ok: true,
      exit_code: 0,
      data: { results: [{ title: "Bun", url: "https://bun.sh", snippet: "A fast runtime" }, { title: "42", url: "", snippet: "" }] },
    });
    expect(seen.length).toBe(1);
    expect(seen[0]!.method).toBe("GET");
    expect(Object.fromEntries(seen[0]!.url.searchParams)).toEqual({ q: "bun runtime", limit: "10" });
    expect(seen[0]!.authorization).toBeNull();
  });

  test("POSTs JSON with q, recency and limit and sends the key from the run env store", async () => {
    const { seen, endpoint } = searchServer(() => Response.json({ results: [] }));
    const r = await run(
      { q: "news", recency: 7, limit: 3 },
      { config: enabled(endpoint, { method: "POST", api_key_env: "SEARCH_KEY" }), env: { SEARCH_KEY: "run-key-123" }, baseEnv: { SEARCH_KEY: "base-key" } },
    );
    expect(r).toMatchObject({ ok: true, data: { results: [] } });
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.body).toEqual({ q: "news", recency: 7, limit: 3 });
    expect(seen[0]!.authorization).toBe("Bearer run-key-123");
  });

  test("falls back to the base environment for the key and sends recency on GET", async () => {
    const { seen, endpoint } = searchServer(() => Response.json({ results: [] }));
    await run({ q: "x", recency: 0 }, { config: enabled(endpoint, { api_key_env: "SEARCH_KEY" }), baseEnv: { SEARCH_KEY: "base-key" } });
    expect(seen[0]!.authorization).toBe("Bearer base-key");
    expect(seen[0]!.url.searchParams.get("recency")).toBe("0");
  });

  test("uses the configured credential (read from the process env by the Agent) before the base environment", async () => {
    const { seen, endpoint } = searchServer(() => Response.json({ results: [] }));
    await run({ q: "x" }, { config: enabled(endpoint, { api_key_env: "SEARCH_API_KEY" }), credentials: { SEARCH_API_KEY: "cred-key" }, baseEnv: { SEARCH_API_KEY: "base-key" } });
    expect(seen[0]!.authorization).toBe("Bearer cred-key");
  });

  test("keeps at most limit results", async () => {
    const many = { results: Array.from({ length: 5 }, (_, i) => ({ title: `t${i}`, url: `u${i}`, snippet: "" })) };
    const { endpoint } = searchServer(() => Response.json(many));
    const r = await run({ q: "x", limit: 2 }, { config: enabled(endpoint) });
    expect((r.data?.results as unknown[]).length).toBe(2);
  });

  test("a blank query, bad numbers or unknown arguments are validation errors", async () => {
    const { seen, endpoint } = searchServer(() => Response.json(sample));
    for (const args of [{ q: "   " }, { q: "" }, { q: "x", limit: 0 }, { q: "x", recency: -1 }, { q: "x", page: 2 }, {}]) {
      const r = await run(args, { config: enabled(endpoint) });
      expect(r).toMatchObject({ ok: false, error_kind: "validation" });
    }
    expect(seen).toEqual([]);
  });

  test("a configured key variable that is not set is a validation error and sends nothing", async () => {
    const { seen, endpoint } = searchServer(() => Response.json(sample));
    const r = await run({ q: "x" }, { config: enabled(endpoint, { api_key_env: "MISSING_SEARCH_KEY" }) });
    expect(r).toMatchObject({ ok: false, error_kind: "validation", data: { q: "x", api_key_env: "MISSING_SEARCH_KEY" } });
    expect(seen).toEqual([]);
  });

  test("an HTTP error is unknown and retryable, with q", async () => {
    const { endpoint } = searchServer(() => new Response("overloaded", { status: 503 }));
    const r = await run({ q: "x" }, { config: enabled(`${endpoint}?token=query-secret`) });
    expect(r).toMatchObject({ ok: false, error_kind: "unknown", retryable: true, data: { q: "x" } });
    expect(r.stderr).toBe(`Web search request to "${endpoint}" failed: HTTP 503 Service Unavailable`);
  });

  test("a response without a results list or not JSON is unknown and retryable", async () => {
    for (const body of [new Response("<html>"), Response.json({ items: [] })]) {
      const { endpoint } = searchServer(() => body);
      const r = await run({ q: "x" }, { config: enabled(endpoint) });
      expect(r).toMatchObject({ ok: false, error_kind: "unknown", retryable: true, data: { q: "x" } });
    }
  });

  test("a redirect is refused, so the key never follows it", async () => {
    const { seen, endpoint } = searchServer(({ url }) =>
      url.pathname === "/search" ? new Response(null, { status: 302, headers: { location: "/elsewhere" } }) : Response.json(sample),
    );
    const r = await run({ q: "x" }, { config: enabled(endpoint, { api_key_env: "K" }), env: { K: "key-abcdef" } });
    expect(r).toMatchObject({ ok: false, error_kind: "unknown", retryable: true });
    expect(seen.map((s) => s.url.pathname)).toEqual(["/search"]);
    expect(r.stderr).not.toContain("key-abcdef");
  });

  test("a slow provider times out as unknown and retryable", async () => {
    const { endpoint } = searchServer(async () => {
      await Bun.sleep(1_000);
      return Response.json(sample);
    });
    const r = await run({ q: "x" }, { config: enabled(endpoint, { timeout_ms: 100 }) });
    expect(r).toMatchObject({ ok: false, error_kind: "unknown", retryable: true });
    expect(r.stderr).toContain("timed out after 100 ms");
  });

  test("a refused connection is unknown and retryable", async () => {
    const { endpoint } = searchServer(() => Response.json(sample));
    servers.pop()!.stop(true); // the port is now closed
    const r = await run({ q: "x" }, { config: enabled(endpoint) });
    expect(r).toMatchObject({ ok: false, error_kind: "unknown", retryable: true, data: { q: "x" } });
  });

  test("aborting the run cancels the request", async () => {
    const { endpoint } = searchServer(async () => {
      await Bun.sleep(1_000);
      return Response.json(sample);
    });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const r = await run({ q: "x" }, { config: enabled(endpoint), signal: ac.signal });
    expect(r).toMatchObject({ ok: false, error_kind: "cancelled" });
  });
});
