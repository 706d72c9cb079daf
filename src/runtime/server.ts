/**
 * The per-workspace runtime server (spec 8.4, 8.6): a daemon on a Unix socket that keeps PTY exec
 * sessions and sub-agents alive across CLI invocations, so `tools exec-command` in one process and
 * `tools write-stdin` in the next share session ids (and child ids).
 *
 * Transport: one request per connection. The server reads until the client half-closes, dropping
 * the connection silently when a read waits longer than `recvTimeoutMs` (1 s: a client that
 * connects and never sends cannot hold anyone up); more than 1 MiB is answered validation "request
 * too large". A wrong secret (compared in constant time) is permission "invalid secret"; an unknown
 * method or bad params are validation. Responses: `{ok: true, data}` or
 * `{ok: false, error_kind: validation|permission|not_found|internal, error}`.
 *
 * Start: orphans of a previous server are reaped (reaper.ts) before the socket accepts; the socket
 * is mode 0600 and `server.json` (with the secret) is written atomically with mode 0600. Exit on
 * `shutdown`, on `stop()` (the daemon command calls it on SIGTERM/SIGINT), or when idle: no live
 * session, no live child, no request for `idleExitMs` (10 s). On exit every session is closed,
 * every child cancelled, and the socket and `server.json` are removed.
 *
 * What children run is the caller's choice (`childRunner`); see src/cli/commands/runtime.ts.
 */
import { randomBytes, createHash, timingSafeEqual } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import type { ExecSessions } from "../tools/exec-sessions.ts";
import { RuntimeError, describeError, isRuntimeError } from "../util/errors.ts";
import { CollabHost, type HostedChildRunner } from "./collab-host.ts";
import { serveConnection } from "./connection.ts";
import { ExecHost } from "./exec-host.ts";
import { readExecRegistry, type RegistryFiles } from "./exec-registry.ts";
import { runtimePaths, type RuntimePaths } from "./paths.ts";
import { MAX_REQUEST_BYTES, METHODS, describeIssues, isRuntimeMethod, type OrphanCleanup, type RuntimeMethod, type RuntimeResponse, type ServerInfo } from "./protocol.ts";
import { reapOrphans } from "./reaper.ts";

export const DEFAULT_IDLE_EXIT_MS = 10_000;

export interface RuntimeServerOptions {
  workspaceRoot: string;
  secret: string;
  /** Where sessions run (the daemon passes the in-process PTY manager). */
  execSessions: ExecSessions;
  /** What a child agent runs (see collab-host.ts). */
  childRunner: HostedChildRunner;
  /** Environment of a session whose `exec.spawn` names none. Never include the server's secret. */
  sessionEnv: Record<string, string>;
  idleExitMs?: number;
  recvTimeoutMs?: number;
  maxRequestBytes?: number;
  /** For the long-path socket fallback (default `os.tmpdir()`). */
  tmpDir?: string;
  /** PATH for `ps` in the reaper where there is no /proc. */
  pathEnv?: string;
  log?: (line: string) => void;
}

type Handler = (params: any, signal: AbortSignal) => Promise<unknown>;

const fail = (kind: string, error: string): RuntimeResponse => ({ ok: false, error_kind: kind, error });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

export class RuntimeServer {
  readonly paths: RuntimePaths;
  private readonly files: RegistryFiles;
  private readonly exec: ExecHost;
  private readonly collab: CollabHost;
  private readonly handlers: Record<RuntimeMethod, Handler>;
  private readonly secretDigest: Buffer;
  private readonly createdAtMs = Date.now();
  private server: Server | null = null;
  private readonly connections = new Set<Socket>();
  private lastActivityMs = Date.now();
  private inFlight = 0;
  private idleTimer: ReturnType<typeof setInterval> | undefined;
  private lastCleanup: OrphanCleanup = { ok: true, killed: 0, skipped: 0, kept: 0, errors: [] };
  private stopping: Promise<void> | null = null;
  private readonly done = Promise.withResolvers<void>();
  /** Settles once the server has stopped and cleaned up. */
  readonly closed: Promise<void> = this.done.promise;

