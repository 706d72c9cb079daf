/**
 * `serve` under load: the compiled binary serves a temp workspace over loopback with the offline
 * fake backend (`STUDIO_LLM_BACKEND=fake`: a streamed file_write call, then a streamed answer).
 * For N = 10, 100, 500 concurrent runs, each followed by M SSE subscribers, it prints runs/s (all
 * runs started at once until the last terminal event), p50/p99 event delivery latency (the event's
 * own timestamp to its arrival at a subscriber) and the server's peak RSS (VmHWM). Never asserts.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./lib.ts";

const SUBSCRIBERS = Number(process.env.BENCH_SSE_SUBSCRIBERS ?? 2);
const SIZES = (process.env.BENCH_SERVER_RUNS ?? "10,100,500").split(",").map(Number);

function percentile(sorted: number[], q: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function eventTimeMs(timestamp: string): number {
  // 2026-01-02T03:04:05.123456Z -> ms with the microseconds kept.
  const base = Date.parse(`${timestamp.slice(0, 23)}Z`);
  return base + Number(`0.${timestamp.slice(23, 26) || "0"}`);
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? "0");
  return kb / 1024;
}

/** Read one run's SSE stream to its end; push each event's delivery latency. */
async function subscribe(base: string, runId: string, latencies: number[]): Promise<number> {
  const res = await fetch(`${base}/api/v1/runs/${runId}/events/stream`);
  if (!res.ok || !res.body) throw new Error(`SSE for ${runId}: HTTP ${res.status}`);
  const decoder = new TextDecoder();
  let buffer = "";
  let events = 0;
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame.split("\n").find((l) => l.startsWith("data: "));
      if (data) {
        const event = JSON.parse(data.slice(6)) as { timestamp: string };
        latencies.push(Date.now() - eventTimeMs(event.timestamp));
        events += 1;
      }
      end = buffer.indexOf("\n\n");
    }
  }
  return events;
}

async function benchSize(base: string, sessionId: string, n: number): Promise<{ runsPerSecond: number; p50: number; p99: number; events: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  const runIds = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const res = await fetch(`${base}/api/v1/sessions/${sessionId}/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: `bench run ${i}` }),
      });
      if (res.status !== 201) throw new Error(`create run: HTTP ${res.status} ${await res.text()}`);
      return ((await res.json()) as { run_id: string }).run_id;
    }),
  );
  const counts = await Promise.all(runIds.flatMap((id) => Array.from({ length: SUBSCRIBERS }, () => subscribe(base, id, latencies))));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { runsPerSecond: n / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), events: counts.reduce((a, b) => a + b, 0) };
}

export async function benchServer(): Promise<void> {
  const binary = join(ROOT, "dist/skills-runtime");
  if (!existsSync(binary)) throw new Error("dist/skills-runtime is missing: run `bun run compile` first");
  const ws = mkdtempSync(join(tmpdir(), "sr-bench-serve-"));
  mkdirSync(join(ws, "config"));
  // The fake model writes a file: let it, so runs never wait for an approval.
  writeFileSync(join(ws, "config/runtime.yaml"), "safety:\n  mode: allow\n");
  const server = Bun.spawn([binary, "serve", "--port", "0", "--workspace-root", ws], {
    cwd: ws,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: ws, STUDIO_LLM_BACKEND: "fake" },
    stdout: "pipe",
    stderr: "inherit",
  });
  try {
    const reader = server.stdout.getReader();
    let out = "";
    while (!/Open (http:\/\/\S+?)\/?\s/.test(out)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`serve exited before printing its URL: ${out}`);
      out += new TextDecoder().decode(value);
    }
    const base = /Open (http:\/\/[^/\s]+)/.exec(out)![1]!;
    const session = await fetch(`${base}/api/v1/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const sessionId = ((await session.json()) as { session_id: string }).session_id;
    console.log(`\nserve over loopback (compiled binary, fake backend, ${SUBSCRIBERS} SSE subscribers per run)`);
    for (const n of SIZES) {
      const r = await benchSize(base, sessionId, n);
      console.log(
        `${`N=${n} concurrent runs`.padEnd(24)} ${r.runsPerSecond.toFixed(1).padStart(7)} runs/s  delivery p50 ${r.p50.toFixed(0).padStart(4)} ms  p99 ${r.p99
          .toFixed(0)
          .padStart(5)} ms  events ${r.events}  peak RSS ${peakRssMiB(server.pid).toFixed(0)} MiB`,
      );
    }
  } finally {
    server.kill("SIGTERM");
    await server.exited;
    rmSync(ws, { recursive: true, force: true });
  }
}

if (import.meta.main) await benchServer();
