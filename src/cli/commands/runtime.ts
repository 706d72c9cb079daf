/**
 * `skills-runtime runtime`: the workspace's runtime server (spec 8.4), the daemon that keeps PTY
 * sessions and sub-agents of `skills-runtime tools` alive between invocations. Clients start it on
 * demand; these commands look at it and stop it:
 *
 * - `status`  prints the running server's `runtime.status` as JSON (exit 0), or says none runs (exit 1);
 * - `stop`    asks it to shut down and waits for it to exit;
 * - `cleanup` closes every session and cancels every child of the running server; with none
 *             running, reaps the orphans a crashed server left in `exec_registry.json`;
 * - `daemon`  (internal, what the client spawns) runs the server in the foreground.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { childBaseEnv } from "../../config/env.ts";
import { loadConfig } from "../../config/load.ts";
import { RuntimeClient, SECRET_ENV } from "../../runtime/client.ts";
import type { HostedChildRunner } from "../../runtime/collab-host.ts";
import { WORKSPACE_ENV } from "../../runtime/exec-host.ts";
import { isProcessAlive } from "../../runtime/process-state.ts";
import { reapOrphans } from "../../runtime/reaper.ts";
import { DEFAULT_IDLE_EXIT_MS, RuntimeServer } from "../../runtime/server.ts";
import { builtinChildRunner } from "../../tools/collab-builtin-runner.ts";
import { InProcessExecSessions } from "../../tools/pty-sessions.ts";
import { describeError, UsageError } from "../../util/errors.ts";
import { parseArgs, renderHelp, type FlagSpec, type ParsedArgs } from "../args.ts";
import type { CliCommand, CliIO } from "../command.ts";
import { formatJson, workspaceRootFlag } from "../common.ts";
import { EXIT } from "../exit-codes.ts";
import { daemonChildRunner } from "../runtime-children.ts";

const ROOT: FlagSpec = { name: "workspace-root", type: "string", value: "DIR", default: ".", description: "Workspace whose runtime server to use." };
const PRETTY: FlagSpec = { name: "pretty", type: "boolean", description: "Indent the JSON output (2 spaces)." };

interface Sub {
  name: string;
  summary: string;
  flags: FlagSpec[];
  example: string;
  details?: string;
  run: (args: ParsedArgs, io: CliIO) => Promise<number>;
}

function client(args: ParsedArgs, io: CliIO): RuntimeClient {
  return new RuntimeClient(workspaceRootFlag(args, io), { env: io.env });
}

async function status(args: ParsedArgs, io: CliIO): Promise<number> {
  const runtime = client(args, io);
  const data = await runtime.callIfRunning("runtime.status", {});
  if (!data) {
    io.stderr(`No runtime server is running for workspace "${runtime.paths.workspaceRoot}".\n`);
    return EXIT.failure;
  }
  io.stdout(formatJson(data, args.flags.pretty === true));
  return EXIT.ok;
}

async function stop(args: ParsedArgs, io: CliIO): Promise<number> {
  const runtime = client(args, io);
  const before = await runtime.callIfRunning("runtime.status", {});
  if (!before) {
    io.stderr(`No runtime server is running for workspace "${runtime.paths.workspaceRoot}".\n`);
    return EXIT.ok;
  }
  await runtime.callIfRunning("shutdown", {});
  const deadline = performance.now() + 5_000;
  while (isProcessAlive(before.pid) && performance.now() < deadline) await Bun.sleep(25);
  if (isProcessAlive(before.pid)) {
    io.stderr(`The runtime server (pid ${before.pid}) was asked to stop but is still running after 5 s.\n`);
    return EXIT.failure;
  }
  io.stderr(`Stopped the runtime server (pid ${before.pid}).\n`);
  return EXIT.ok;
}

async function cleanup(args: ParsedArgs, io: CliIO): Promise<number> {
  const runtime = client(args, io);
  const params = { exec: args.flags.exec !== false, children: args.flags.children !== false };
  const data = await runtime.callIfRunning("runtime.cleanup", params);
  if (data) {
    io.stdout(formatJson({ server: "running", ...data }, args.flags.pretty === true));
    return EXIT.ok;
  }
  const { paths } = runtime;
  const orphans = await reapOrphans(
    { path: paths.execRegistry, tmpPath: paths.execRegistryTmp, workspaceRoot: paths.workspaceRoot },
    io.env.PATH ? { pathEnv: io.env.PATH } : {},
  );
  rmSync(paths.socketPath, { force: true });
  rmSync(paths.serverJson, { force: true });
  io.stdout(formatJson({ server: "not_running", ok: orphans.ok, orphan_cleanup: orphans }, args.flags.pretty === true));
  return orphans.ok ? EXIT.ok : EXIT.failure;
}

/** The children of the daemon: child Agent runs over the workspace config (see runtime-children.ts). */
function childRunner(workspaceRoot: string, env: Record<string, string>, io: CliIO): HostedChildRunner {
  try {
    return daemonChildRunner(loadConfig({ workspaceRoot, configPaths: [], dotenv: true, env }));
  } catch (error) {
    const why = describeError(error);
    io.stderr(`runtime-server: sub-agents are unavailable: ${why}\n`);
    return async () => {
      throw new Error(`Cannot run the sub-agent: the workspace config does not load (${why})`);
    };
  }
}

