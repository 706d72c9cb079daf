import { describe, expect, test } from "bun:test";
import { DEFAULT_PROBE_TARGETS, probeLocalServers } from "./local-probe.ts";

/** A fetch stub that answers per port and records the URLs asked for. */
function stubFetch(answers: Record<number, () => Response | Promise<Response>>) {
  const urls: string[] = [];
  const fn = (async (input: string | URL | Request) => {
    const url = String(input);
    urls.push(url);
    const port = Number(new URL(url).port);
    const answer = answers[port];
    if (!answer) throw new TypeError("connection refused");
    return answer();
  }) as typeof fetch;
  return { fn, urls };
}

describe("probeLocalServers", () => {
  test("asks only 127.0.0.1 /v1/models on the default ports", async () => {
    const { fn, urls } = stubFetch({});
    expect(await probeLocalServers({ fetch: fn })).toEqual([]);
    expect(urls.sort()).toEqual(DEFAULT_PROBE_TARGETS.map((t) => `http://127.0.0.1:${t.port}/v1/models`).sort());
    expect(DEFAULT_PROBE_TARGETS.map((t) => t.port)).toEqual([11434, 8001, 8000, 1234, 8080]);
  });

  test("reports servers answering with a model list, in target order", async () => {
    const { fn } = stubFetch({
      8080: () => Response.json({ data: [{ id: "qwen" }] }),
      11434: () => Response.json({ object: "list", data: [{ id: "llama3", owned_by: "x" }, { id: "phi" }] }),
      1234: () => new Response("<html>not an llm</html>"),
      8001: () => Response.json({ error: "no" }, { status: 500 }),
    });
    expect(await probeLocalServers({ fetch: fn })).toEqual([
      { name: "ollama", port: 11434, baseUrl: "http://127.0.0.1:11434/v1", models: ["llama3", "phi"] },
      { name: "llama.cpp", port: 8080, baseUrl: "http://127.0.0.1:8080/v1", models: ["qwen"] },
    ]);
  });

  test("skips excluded ports", async () => {
    const { fn, urls } = stubFetch({});
    await probeLocalServers({ fetch: fn, excludePorts: [8000] });
    expect(urls.some((u) => u.includes(":8000/"))).toBe(false);
    expect(urls).toHaveLength(4);
  });

  test("a server slower than the timeout is not reported", async () => {
    const { fn } = stubFetch({
      1234: () => new Promise<Response>(() => {}),
      11434: () => Response.json({ data: [] }),
    });
    const probing = probeLocalServers({
      fetch: ((input: string | URL | Request, init?: RequestInit) =>
        new Promise<Response>((resolve, reject) => {
          init?.signal?.addEventListener("abort", () => reject(new DOMException("timeout", "TimeoutError")));
          Promise.resolve(fn(input, init)).then(resolve, reject);
        })) as typeof fetch,
      timeoutMs: 30,
    });
    expect((await probing).map((s) => s.port)).toEqual([11434]);
  });
});
