/**
 * `RuntimeClient` (spec 8.5): finds the workspace's runtime server, starting it when needed, and
 * calls its methods.
 *
 * `ensureServer` reads `server.json`: missing -> start; invalid while the socket file exists ->
 * refuse (never clean up under a server that may be alive); valid with a live pid and a socket ->
 * `ping` (0.5 s): an answer reuses it, a refused/reset connection means it is stale (restart),
 * anything else (timeout, an error answer) means alive but unresponsive -> refuse. Starting
 * removes the old socket and `server.json`, spawns the daemon detached with a fresh secret and
 * waits (50 ms polls, `startTimeoutMs`) for a valid `server.json`; a timeout reports the end of
 * the server's stderr log. A start lock keeps two clients from starting two servers.
 *
 * Per-call timeouts: ping 0.5 s; `exec.write` / `collab.wait` max(5 s, wait + 1.5 s) (a wait
 * without timeout: none); anything else 5 s. An `ok: false` answer is a `RuntimeError` of the
 * server's kind (`internal` -> `unknown`).
 */
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from "node:fs";
import { spawnDetached } from "../sandbox/spawn.ts";
import { RuntimeError, describeError, type ErrorKind } from "../util/errors.ts";
import { WORKSPACE_ENV } from "./exec-host.ts";
import { runtimePaths, type RuntimePaths } from "./paths.ts";
import { isProcessAlive } from "./process-state.ts";
import { METHODS, ServerInfo, type MethodData, type MethodParams, type RuntimeMethod } from "./protocol.ts";
import { RpcTransportError, rpcCall } from "./rpc.ts";
import { selfCommand } from "./self-command.ts";

export const SECRET_ENV = "SKILLS_RUNTIME_SDK_RUNTIME_SECRET";
export const DEFAULT_START_TIMEOUT_MS = 2_000;
const PING_TIMEOUT_MS = 500;
const CALL_TIMEOUT_MS = 5_000;
/** Never passed to the daemon: they would turn the compiled binary into plain `bun`. */
const DAEMON_ENV_DROP = ["BUN_BE_BUN", "BUN_OPTIONS", SECRET_ENV, WORKSPACE_ENV];

export interface RuntimeClientOptions {
  /** The command that starts the daemon (default `selfCommand()`: `skills-runtime runtime daemon`). */
  serverCommand?: readonly string[];
  /** The environment the daemon starts with (the CLI passes its own); the secret and root are added. */
  env?: Readonly<Record<string, string>>;
  /** How long to wait for a started server's `server.json` (default 2000 ms). */
  startTimeoutMs?: number;
  /** For the long-path socket fallback (default `os.tmpdir()`). */
  tmpDir?: string;
}

export interface CallOptions {
  /** Override the per-call socket timeout (ms; Infinity: none). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

type Discovery = { state: "missing" } | { state: "invalid"; why: string } | { state: "valid"; info: ServerInfo };

function errorKindOf(kind: string): ErrorKind {
  return kind === "validation" || kind === "permission" || kind === "not_found" ? kind : "unknown";
}

/** The socket timeout of one call (spec 8.5). */
export function callTimeoutMs(method: RuntimeMethod, params: Record<string, unknown>): number {
  if (method === "ping") return PING_TIMEOUT_MS;
  if (method === "exec.write") return Math.max(CALL_TIMEOUT_MS, Number(params.yield_time_ms ?? 50) + 1_500);
  if (method === "collab.wait") {
    if (params.timeout_ms === undefined || params.timeout_ms === null) return Number.POSITIVE_INFINITY;
    return Math.max(CALL_TIMEOUT_MS, Number(params.timeout_ms) + 1_500);
  }
  return CALL_TIMEOUT_MS;
}

function tail(path: string, bytes: number): string {
  try {
    const text = readFileSync(path);
    return text.subarray(Math.max(0, text.length - bytes)).toString("utf8");
  } catch {
    return "";
  }
}

export class RuntimeClient {
  readonly paths: RuntimePaths;
  private readonly options: RuntimeClientOptions;

  constructor(workspaceRoot: string, options: RuntimeClientOptions = {}) {
    this.paths = runtimePaths(workspaceRoot, options.tmpDir ? { tmpDir: options.tmpDir } : {});
    this.options = options;
  }

  /** Call a method, starting the server when none runs. */
  async call<M extends RuntimeMethod>(method: M, params: MethodParams<M>, options: CallOptions = {}): Promise<MethodData<M>> {
    const info = await this.ensureServer();
    try {
      return await this.send(info, method, params, options);
    } catch (error) {
      // The server went away before it read the request: start one and send again (safe: never delivered).
      if (!(error instanceof RpcTransportError) || !["ECONNREFUSED", "ENOENT"].includes(error.code ?? "")) throw this.wrap(error, method);
      return this.send(await this.ensureServer(), method, params, options).catch((again) => {
        throw this.wrap(again, method);
      });
    }
  }

  /** Call a method of the server that runs now; null when none runs (never starts one). */
  async callIfRunning<M extends RuntimeMethod>(method: M, params: MethodParams<M>, options: CallOptions = {}): Promise<MethodData<M> | null> {
    const found = this.discover();
    if (found.state !== "valid" || !isProcessAlive(found.info.pid) || !existsSync(found.info.socket_path)) return null;
    try {
      return await this.send(found.info, method, params, options);
    } catch (error) {
      if (error instanceof RpcTransportError && error.failure === "unreachable") return null;
      throw this.wrap(error, method);
    }
  }

  /** The server to talk to: the running one if it answers, else a new one. */
  async ensureServer(): Promise<ServerInfo> {
    return (await this.reusable()) ?? (await this.startWithLock());
  }