async function daemon(args: ParsedArgs, io: CliIO): Promise<number> {
  const workspaceRoot = io.env[WORKSPACE_ENV]?.trim() || io.cwd;
  const secret = io.env[SECRET_ENV]?.trim() || randomBytes(24).toString("base64url");
  const env = { ...io.env };
  delete env[SECRET_ENV];
  delete env[WORKSPACE_ENV];
  const server = new RuntimeServer({
    workspaceRoot,
    secret,
    execSessions: new InProcessExecSessions(),
    childRunner: args.flags.children === "builtin" ? builtinChildRunner : childRunner(workspaceRoot, env, io),
    sessionEnv: childBaseEnv(env),
    idleExitMs: Number(args.flags["idle-exit-ms"] ?? DEFAULT_IDLE_EXIT_MS),
    ...(env.PATH ? { pathEnv: env.PATH } : {}),
    log: (line) => io.stderr(`${line}\n`),
  });
  await server.start();
  const onSignal = () => void server.stop("signal received");
  if (io.signal.aborted) onSignal();
  else io.signal.addEventListener("abort", onSignal, { once: true });
  await server.closed;
  return EXIT.ok;
}

const SUBS: readonly Sub[] = [
  { name: "status", summary: "Print the running server's status as JSON (exit 1 when none runs; never starts one).", flags: [ROOT, PRETTY], example: "skills-runtime runtime status --pretty", run: status },
  { name: "stop", summary: "Stop the running server: sessions are closed and sub-agents cancelled.", flags: [ROOT], example: "skills-runtime runtime stop", run: stop },
  {
    name: "cleanup",
    summary: "Close every session and cancel every sub-agent; with no server running, kill the orphans a crashed one left.",
    flags: [
      ROOT,
      { name: "exec", type: "boolean", description: "Close the exec sessions (default; --no-exec keeps them)." },
      { name: "children", type: "boolean", description: "Cancel and forget the sub-agents (default; --no-children keeps them)." },
      PRETTY,
    ],
    example: "skills-runtime runtime cleanup --no-children",
    run: cleanup,
  },
  {
    name: "daemon",
    summary: "Run the runtime server in the foreground (internal: clients start it on demand).",
    details:
      `Reads the workspace from ${WORKSPACE_ENV} (default: the current directory) and the secret from ${SECRET_ENV}\n` +
      "(default: a random one). Exits when idle, on `runtime stop`, or on SIGTERM/SIGINT.",
    flags: [
      { name: "idle-exit-ms", type: "int", description: "Exit after this long without requests, live sessions or live sub-agents.", default: DEFAULT_IDLE_EXIT_MS },
      {
        name: "children",
        type: "string",
        value: "KIND",
        choices: ["agent", "builtin"],
        default: "agent",
        description: "What sub-agents run: child Agent runs, or the reference's LLM-free runner (`wait_input:` waits for send_input, else echo).",
      },
    ],
    example: "skills-runtime runtime daemon",
    run: daemon,
  },
];

/** `daemon` is internal: not listed in the summary, but `runtime daemon --help` answers. */
const LISTED = SUBS.filter((s) => s.name !== "daemon");

export const runtimeCommand: CliCommand = {
  name: "runtime",
  passthrough: true,
  help: {
    usage: "skills-runtime runtime <command> [flags]",
    summary: "Inspect, clean up or stop the workspace's runtime server (the daemon behind exec sessions and sub-agents of `tools`).",
    details:
      "`skills-runtime tools exec-command` / `spawn-agent` & co. start the server on demand; it keeps their sessions and\n" +
      "sub-agents between invocations and exits by itself after 10 s without work. Run `skills-runtime runtime <command> --help`\n" +
      "for the flags of each command.",
    subcommands: LISTED.map((s) => ({ name: s.name, summary: s.summary })),
    flags: [],
    examples: LISTED.map((s) => s.example),
  },
  async run(args, io) {
    const [name, ...rest] = args.positionals;
    const sub = SUBS.find((s) => s.name === name);
    if (!sub) {
      throw new UsageError(`skills-runtime runtime: unknown command "${name ?? ""}". Commands: ${LISTED.map((s) => s.name).join(", ")}.`);
    }
    const parsed = parseArgs(rest, sub.flags, `skills-runtime runtime ${sub.name}`);
    if (parsed.help) {
      io.stdout(renderHelp({ usage: `skills-runtime runtime ${sub.name} [flags]`, summary: sub.summary, ...(sub.details ? { details: sub.details } : {}), flags: sub.flags, examples: [sub.example] }));
      return EXIT.ok;
    }
    if (parsed.positionals.length > 0) throw new UsageError(`skills-runtime runtime ${sub.name}: unexpected argument "${parsed.positionals[0]}".`);
    return sub.run(parsed, io);
  },
};
