/**
 * A small `serve` for the run routes: a temp workspace with a config overlay, the real
 * FileSessionStore, an ApprovalsHub and an InProcessRunManager, and a Hono app mounting the run
 * routes behind the app's one `onError`. Tests call `app.request()` or serve it on a real socket.
 */
import { afterEach } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import YAML from "yaml";
import { loadConfig } from "../../src/config/load.ts";
import type { FakeCall } from "../../src/llm/fake-backend.ts";
import { ApprovalsHub } from "../../src/server/approvals-hub.ts";
import { onError } from "../../src/server/errors.ts";
import { HumanWaits } from "../../src/server/human-waits.ts";
import { InProcessRunManager, type InProcessRunManagerOptions } from "../../src/server/run-manager.ts";
import { approvalRoutes } from "../../src/server/routes/approvals.ts";
import { eventRoutes } from "../../src/server/routes/events.ts";
import { humanRoutes } from "../../src/server/routes/human.ts";
import type { RunRoutesContext } from "../../src/server/routes/run-context.ts";
import { runRoutes } from "../../src/server/routes/runs.ts";
import type { SseOptions } from "../../src/server/sse.ts";
import { FileSessionStore } from "../../src/server/storage/sessions.ts";
import { readWal } from "./engine.ts";

export const BASE = "http://127.0.0.1:8000";

export interface RunsServerOptions {
  /** Workspace to use (default a new temp dir). */
  workspaceRoot?: string;
  /** Written to `config/runtime.yaml` (default `safety.mode: allow`). */
  config?: Record<string, unknown>;
  fakeScript?: (task: string) => FakeCall[];
  humanTimeoutMs?: number;
  sse?: SseOptions;
  manager?: Partial<InProcessRunManagerOptions>;
  /** Start without the fake backend forced (tests of backend choice). */
  realBackend?: boolean;
}

export interface RunsServer {
  workspaceRoot: string;
  app: Hono;
  ctx: RunRoutesContext;
  runs: InProcessRunManager;
  approvals: ApprovalsHub;
  sessions: FileSessionStore;
  /** A new session id. */
  session(): Promise<string>;
  /** `app.request` with JSON in and out. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; headers: Headers }>;
  walPath(runId: string): string;
  wal(runId: string): ReturnType<typeof readWal>;
  close(): Promise<void>;
}

export function tempWorkspace(prefix = "sr-serve-runs-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeOverlay(workspaceRoot: string, config: Record<string, unknown>): void {
  mkdirSync(join(workspaceRoot, "config"), { recursive: true });
  writeFileSync(join(workspaceRoot, "config", "runtime.yaml"), YAML.stringify(config));
}

export function runsApp(ctx: RunRoutesContext): Hono {
  const app = new Hono();
  app.onError(onError);
  app.route("/", runRoutes(ctx));
  app.route("/", approvalRoutes(ctx));
  app.route("/", humanRoutes(ctx));
  app.route("/", eventRoutes(ctx));
  return app;
}

export async function startRunsServer(options: RunsServerOptions = {}): Promise<RunsServer> {
  const workspaceRoot = options.workspaceRoot ?? tempWorkspace();
  writeOverlay(workspaceRoot, options.config ?? { safety: { mode: "allow" } });
  const loaded = loadConfig({ workspaceRoot, env: {}, dotenv: false });
  const sessions = new FileSessionStore({ workspaceRoot });
  const approvals = new ApprovalsHub();
  const runs = new InProcessRunManager({
    loaded,
    sessions,
    approvals,
    forceFakeBackend: !options.realBackend,
    ...(options.fakeScript ? { fakeScript: options.fakeScript } : {}),
    ...(options.humanTimeoutMs ? { humans: new HumanWaits({ timeoutMs: options.humanTimeoutMs }) } : {}),
    ...options.manager,
  });
  await runs.recover();
  const ctx: RunRoutesContext = {
    workspaceRoot,
    loaded,
    security: { host: "127.0.0.1", port: 8000, token: null },
    forceFakeBackend: !options.realBackend,
    sessions,
    runs,
    approvals,
    ...(options.sse ? { sse: options.sse } : {}),
  };
  const app = runsApp(ctx);
  return {
    workspaceRoot,
    app,
    ctx,
    runs,
    approvals,
    sessions,
    session: async () => (await sessions.create({})).session_id,
    async call(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === "string" ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)["content-type"] = "application/json";
      }
      const res = await app.request(`${BASE}${path}`, init);
      const text = await res.text();
      let json: unknown = text;
      try {
        json = text === "" ? null : JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: res.status, json, headers: res.headers };
    },
    walPath: (runId) => runs.walPath(runId),
    wal: (runId) => readWal(runs.walPath(runId)),
    async close() {
      await runs.shutdown({ keepPendingApprovals: false });
    },
  };
}

/** Poll until `predicate` holds (the run manager's state changes asynchronously). */
export async function until<T>(probe: () => T | Promise<T>, predicate: (value: T) => boolean, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (predicate(value)) return value;
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await Bun.sleep(10);
  }
}

/** Remove temp workspaces made by a test file. */
export function cleanup(dirs: string[]): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

// Fake LLM scripts ------------------------------------------------------------------------------

export const textReply = (text: string): FakeCall => ({ events: [{ type: "text_delta", text }, { type: "completed", finish_reason: "stop" }] });

export const toolReply = (callId: string, name: string, args: Record<string, unknown>): FakeCall => ({
  events: [
    { type: "tool_calls", tool_calls: [{ call_id: callId, name, raw_arguments: JSON.stringify(args) }] },
    { type: "completed", finish_reason: "tool_calls" },
  ],
});

/** ask_human(question), then the text "ok". */
export const askHumanScript = (question: string) => (): FakeCall[] => [toolReply("call_ask", "ask_human", { question }), textReply("ok")];

/** shell_exec(argv), then the text "never". */
export const shellScript = (argv: string[]) => (): FakeCall[] => [toolReply("call_sh", "shell_exec", { argv }), textReply("never")];

/**
 * A per-file factory of test servers: each call starts one with `defaults` overlaid by `options`;
 * every server started during a test is closed, and its workspace removed, after that test.
 */
export function runsServers(defaults: RunsServerOptions = {}): (options?: RunsServerOptions) => Promise<RunsServer> {
  const servers: RunsServer[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
    cleanup(dirs);
  });
  return async (options = {}) => {
    const s = await startRunsServer({ ...defaults, ...options });
    servers.push(s);
    dirs.push(s.workspaceRoot);
    return s;
  };
}
