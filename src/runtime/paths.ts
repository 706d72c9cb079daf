/**
 * Where the per-workspace runtime server keeps its files (spec 8.4):
 * `<ws>/.skills_runtime_sdk/runtime/` holds `runtime.sock`, `server.json` (pid, socket path and the
 * secret; mode 0600), `server.stdout.log`, `server.stderr.log` and `exec_registry.json`.
 *
 * A Unix socket path is limited to about 104 bytes: when the absolute socket path would be longer
 * than 90 characters, the socket lives in the system temp directory instead, named after the
 * workspace: `<tmp>/skills_runtime_sdk_<sha256(ws)[:16]>.sock`.
 */
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const MAX_SOCKET_PATH_CHARS = 90;

export interface RuntimePaths {
  workspaceRoot: string;
  dir: string;
  socketPath: string;
  serverJson: string;
  stdoutLog: string;
  stderrLog: string;
  execRegistry: string;
  /** The sibling the registry is written to before the atomic rename. */
  execRegistryTmp: string;
  /** Held while one client starts the server, so two clients do not start two. */
  startLock: string;
}

export interface RuntimePathsOptions {
  /** The system temp directory for the long-path socket fallback (default: `os.tmpdir()`). */
  tmpDir?: string;
}

export function runtimePaths(workspaceRoot: string, options: RuntimePathsOptions = {}): RuntimePaths {
  const ws = resolve(workspaceRoot);
  const dir = join(ws, ".skills_runtime_sdk", "runtime");
  let socketPath = join(dir, "runtime.sock");
  if (socketPath.length > MAX_SOCKET_PATH_CHARS) {
    const digest = createHash("sha256").update(ws).digest("hex").slice(0, 16);
    socketPath = join(options.tmpDir ?? tmpdir(), `skills_runtime_sdk_${digest}.sock`);
  }
  return {
    workspaceRoot: ws,
    dir,
    socketPath,
    serverJson: join(dir, "server.json"),
    stdoutLog: join(dir, "server.stdout.log"),
    stderrLog: join(dir, "server.stderr.log"),
    execRegistry: join(dir, "exec_registry.json"),
    execRegistryTmp: join(dir, "exec_registry.tmp"),
    startLock: join(dir, "server.start.lock"),
  };
}
