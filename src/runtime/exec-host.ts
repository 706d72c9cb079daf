/**
 * The runtime server's exec methods (spec 8.4 `exec.*`): PTY sessions kept by an `ExecSessions`
 * (in the daemon, the in-process PTY manager), plus what makes them safe to keep in a daemon:
 *
 * - `cwd` must resolve inside the workspace (symlinks followed), else permission
 *   "cwd escapes workspace_root";
 * - every session's environment carries this server start's marker
 *   (`SKILLS_RUNTIME_SDK_RUNTIME_EXEC_SESSION_MARKER`) and the workspace root, and the session is
 *   recorded in `exec_registry.json` until it exits or is closed, so a later server can reap it if
 *   this one dies (reaper.ts);
 * - session ids are this server's: an id from before a restart is not found.
 */
import { realpathSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { ExecSessions } from "../tools/exec-sessions.ts";
import { RuntimeError } from "../util/errors.ts";
import { updateExecRegistry, type RegistryFiles } from "./exec-registry.ts";
import { isProcessAlive } from "./process-state.ts";
import type { MethodData, ParsedParams } from "./protocol.ts";
import { MARKER_ENV } from "./reaper.ts";

export const WORKSPACE_ENV = "SKILLS_RUNTIME_SDK_RUNTIME_WORKSPACE_ROOT";

interface HostedSession {
  pid: number;
  /** Unregistered once its process is gone (it stays readable until a write reports the exit). */
  registered: boolean;
}

export interface ExecHostOptions {
  workspaceRoot: string;
  sessions: ExecSessions;
  registry: RegistryFiles;
  /** This server start's 16-hex marker. */
  marker: string;
  /** The environment of a session whose request names none (never the server's own). */
  defaultEnv: Record<string, string>;
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

export class ExecHost {
  private readonly hosted = new Map<number, HostedSession>();
  private readonly realRoot: string;

  constructor(private readonly options: ExecHostOptions) {
    this.realRoot = realOrSelf(options.workspaceRoot);
  }

  async spawn(params: ParsedParams<"exec.spawn">): Promise<MethodData<"exec.spawn">> {
    const cwd = resolve(this.options.workspaceRoot, params.cwd);
    if (!inside(this.options.workspaceRoot, cwd) || !inside(this.realRoot, realOrSelf(cwd))) {
      throw new RuntimeError("permission", "cwd escapes workspace_root", { details: { cwd: params.cwd } });
    }
    const env = {
      ...(params.env ?? this.options.defaultEnv),
      [MARKER_ENV]: this.options.marker,
      [WORKSPACE_ENV]: this.options.workspaceRoot,
    };
    const started = await this.options.sessions.spawn({ argv: params.argv, cwd, env });
    this.hosted.set(started.sessionId, { pid: started.pid, registered: true });
    updateExecRegistry(this.options.registry, (registry) => {
      registry.exec_sessions[String(started.sessionId)] = {
        pid: started.pid,
        pgid: started.pid,
        created_at_ms: started.createdAtMs,
        argv: params.argv,
        cwd,
        marker: this.options.marker,
      };
    });
    return { session_id: started.sessionId, created_at_ms: started.createdAtMs, pid: started.pid };
  }

  async write(params: ParsedParams<"exec.write">): Promise<MethodData<"exec.write">> {
    if (!this.hosted.has(params.session_id)) throw new RuntimeError("not_found", "session not found");
    const result = await this.options.sessions.write({
      sessionId: params.session_id,
      chars: params.chars,
      yieldTimeMs: params.yield_time_ms,
      maxOutputBytes: params.max_output_bytes,
    });
    if (!result.running) this.forget(params.session_id);
    return { stdout: result.stdout, stderr: result.stderr, exit_code: result.exitCode, running: result.running, truncated: result.truncated };
  }

  async close(params: ParsedParams<"exec.close">): Promise<MethodData<"exec.close">> {
    const found = this.hosted.has(params.session_id);
    if (found) {
      await this.options.sessions.close(params.session_id);
      this.forget(params.session_id);
    }
    return { ok: true, session_id: params.session_id, found };
  }

  /** Close every session; returns how many there were. */
  async closeAll(): Promise<number> {
    const count = this.hosted.size;
    await this.options.sessions.closeAll();
    for (const id of [...this.hosted.keys()]) this.forget(id);
    return count;
  }

  /** Sessions whose process is still running; exited ones leave the registry here. */
  liveCount(): number {
    let live = 0;
    const gone: number[] = [];
    for (const [id, session] of this.hosted) {
      if (isProcessAlive(session.pid)) live += 1;
      else if (session.registered) gone.push(id);
    }
    if (gone.length > 0) {
      for (const id of gone) this.hosted.get(id)!.registered = false;
      this.unregister(gone);
    }
    return live;
  }

  private forget(sessionId: number): void {
    const session = this.hosted.get(sessionId);
    this.hosted.delete(sessionId);
    if (session?.registered) this.unregister([sessionId]);
  }

  private unregister(ids: readonly number[]): void {
    updateExecRegistry(this.options.registry, (registry) => {
      for (const id of ids) delete registry.exec_sessions[String(id)];
    });
  }
}