  constructor(private readonly options: RuntimeServerOptions) {
    this.paths = runtimePaths(options.workspaceRoot, options.tmpDir ? { tmpDir: options.tmpDir } : {});
    this.files = { path: this.paths.execRegistry, tmpPath: this.paths.execRegistryTmp, workspaceRoot: this.paths.workspaceRoot };
    this.secretDigest = digest(options.secret);
    this.exec = new ExecHost({
      workspaceRoot: this.paths.workspaceRoot,
      sessions: options.execSessions,
      registry: this.files,
      marker: randomBytes(8).toString("hex"),
      defaultEnv: options.sessionEnv,
    });
    this.collab = new CollabHost(options.childRunner);
    this.handlers = {
      ping: async () => ({ pong: true }),
      shutdown: async () => {
        setTimeout(() => void this.stop("shutdown requested"), 0);
        return { ok: true };
      },
      "runtime.status": async () => this.status(),
      "runtime.cleanup": async (p) => ({
        ok: true,
        exec: p.exec,
        children: p.children,
        closed_exec_sessions: p.exec ? await this.exec.closeAll() : 0,
        cancelled_children: p.children ? await this.collab.cleanup() : 0,
      }),
      "exec.spawn": (p) => this.exec.spawn(p),
      "exec.write": (p) => this.exec.write(p),
      "exec.close": (p) => this.exec.close(p),
      "exec.close_all": async () => (await this.exec.closeAll(), { ok: true }),
      "collab.spawn": (p) => this.collab.spawn(p),
      "collab.wait": (p, signal) => this.collab.wait(p, signal),
      "collab.send_input": (p) => this.collab.sendInput(p),
      "collab.close": (p) => this.collab.close(p),
      "collab.resume": (p) => this.collab.resume(p),
    };
  }

