/**
 * The client side of one runtime-server exchange (spec 8.4): connect to the Unix socket, send the
 * request, half-close, read the response until EOF, all within one deadline.
 *
 * Failures are typed so the client can tell a dead server (refused, missing socket, reset: restart
 * it) from a live one that does not answer (timeout: never clean up under it).
 */
import { createConnection } from "node:net";
import { RuntimeResponse, type RuntimeRequest } from "./protocol.ts";

export type TransportFailure = "unreachable" | "timeout" | "bad_response" | "cancelled";

export class RpcTransportError extends Error {
  constructor(
    readonly failure: TransportFailure,
    message: string,
    /** The OS error code (ECONNREFUSED, ENOENT, ECONNRESET, ...), when there is one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = "RpcTransportError";
  }
}

export interface ExchangeOptions {
  /** The whole exchange's deadline (ms; Infinity: none). */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Send raw bytes and return the raw response text. */
export function exchange(socketPath: string, body: string | Uint8Array, { timeoutMs, signal }: ExchangeOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RpcTransportError("cancelled", "The runtime server call was cancelled"));
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = createConnection({ path: socketPath });
    const onAbort = () => finish(new RpcTransportError("cancelled", "The runtime server call was cancelled"));
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve(Buffer.concat(chunks).toString("utf8"));
    };
    const timer = Number.isFinite(timeoutMs)
      ? setTimeout(
          () => finish(new RpcTransportError("timeout", `No answer from the runtime server at ${socketPath} within ${timeoutMs} ms`)),
          timeoutMs,
        )
      : undefined;
    signal?.addEventListener("abort", onAbort, { once: true });
    socket.on("connect", () => {
      socket.end(body);
    });
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => finish(null));
    socket.on("close", () => finish(null));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      // A reset after a complete response still delivered it.
      if (chunks.length > 0 && error.code === "ECONNRESET") return finish(null);
      finish(new RpcTransportError("unreachable", `Cannot reach the runtime server at ${socketPath}: ${error.message}`, error.code));
    });
  });
}

/** One request, its response parsed (transport problems throw `RpcTransportError`). */
export async function rpcCall(
  socketPath: string,
  request: RuntimeRequest,
  options: ExchangeOptions,
): Promise<RuntimeResponse> {
  const text = await exchange(socketPath, JSON.stringify(request), options);
  if (text === "") {
    throw new RpcTransportError("unreachable", `The runtime server at ${socketPath} closed the connection without answering "${request.method}"`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RpcTransportError("bad_response", `The runtime server answered "${request.method}" with invalid JSON: ${text.slice(0, 200)}`);
  }
  const parsed = RuntimeResponse.safeParse(value);
  if (!parsed.success) {
    throw new RpcTransportError("bad_response", `The runtime server answered "${request.method}" with an unexpected shape: ${text.slice(0, 200)}`);
  }
  return parsed.data;
}