  /** A running, answering server; null when none runs (stale); throws when one runs but must not be touched. */
  private async reusable(): Promise<ServerInfo | null> {
    const found = this.discover();
    if (found.state === "invalid") {
      if (existsSync(this.paths.socketPath)) {
        throw new RuntimeError(
          "unknown",
          `Cannot use the runtime server of "${this.paths.workspaceRoot}": discovery metadata invalid while socket still exists; refusing to cleanup ` +
            `(${found.why}). Stop the server or remove "${this.paths.serverJson}" and "${this.paths.socketPath}".`,
        );
      }
      return null;
    }
    if (found.state === "missing") return null;
    const { info } = found;
    if (!isProcessAlive(info.pid) || !existsSync(info.socket_path)) return null;
    try {
      await this.send(info, "ping", {}, {});
      return info;
    } catch (error) {
      if (error instanceof RpcTransportError && error.failure === "unreachable") return null;
      throw new RuntimeError(
        "unknown",
        `Cannot use the runtime server of "${this.paths.workspaceRoot}" (pid ${info.pid}): alive but unresponsive; refusing to cleanup (${describeError(error)})`,
      );
    }
  }

  private discover(): Discovery {
    let text: string;
    try {
      text = readFileSync(this.paths.serverJson, "utf8");
    } catch {
      return { state: "missing" };
    }
    try {
      const parsed = ServerInfo.safeParse(JSON.parse(text));
      return parsed.success ? { state: "valid", info: parsed.data } : { state: "invalid", why: "server.json misses pid, secret or socket_path" };
    } catch {
      return { state: "invalid", why: "server.json is not JSON" };
    }
  }

  private async startWithLock(): Promise<ServerInfo> {
    mkdirSync(this.paths.dir, { recursive: true, mode: 0o700 });
    const timeoutMs = this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const deadline = performance.now() + timeoutMs + 1_000;
    for (;;) {
      let fd: number;
      try {
        fd = openSync(this.paths.startLock, "wx", 0o600);
      } catch {
        // Someone else is starting it: use theirs once it answers; take over a stale lock.
        const theirs = await this.reusable();
        if (theirs) return theirs;
        const age = Date.now() - (statSync(this.paths.startLock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
        if (age > timeoutMs + 2_000) rmSync(this.paths.startLock, { force: true });
        else if (performance.now() > deadline) throw new RuntimeError("unknown", `Cannot start the runtime server: another client holds "${this.paths.startLock}"`);
        await Bun.sleep(50);
        continue;
      }
      closeSync(fd);
      try {
        return (await this.reusable()) ?? (await this.start(timeoutMs));
      } finally {
        rmSync(this.paths.startLock, { force: true });
      }
    }
  }

  private async start(timeoutMs: number): Promise<ServerInfo> {
    rmSync(this.paths.socketPath, { force: true });
    rmSync(this.paths.serverJson, { force: true });
    const secret = randomBytes(24).toString("base64url");
    const env: Record<string, string> = { ...(this.options.env ?? {}) };
    for (const name of DAEMON_ENV_DROP) delete env[name];
    env[SECRET_ENV] = secret;
    env[WORKSPACE_ENV] = this.paths.workspaceRoot;
    const command = this.options.serverCommand ?? selfCommand();
    let child;
    try {
      child = spawnDetached(command, { cwd: this.paths.workspaceRoot, env, stdoutPath: this.paths.stdoutLog, stderrPath: this.paths.stderrLog });
    } catch (error) {
      throw new RuntimeError("unknown", `Cannot start the runtime server "${command.join(" ")}": ${describeError(error)}`, { cause: error });
    }
    let exitCode: number | null | undefined;
    void child.exited.then((code) => (exitCode = code));
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline && exitCode === undefined) {
      const found = this.discover();
      if (found.state === "valid" && found.info.secret === secret && isProcessAlive(found.info.pid) && existsSync(found.info.socket_path)) return found.info;
      await Bun.sleep(50);
    }
    const why = exitCode === undefined ? `runtime server start timeout after ${timeoutMs} ms` : `the runtime server exited at start (code ${exitCode})`;
    if (exitCode === undefined) {
      try {
        process.kill(child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    const stderr = tail(this.paths.stderrLog, 2_000).trim();
    throw new RuntimeError("unknown", `Cannot start the runtime server: ${why}${stderr ? `. Its stderr ends with:\n${stderr}` : ""}`);
  }

  private async send<M extends RuntimeMethod>(info: ServerInfo, method: M, params: MethodParams<M>, options: CallOptions): Promise<MethodData<M>> {
    const timeoutMs = options.timeoutMs ?? callTimeoutMs(method, params as Record<string, unknown>);
    const response = await rpcCall(info.socket_path, { method, params: params as Record<string, unknown>, secret: info.secret }, { timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
    if (!response.ok) {
      throw new RuntimeError(errorKindOf(response.error_kind), response.error);
    }
    const data = METHODS[method].data.safeParse(response.data);
    if (!data.success) throw new RuntimeError("unknown", `The runtime server answered "${method}" with unexpected data: ${JSON.stringify(response.data).slice(0, 200)}`);
    return data.data as MethodData<M>;
  }

  private wrap(error: unknown, method: string): unknown {
    if (!(error instanceof RpcTransportError)) return error;
    const kind: ErrorKind = error.failure === "timeout" ? "timeout" : error.failure === "cancelled" ? "cancelled" : "unknown";
    return new RuntimeError(kind, `Runtime server call "${method}" failed: ${error.message}`, { cause: error });
  }
}