  /** Reap orphans, listen, publish `server.json`. */
  async start(): Promise<ServerInfo> {
    mkdirSync(this.paths.dir, { recursive: true, mode: 0o700 });
    this.lastCleanup = await reapOrphans(this.files, this.options.pathEnv ? { pathEnv: this.options.pathEnv } : {});
    if (this.lastCleanup.killed > 0 || !this.lastCleanup.ok) this.log(`orphan cleanup: ${JSON.stringify(this.lastCleanup)}`);
    await this.claimSocketPath();
    const server = createServer({ allowHalfOpen: true }, (socket) => this.onConnection(socket));
    const previousUmask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(this.paths.socketPath, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } finally {
      process.umask(previousUmask);
    }
    chmodSync(this.paths.socketPath, 0o600);
    server.on("error", (error) => this.log(`socket error: ${describeError(error)}`));
    this.server = server;
    const info: ServerInfo = {
      pid: process.pid,
      socket_path: this.paths.socketPath,
      secret: this.options.secret,
      created_at_ms: this.createdAtMs,
      workspace_root: this.paths.workspaceRoot,
    };
    const tmp = `${this.paths.serverJson}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(info)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.paths.serverJson);
    const idleMs = this.options.idleExitMs ?? DEFAULT_IDLE_EXIT_MS;
    this.lastActivityMs = Date.now();
    this.idleTimer = setInterval(() => this.checkIdle(idleMs), Math.max(50, Math.min(1000, idleMs / 4)));
    this.log(`listening on ${this.paths.socketPath} (pid ${process.pid})`);
    return info;
  }

  /** Stop accepting, close every session, cancel every child, remove the socket and server.json. */
  stop(reason: string): Promise<void> {
    this.stopping ??= this.cleanup(reason).then(this.done.resolve, (error) => {
      this.log(`error while stopping: ${describeError(error)}`);
      this.done.resolve();
    });
    return this.stopping;
  }

  private async cleanup(reason: string): Promise<void> {
    this.log(`stopping: ${reason}`);
    clearInterval(this.idleTimer);
    this.server?.close();
    await this.collab.closeAll().catch((error) => this.log(`cannot cancel children: ${describeError(error)}`));
    await this.exec.closeAll().catch((error) => this.log(`cannot close exec sessions: ${describeError(error)}`));
    rmSync(this.paths.socketPath, { force: true });
    if (this.serverJsonIsOurs()) rmSync(this.paths.serverJson, { force: true });
    // Let answers in flight (the shutdown reply) flush, then drop what is left.
    await Bun.sleep(50);
    for (const socket of this.connections) socket.destroy();
  }

  private serverJsonIsOurs(): boolean {
    try {
      return (JSON.parse(readFileSync(this.paths.serverJson, "utf8")) as { pid?: unknown }).pid === process.pid;
    } catch {
      return false;
    }
  }

  /** Refuse to take over a socket another live server answers on; remove a stale one. */
  private async claimSocketPath(): Promise<void> {
    const live = await new Promise<boolean>((resolve) => {
      const probe = createConnection({ path: this.paths.socketPath });
      probe.once("connect", () => (probe.destroy(), resolve(true)));
      probe.once("error", () => resolve(false));
    });
    if (live) throw new RuntimeError("permission", `Cannot start the runtime server: another server is listening on "${this.paths.socketPath}"`);
    rmSync(this.paths.socketPath, { force: true });
  }

  private status() {
    return {
      ok: true as const,
      pid: process.pid,
      created_at_ms: this.createdAtMs,
      uptime_ms: Date.now() - this.createdAtMs,
      workspace_root: this.paths.workspaceRoot,
      active_exec_sessions: this.exec.liveCount(),
      active_children: this.collab.liveCount(),
      exec_registry: {
        path: this.paths.execRegistry,
        count: Object.keys(readExecRegistry(this.files).exec_sessions).length,
        last_orphan_cleanup: this.lastCleanup,
      },
    };
  }

  private checkIdle(idleMs: number): void {
    if (this.stopping || this.inFlight > 0) return;
    if (Date.now() - this.lastActivityMs <= idleMs) return;
    if (this.exec.liveCount() > 0 || this.collab.liveCount() > 0) return;
    void this.stop(`idle for ${idleMs} ms`);
  }

  private onConnection(socket: Socket): void {
    this.lastActivityMs = Date.now();
    this.connections.add(socket);
    socket.on("close", () => this.connections.delete(socket));
    const maxBytes = this.options.maxRequestBytes ?? MAX_REQUEST_BYTES;
    serveConnection(socket, {
      maxBytes,
      recvTimeoutMs: this.options.recvTimeoutMs ?? 1000,
      tooLarge: () => JSON.stringify(fail("validation", `request too large (more than ${maxBytes} bytes)`)),
      answer: async (raw, signal) => {
        this.inFlight += 1;
        try {
          return JSON.stringify(await this.handle(raw, signal));
        } finally {
          this.inFlight -= 1;
          this.lastActivityMs = Date.now();
        }
      },
    });
  }

  private async handle(raw: Buffer, signal: AbortSignal): Promise<RuntimeResponse> {
    if (raw.length === 0) return fail("validation", "empty request");
    let request: unknown;
    try {
      request = JSON.parse(raw.toString("utf8"));
    } catch {
      return fail("validation", "request is not valid JSON");
    }
    if (!isObject(request)) return fail("validation", "request must be a JSON object");
    const secret = typeof request.secret === "string" ? request.secret : "";
    if (!timingSafeEqual(digest(secret), this.secretDigest)) return fail("permission", "invalid secret");
    const params = request.params ?? {};
    if (!isObject(params)) return fail("validation", "params must be a JSON object");
    const method = request.method;
    if (typeof method !== "string" || !isRuntimeMethod(method)) return fail("validation", `unknown method: ${JSON.stringify(method)}`);
    const parsed = METHODS[method].params.safeParse(params);
    if (!parsed.success) return fail("validation", `invalid params for ${method}: ${describeIssues(parsed.error)}`);
    try {
      return { ok: true, data: await this.handlers[method](parsed.data, signal) };
    } catch (error) {
      if (isRuntimeError(error) && ["validation", "permission", "not_found"].includes(error.kind)) return fail(error.kind, error.message);
      if (isRuntimeError(error) && error.kind === "usage") return fail("validation", error.message);
      this.log(`${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fail("internal", describeError(error));
    }
  }

  private log(line: string): void {
    this.options.log?.(`${new Date().toISOString()} runtime-server: ${line}`);
  }
}
