/**
 * PTY exec sessions kept by the workspace's runtime server (spec 8.2), behind the same
 * `ExecSessions` interface as the in-process manager: the tools CLI uses it so that a session
 * started by `tools exec-command` in one process is written to by `tools write-stdin` in the next.
 */
import type { ExecSessions, ExecSpawnRequest, ExecSpawnResult, ExecWriteRequest, ExecWriteResult } from "../tools/exec-sessions.ts";
import { RuntimeError, isRuntimeError } from "../util/errors.ts";
import type { RuntimeClient } from "./client.ts";

export class PersistentExecSessions implements ExecSessions {
  readonly kind = "runtime_server";

  constructor(private readonly client: RuntimeClient) {}

  async spawn(request: ExecSpawnRequest): Promise<ExecSpawnResult> {
    const data = await this.client.call("exec.spawn", { argv: request.argv, cwd: request.cwd, env: request.env, tty: true });
    return { sessionId: data.session_id, createdAtMs: data.created_at_ms, pid: data.pid };
  }

  async write(request: ExecWriteRequest): Promise<ExecWriteResult> {
    try {
      const data = await this.client.call("exec.write", {
        session_id: request.sessionId,
        chars: request.chars,
        yield_time_ms: request.yieldTimeMs,
        max_output_bytes: request.maxOutputBytes,
      });
      return { stdout: data.stdout, stderr: data.stderr, exitCode: data.exit_code, running: data.running, truncated: data.truncated };
    } catch (error) {
      if (isRuntimeError(error) && error.message.includes("session not found")) {
        throw new RuntimeError(
          "not_found",
          `Cannot write to exec session ${request.sessionId}: session not found (it exited and was already read, was closed, ` +
            "or the runtime server restarted, which ends every session)",
          { details: { session_id: request.sessionId }, cause: error },
        );
      }
      throw error;
    }
  }

  /** Unknown ids and server errors are ignored (spec 8.2: close never fails). */
  async close(sessionId: number): Promise<void> {
    await this.client.call("exec.close", { session_id: sessionId }).catch(() => {});
  }

  async closeAll(): Promise<void> {
    await this.client.call("exec.close_all", {});
  }
}
