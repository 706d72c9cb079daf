/**
 * `web_search` (spec 4.3 #12): off by default (`validation` with `data.disabled`). When
 * `tools.web_search` configures an HTTP endpoint (decisions.md item 13) the query goes there; a
 * provider failure is `unknown` with `retryable: true` and `data.q`. Results are normalised to
 * `{title, url, snippet}` strings; items that are not objects are dropped.
 */
import { z } from "zod";
import { redactString } from "../util/redact.ts";
import description from "./web-search.md" with { type: "text" };
import { errorResult, okResult, type ToolContext, type ToolDefinition } from "./registry.ts";
import { searchHttp } from "./web-search-http.ts";

export const DEFAULT_SEARCH_LIMIT = 10;

export const WebSearchArgs = z.strictObject({
  q: z.string().min(1).describe("What to search for"),
  recency: z.number().int().min(0).nullish().describe("Only results from the last N days (optional)"),
  limit: z.number().int().min(1).nullish().describe(`Maximum number of results (default ${DEFAULT_SEARCH_LIMIT})`),
});
export type WebSearchArgs = z.infer<typeof WebSearchArgs>;

export interface WebSearchResult {
  title: string;
  url: string;
  snippet: string;
}

function field(value: unknown): string {
  if (value === undefined || value === null || value === "" || value === false || value === 0) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

export function normalizeResults(items: readonly unknown[], limit: number): WebSearchResult[] {
  return items
    .filter((item): item is Record<string, unknown> => typeof item === "object" && item !== null && !Array.isArray(item))
    .slice(0, limit)
    .map((item) => ({ title: field(item.title), url: field(item.url), snippet: field(item.snippet) }));
}

/** The API key named by `api_key_env`: the run env store, then the configured credentials, then the base environment. */
function apiKeyOf(ctx: ToolContext, name: string): string | null {
  const value = ctx.env[name] ?? ctx.services?.credentials[name] ?? ctx.services?.baseEnv[name];
  return value && value.trim() !== "" ? value.trim() : null;
}

export const webSearchTool: ToolDefinition<WebSearchArgs> = {
  name: "web_search",
  description,
  parameters: WebSearchArgs,
  handler: async (args, ctx) => {
    const q = args.q.trim();
    if (!q) return errorResult("validation", "Cannot search: q is blank after trimming");
    const settings = ctx.services?.config.tools.web_search;
    if (!settings?.enabled || !settings.endpoint) {
      return errorResult(
        "validation",
        "Cannot search: web_search is disabled (no provider is configured; an operator enables it with tools.web_search in config)",
        { disabled: true },
      );
    }
    let apiKey: string | null = null;
    if (settings.api_key_env) {
      apiKey = apiKeyOf(ctx, settings.api_key_env);
      if (!apiKey) {
        return errorResult("validation", `Cannot search: the API key variable "${settings.api_key_env}" (tools.web_search.api_key_env) is not set`, {
          q,
          api_key_env: settings.api_key_env,
        });
      }
    }
    const limit = args.limit ?? DEFAULT_SEARCH_LIMIT;
    let items: unknown[];
    try {
      items = await searchHttp(
        { q, recency: args.recency ?? null, limit },
        { endpoint: settings.endpoint, method: settings.method, timeoutMs: settings.timeout_ms, apiKey, signal: ctx.signal },
      );
    } catch (error) {
      if (ctx.signal.aborted) throw error; // the registry reports a cancelled call
      const secrets = [...(ctx.services?.secrets ?? []), ...(apiKey ? [apiKey] : [])];
      const message = redactString(error instanceof Error ? error.message : String(error), secrets);
      return { ...errorResult("unknown", message, { q }), retryable: true };
    }
    return okResult("", { results: normalizeResults(items, limit) });
  },
};
