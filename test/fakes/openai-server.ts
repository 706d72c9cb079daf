/**
 * A scripted OpenAI-compatible HTTP server for tests: `Bun.serve` on 127.0.0.1, port 0.
 *
 * Each POST /v1/chat/completions consumes the next scripted reply; GET /v1/models lists
 * `models`. Every request is recorded. An exhausted script answers HTTP 500.
 */

export type Chunk = Record<string, unknown> | string;

export type ScriptedReply =
  /** An SSE stream of `chunks` (objects are JSON-encoded, strings sent verbatim as `data:`). */
  | {
      kind: "sse";
      chunks: Chunk[];
      /** Pause before each chunk. */
      delayMs?: number;
      /** Send `data: [DONE]` at the end (default true). */
      done?: boolean;
      /** Cut the connection (no clean end) after this many chunks. */
      breakAfter?: number;
      /** Stop sending (keep the connection open) after this many chunks. */
      stallAfter?: number;
      headers?: Record<string, string>;
    }
  /** A plain JSON response (an error or a non-streamed completion). */
  | { kind: "json"; status?: number; body: unknown; headers?: Record<string, string> }
  /** Never answer (the client must time out or abort). */
  | { kind: "hang" };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeOpenAIServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `http://127.0.0.1:<port>/v1`, the base URL to give a backend. */
  readonly baseUrl: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** Chat requests only. */
  readonly chatRequests: RecordedRequest[];
  enqueue(...replies: ScriptedReply[]): void;
  stop(): Promise<void>;
}

const encoder = new TextEncoder();

/** Lets already enqueued bytes reach the client before the connection is reset. */
async function cut(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
  await Bun.sleep(50);
  controller.error();
}

function sseStream(reply: Extract<ScriptedReply, { kind: "sse" }>, signal: AbortSignal): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const chunks = reply.chunks;
      for (let i = 0; i < chunks.length; i += 1) {
        if (reply.breakAfter === i) return cut(controller); // socket closed mid-stream
        if (reply.stallAfter === i) return; // never closes
        if (reply.delayMs) await Bun.sleep(reply.delayMs);
        if (signal.aborted) return;
        const chunk = chunks[i];
        const data = typeof chunk === "string" ? chunk : JSON.stringify(chunk);
        controller.enqueue(encoder.encode(`data: ${data}\n\n`));
      }
      if (reply.breakAfter === chunks.length) return cut(controller);
      if (reply.stallAfter === chunks.length) return;
      if (reply.done !== false) controller.enqueue(encoder.encode("data: [DONE]\n\n"));
      controller.close();
    },
  });
}

export function startFakeOpenAIServer(
  script: ScriptedReply[] = [],
  options: { models?: string[] } = {},
): FakeOpenAIServer {
  const queue = [...script];
  const requests: RecordedRequest[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 30,
    async fetch(req) {
      const url = new URL(req.url);
      const text = req.method === "GET" ? "" : await req.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // keep the raw text
      }
      requests.push({ method: req.method, path: url.pathname, headers: Object.fromEntries(req.headers), body });
      if (req.method === "GET" && url.pathname === "/v1/models") {
        return Response.json({ object: "list", data: (options.models ?? []).map((id) => ({ id, object: "model" })) });
      }
      if (req.method !== "POST" || url.pathname !== "/v1/chat/completions") {
        return Response.json({ error: { message: `No route for ${req.method} ${url.pathname}` } }, { status: 404 });
      }
      const reply = queue.shift();
      if (!reply) return Response.json({ error: { message: "fake server script exhausted" } }, { status: 500 });
      if (reply.kind === "hang") {
        return new Promise<Response>((resolve) => {
          req.signal.addEventListener("abort", () => resolve(new Response(null, { status: 499 })), { once: true });
        });
      }
      if (reply.kind === "json") {
        return Response.json(reply.body, { status: reply.status ?? 200, headers: reply.headers ?? {} });
      }
      return new Response(sseStream(reply, req.signal), {
        headers: { "content-type": "text/event-stream", "cache-control": "no-cache", ...reply.headers },
      });
    },
  });
  const port = server.port ?? 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseUrl: `${url}/v1`,
    port,
    requests,
    get chatRequests() {
      return requests.filter((r) => r.path === "/v1/chat/completions");
    },
    enqueue: (...replies) => void queue.push(...replies),
    stop: () => server.stop(true),
  };
}

// ---------------------------------------------------------------------------------------------
// Chunk builders

let counter = 0;

export function chunk(delta: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: extra.id ?? "chatcmpl-fake",
    object: "chat.completion.chunk",
    created: 0,
    model: extra.model ?? "fake-model",
    choices: [{ index: 0, delta, finish_reason: extra.finish_reason ?? null }],
  };
}

/** Text chunks, then a `stop` chunk and a usage-only chunk (as with `include_usage`). */
export function textReply(parts: string[], usage = { prompt_tokens: 3, completion_tokens: parts.length }): Chunk[] {
  return [
    chunk({ role: "assistant", content: "" }),
    ...parts.map((content) => chunk({ content })),
    chunk({}, { finish_reason: "stop" }),
    usageChunk(usage.prompt_tokens, usage.completion_tokens),
  ];
}

export function usageChunk(prompt: number, completion: number): Record<string, unknown> {
  return {
    id: "chatcmpl-fake",
    object: "chat.completion.chunk",
    created: 0,
    model: "fake-model",
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

/** One tool call split into a name fragment and `argumentParts` argument fragments. */
export function toolCallChunks(index: number, name: string, argumentParts: string[], id?: string): Chunk[] {
  counter += 1;
  const callId = id ?? `call_${counter}`;
  return [
    chunk({ tool_calls: [{ index, id: callId, type: "function", function: { name, arguments: "" } }] }),
    ...argumentParts.map((part) => chunk({ tool_calls: [{ index, function: { arguments: part } }] })),
  ];
}

export function errorReply(status: number, message?: string, headers?: Record<string, string>): ScriptedReply {
  const body = message === undefined ? {} : { error: { message, type: "fake_error", code: null } };
  return { kind: "json", status, body, ...(headers ? { headers } : {}) };
}
