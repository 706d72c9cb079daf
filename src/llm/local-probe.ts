/**
 * Finds local OpenAI-compatible servers when no API key is configured: GET `/v1/models` on the
 * usual ports of 127.0.0.1 (never another host), all in parallel, each with a short timeout.
 * A server counts when it answers 2xx with an OpenAI model list (`{data: [{id}]}`).
 */
import { z } from "zod";

export const LOCAL_PROBE_HOST = "127.0.0.1";

export const ProbeTarget = z.object({
  /** Which server usually listens there, e.g. "ollama". */
  name: z.string().min(1),
  port: z.number().int().min(1).max(65535),
});
export type ProbeTarget = z.infer<typeof ProbeTarget>;

export const DEFAULT_PROBE_TARGETS: readonly ProbeTarget[] = [
  { name: "ollama", port: 11434 },
  { name: "vllm", port: 8001 },
  { name: "vllm", port: 8000 },
  { name: "lmstudio", port: 1234 },
  { name: "llama.cpp", port: 8080 },
];

export const LocalServer = z.object({
  name: z.string(),
  port: z.number().int(),
  /** `http://127.0.0.1:<port>/v1`, usable as `llm.base_url`. */
  baseUrl: z.string(),
  models: z.array(z.string()),
});
export type LocalServer = z.infer<typeof LocalServer>;

const ModelList = z.object({ data: z.array(z.looseObject({ id: z.string() })) });

export interface ProbeLocalOptions {
  targets?: readonly ProbeTarget[];
  /** Ports to skip, e.g. 8000 when `serve` itself listens there. */
  excludePorts?: readonly number[];
  /** Per-server timeout; default 300 ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

async function probeOne(target: ProbeTarget, options: ProbeLocalOptions): Promise<LocalServer | undefined> {
  const baseUrl = `http://${LOCAL_PROBE_HOST}:${target.port}/v1`;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 300);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  try {
    const response = await (options.fetch ?? fetch)(`${baseUrl}/models`, {
      method: "GET",
      headers: { accept: "application/json" },
      signal,
      redirect: "error",
    });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    const parsed = ModelList.safeParse(await response.json());
    if (!parsed.success) return undefined;
    return { name: target.name, port: target.port, baseUrl, models: parsed.data.data.map((m) => m.id) };
  } catch {
    return undefined; // refused, timed out, not JSON: not a usable server
  }
}

/** The servers that answered, in target order. Never throws. */
export async function probeLocalServers(options: ProbeLocalOptions = {}): Promise<LocalServer[]> {
  const excluded = new Set(options.excludePorts ?? []);
  const targets = (options.targets ?? DEFAULT_PROBE_TARGETS).filter((t) => !excluded.has(t.port));
  const results = await Promise.all(targets.map((target) => probeOne(target, options)));
  return results.filter((server): server is LocalServer => server !== undefined);
}
