/**
 * The HTTP provider behind `web_search` (decisions.md item 13), configured by `tools.web_search`.
 * GET sends `?q=&limit=` (+ `&recency=`); POST sends JSON `{q, recency, limit}`. The answer must
 * be JSON `{results: [...]}`; the items are returned as they are (the tool normalises them).
 * Every failure throws an Error whose message names the endpoint (without its query string,
 * which may carry a key) and what went wrong.
 */
import { z } from "zod";

export interface WebSearchQuery {
  q: string;
  recency: number | null;
  limit: number;
}

export interface HttpSearchOptions {
  endpoint: string;
  method: "GET" | "POST";
  timeoutMs: number;
  /** Sent as `Authorization: Bearer <apiKey>`; null sends none. */
  apiKey: string | null;
  signal: AbortSignal;
}

const SearchResponse = z.looseObject({ results: z.array(z.unknown()) });

/** The endpoint as it may be shown: origin and path, no query string or credentials. */
export function shownEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.origin}${url.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

function buildRequest(query: WebSearchQuery, settings: HttpSearchOptions): { url: URL; init: RequestInit } {
  const url = new URL(settings.endpoint);
  const headers: Record<string, string> = { accept: "application/json" };
  if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;
  if (settings.method === "POST") {
    headers["content-type"] = "application/json";
    return { url, init: { method: "POST", headers, body: JSON.stringify(query) } };
  }
  url.searchParams.set("q", query.q);
  url.searchParams.set("limit", String(query.limit));
  if (query.recency !== null) url.searchParams.set("recency", String(query.recency));
  return { url, init: { method: "GET", headers } };
}

/** Ask the search endpoint; returns the raw `results` items. */
export async function searchHttp(query: WebSearchQuery, settings: HttpSearchOptions): Promise<unknown[]> {
  const { signal } = settings;
  const where = `Web search request to "${shownEndpoint(settings.endpoint)}"`;
  const { url, init } = buildRequest(query, settings);
  const timeout = AbortSignal.timeout(settings.timeoutMs);
  let response: Response;
  try {
    // Redirects are refused: they could carry the API key to another host.
    response = await fetch(url, { ...init, redirect: "error", signal: AbortSignal.any([signal, timeout]) });
  } catch (error) {
    if (timeout.aborted && !signal.aborted) throw new Error(`${where} timed out after ${settings.timeoutMs} ms`);
    throw new Error(`${where} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${where} failed: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new Error(`${where} failed: the response is not JSON`);
  }
  const parsed = SearchResponse.safeParse(body);
  if (!parsed.success) throw new Error(`${where} failed: the response has no "results" list`);
  return parsed.data.results;
}
