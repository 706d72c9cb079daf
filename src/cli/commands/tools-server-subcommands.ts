/**
 * The `tools` subcommands whose tools keep state between calls (spec 11.3): PTY exec sessions
 * (`exec-command`, `write-stdin`) and sub-agents (`spawn-agent`, `wait`, `send-input`,
 * `close-agent`, `resume-agent`). Their tools run against the workspace's runtime server
 * (src/runtime/), started on demand, so separate invocations share session ids and child ids.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { errorResult } from "../../tools/registry.ts";
import { YES, bool, int, pick, str, type ToolSubcommand } from "./tools-subcommands.ts";

const ID = str("id", "ID", "The sub-agent id (32 hex characters, from spawn-agent) (required).");

export const SERVER_TOOL_SUBCOMMANDS: readonly ToolSubcommand[] = [
  {
    name: "exec-command",
    tool: "exec_command",
    summary: "Start a command in a PTY session kept by the runtime server (exec_command; needs --yes).",
    usage: '--cmd "CMD" --yes [flags]',
    flags: [
      YES,
      str("cmd", "CMD", "The command line, run by /bin/sh in a terminal (required)."),
      str("workdir", "DIR", "Working directory, relative to the workspace root."),
      int("yield-time-ms", "How long to wait for output before answering.", { default: 50 }),
      int("max-output-tokens", "Cap on the returned output (tokens x 4 bytes, the end is kept)."),
      bool("tty", "Allocate a terminal (the tool's default is already true)."),
      str("sandbox", "POLICY", '"inherit" or "restricted".'),
      str("sandbox-permissions", "PERM", "Passed to the tool as sandbox_permissions."),
    ],
    required: ["cmd"],
    needsYes: true,
    runtimeServer: true,
    example: 'skills-runtime tools exec-command --cmd "python3 -i" --yield-time-ms 500 --yes',
    build: async (args) => ({
      toolArgs: {
        cmd: args.flags.cmd,
        ...pick(args, { workdir: "workdir", "yield-time-ms": "yield_time_ms", "max-output-tokens": "max_output_tokens", sandbox: "sandbox", "sandbox-permissions": "sandbox_permissions" }),
        ...(args.flags.tty === true ? { tty: true } : {}),
      },
    }),
  },
  {
    name: "write-stdin",
    tool: "write_stdin",
    summary: "Write to a PTY session of the runtime server and read its output (write_stdin; needs --yes).",
    usage: "--session-id N --yes [flags]",
    flags: [
      YES,
      int("session-id", "The session, from exec-command (required)."),
      str("chars", "TEXT", "Characters to type, as given (no escapes: use $'...\\r' in bash for Enter). None: only read."),
      int("yield-time-ms", "How long to wait for output before answering.", { default: 50 }),
      int("max-output-tokens", "Cap on the returned output (tokens x 4 bytes, the end is kept)."),
    ],
    required: ["session-id"],
    needsYes: true,
    runtimeServer: true,
    example: "skills-runtime tools write-stdin --session-id 1 --chars $'print(1)\\r' --yield-time-ms 500 --yes",
    build: async (args) => ({
      toolArgs: pick(args, { "session-id": "session_id", chars: "chars", "yield-time-ms": "yield_time_ms", "max-output-tokens": "max_output_tokens" }),
    }),
  },
  {
    name: "spawn-agent",
    tool: "spawn_agent",
    summary: "Start a sub-agent kept by the runtime server (spawn_agent; needs --yes).",
    usage: '--message "TEXT" --yes [flags]',
    flags: [
      YES,
      str("message", "TEXT", "The sub-agent's task (required)."),
      str("agent-type", "TYPE", "Accepted for compatibility; the runtime chooses the child profile."),
      str("backend", "KIND", "The sub-agent's LLM backend. Default: the configured endpoint when its API key is set, else a local server.", { choices: ["fake", "openai"] }),
      str("fake-script", "FILE", "Scripted replies for the sub-agent's fake backend (JSON or YAML); implies --backend fake."),
    ],
    required: ["message"],
    needsYes: true,
    runtimeServer: true,
    example: 'skills-runtime tools spawn-agent --message "Review src/cli" --backend fake --fake-script child.yaml --yes',
    build: async (args, ctx) => {
      let fakeScript: string | null = null;
      if (typeof args.flags["fake-script"] === "string") {
        const path = resolve(ctx.cwd, args.flags["fake-script"]);
        try {
          fakeScript = readFileSync(path, "utf8");
        } catch (error) {
          return { error: errorResult("not_found", `Cannot read fake script "${args.flags["fake-script"]}": ${(error as Error).message}`, { path }) };
        }
      }
      const backend = fakeScript !== null ? "fake" : ((args.flags.backend as "fake" | "openai" | undefined) ?? null);
      return { toolArgs: pick(args, { message: "message", "agent-type": "agent_type" }), childBackend: { backend, fakeScript } };
    },
  },
  {
    name: "wait",
    tool: "wait",
    summary: "Wait for sub-agents of the runtime server to finish and report them (wait).",
    usage: "--ids ID[,ID...] [flags]",
    flags: [str("ids", "IDS", "Comma-separated sub-agent ids (required)."), int("timeout-ms", "How long to wait (default: until all are done).")],
    required: ["ids"],
    runtimeServer: true,
    example: "skills-runtime tools wait --ids 3f2a9c0d5e6b47a8b9c0d1e2f3a4b5c6 --timeout-ms 30000",
    build: async (args) => ({
      toolArgs: {
        ids: String(args.flags.ids)
          .split(",")
          .map((id) => id.trim())
          .filter((id) => id !== ""),
        ...pick(args, { "timeout-ms": "timeout_ms" }),
      },
    }),
  },
  {
    name: "send-input",
    tool: "send_input",
    summary: "Send a message to a sub-agent, e.g. the answer it waits for (send_input; needs --yes).",
    usage: '--id ID --message "TEXT" --yes [flags]',
    flags: [YES, ID, str("message", "TEXT", "The message (required)."), bool("interrupt", "Accepted for compatibility; ignored.")],
    required: ["id", "message"],
    needsYes: true,
    runtimeServer: true,
    example: 'skills-runtime tools send-input --id 3f2a9c0d5e6b47a8b9c0d1e2f3a4b5c6 --message "Use staging" --yes',
    build: async (args) => ({ toolArgs: { ...pick(args, { id: "id", message: "message" }), ...(args.flags.interrupt === true ? { interrupt: true } : {}) } }),
  },
  {
    name: "close-agent",
    tool: "close_agent",
    summary: "Close (cancel) a sub-agent (close_agent; needs --yes).",
    usage: "--id ID --yes [flags]",
    flags: [YES, ID],
    required: ["id"],
    needsYes: true,
    runtimeServer: true,
    example: "skills-runtime tools close-agent --id 3f2a9c0d5e6b47a8b9c0d1e2f3a4b5c6 --yes",
    build: async (args) => ({ toolArgs: { id: args.flags.id } }),
  },
  {
    name: "resume-agent",
    tool: "resume_agent",
    summary: "Report a sub-agent again; a cancelled one cannot be resumed (resume_agent; needs --yes).",
    usage: "--id ID --yes [flags]",
    flags: [YES, ID],
    required: ["id"],
    needsYes: true,
    runtimeServer: true,
    example: "skills-runtime tools resume-agent --id 3f2a9c0d5e6b47a8b9c0d1e2f3a4b5c6 --yes",
    build: async (args) => ({ toolArgs: { id: args.flags.id } }),
  },
];
