/**
 * `skills-runtime tools <subcommand>` (spec 11.3): run one builtin tool directly, outside an agent
 * run, and print `{tool, result, stats}` as one JSON document. The exit code comes from
 * `result.error_kind` (spec 10.5: 20 validation, 21 permission, 22 not_found, 23 other,
 * 24 sandbox_denied, 25 timeout, 26 human_required, 27 cancelled); usage errors exit 2.
 *
 * The workspace config is applied (the reference only reports it), so `sandbox.default_policy`
 * and `tools.web_search` count. Writes and commands need `--yes`.
 */
import type { LoadedConfig } from "../../config/load.ts";
import type { ToolResultPayload } from "../../events/tool-result.ts";
import { createSandboxAdapter } from "../../sandbox/create.ts";
import { errorResult, type ToolServices } from "../../tools/registry.ts";
import { UsageError } from "../../util/errors.ts";
import { parseArgs, renderHelp, type FlagSpec } from "../args.ts";
import type { CliCommand, CliIO } from "../command.ts";
import { WORKSPACE_FLAGS, formatJson } from "../common.ts";
import { EXIT, toolExitCode } from "../exit-codes.ts";
import { bootstrapTools, dispatchTool, runtimeServerServices, toolServices, type ToolsStats } from "./tools-runtime.ts";
import { SERVER_TOOL_SUBCOMMANDS } from "./tools-server-subcommands.ts";
import { TOOL_SUBCOMMANDS as AVAILABLE, type ToolSubcommand } from "./tools-subcommands.ts";

/**
 * The OS sandbox for the tools CLI: the adapter the config selects (bubblewrap on Linux, seatbelt on
 * macOS), probed once per process. Without a usable one, a `restricted` call fails closed with
 * `sandbox_denied` (exit 24) naming why and how to fix it, and nothing runs.
 */
async function sandboxFor(loaded: LoadedConfig): Promise<Pick<ToolServices, "sandboxAdapter" | "sandboxUnavailable">> {
  const selection = await createSandboxAdapter(loaded.config, { workspaceRoot: loaded.workspaceRoot, pathEnv: loaded.env.PATH ?? "" });
  return { sandboxAdapter: selection.adapter, sandboxUnavailable: selection.unavailable };
}

/** Every subcommand: the one-shot tools, then those whose sessions / sub-agents live in the runtime server. */
export const TOOL_SUBCOMMANDS: readonly ToolSubcommand[] = [...AVAILABLE, ...SERVER_TOOL_SUBCOMMANDS];

const COMMON_FLAGS: readonly FlagSpec[] = [...WORKSPACE_FLAGS, { name: "pretty", type: "boolean", description: "Indent the JSON output (2 spaces)." }];

const EXIT_CODES =
  "Prints one JSON document {tool, result, stats}. Exit codes: 0 ok, 20 validation, 21 permission, 22 not_found,\n" +
  "23 other errors (e.g. a non-zero exit), 24 sandbox_denied, 25 timeout, 26 human_required (incl. a missing --yes),\n" +
  "27 cancelled, 2 usage error.";

function flagsOf(sub: ToolSubcommand): FlagSpec[] {
  return [...sub.flags, ...COMMON_FLAGS];
}

const RUNTIME_SERVER_NOTE =
  "Sessions and sub-agents live in the workspace's runtime server, started on demand (see `skills-runtime runtime --help`),\n" +
  "so later invocations can use their ids.\n";

function subHelp(sub: ToolSubcommand): string {
  return renderHelp({
    usage: `skills-runtime tools ${sub.name} ${sub.usage}`,
    summary: sub.summary,
    details: `${sub.runtimeServer ? RUNTIME_SERVER_NOTE : ""}Calls the builtin tool ${sub.tool}.${sub.needsYes ? " Needs --yes." : ""}\n${EXIT_CODES}`,
    flags: flagsOf(sub),
    examples: [sub.example],
  });
}

/** Flags whose value is the next argument (for finding where the command of `shell` starts). */
function takesValue(arg: string, flags: readonly FlagSpec[]): boolean {
  if (!arg.startsWith("--") || arg.includes("=")) return false;
  const spec = flags.find((f) => f.name === arg.slice(2));
  return spec !== undefined && spec.type !== "boolean";
}

/**
 * `tools shell [flags] [--] PROGRAM ARGS...`: like argparse's REMAINDER, everything from the first
 * non-flag argument (or after `--`) is the command, flags included.
 */
function splitShellArgv(argv: readonly string[], flags: readonly FlagSpec[]): { own: string[]; command: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return { own: argv.slice(0, i), command: argv.slice(i + 1) };
    if (!arg.startsWith("-") || arg === "-") return { own: argv.slice(0, i), command: argv.slice(i) };
    if (takesValue(arg, flags)) i++;
  }
  return { own: [...argv], command: [] };
}

function checkUsage(sub: ToolSubcommand, flags: Record<string, unknown>, positionals: string[]): void {
  const command = `skills-runtime tools ${sub.name}`;
  if (positionals.length > 0) throw new UsageError(`${command}: unexpected argument "${positionals[0]}". Run \`${command} --help\`.`);
  for (const name of sub.required ?? []) {
    if (flags[name] === undefined) throw new UsageError(`${command} needs --${name}. Run \`${command} --help\`.`);
  }
  if (sub.oneOf) {
    const given = sub.oneOf.filter((name) => flags[name] !== undefined);
    if (given.length !== 1) {
      const [a, b] = sub.oneOf;
      throw new UsageError(`${command} needs exactly one of --${a} or --${b} (got ${given.length === 0 ? "neither" : "both"}).`);
    }
  }
}

function missingYes(sub: ToolSubcommand): ToolResultPayload {
  if (sub.tool === "apply_patch") {
    return errorResult("human_required", "apply_patch is a write operation; require explicit --yes", { requires_approval: true });
  }
  return errorResult("human_required", "--yes is required for this operation", { tool: sub.tool });
}

async function runSub(sub: ToolSubcommand, argv: string[], io: CliIO): Promise<number> {
  const flags = flagsOf(sub);
  const { own, command } = sub.name === "shell" ? splitShellArgv(argv, flags) : { own: argv, command: [] };
  const args = parseArgs(own, flags, `skills-runtime tools ${sub.name}`);
  if (sub.name === "shell") args.rest = command;
  if (args.help) {
    io.stdout(subHelp(sub));
    return EXIT.ok;
  }
  checkUsage(sub, args.flags, sub.name === "shell" ? args.positionals : [...args.positionals, ...args.rest]);
  const pretty = args.flags.pretty === true;
  const print = (result: ToolResultPayload, stats: ToolsStats): number => {
    io.stdout(formatJson({ tool: sub.tool, result, stats }, pretty));
    return toolExitCode(result.ok ? null : (result.error_kind ?? "unknown"));
  };
  const boot = bootstrapTools(args, io);
  if (!boot.ok) return print(boot.failure, boot.stats);
  if (sub.needsYes && args.flags.yes !== true) return print(missingYes(sub), boot.stats);
  const { loaded } = boot;
  const built = await sub.build(args, { workspaceRoot: loaded.workspaceRoot, env: loaded.env, cwd: io.cwd });
  if ("error" in built) return print(built.error, boot.stats);
  const services = toolServices(loaded, io, {
    humanIO: built.humanIO ?? null,
    ...(await sandboxFor(loaded)),
    ...(sub.runtimeServer ? runtimeServerServices(loaded.workspaceRoot, io, built.childBackend ? { childBackend: built.childBackend } : {}) : {}),
  });
  const result = await dispatchTool(sub.tool, built.toolArgs, loaded.workspaceRoot, services, io.signal);
  return print(result, boot.stats);
}

export const toolsCommand: CliCommand = {
  name: "tools",
  passthrough: true,
  help: {
    usage: "skills-runtime tools <command> [flags]",
    summary: "Run one builtin tool directly, outside an agent run, and print its result as JSON (exit codes 20-27 by error kind).",
    details:
      `Run \`skills-runtime tools <command> --help\` for the flags of each command. Writes and commands need --yes.\n${EXIT_CODES}\n` +
      "The flags below are shared by every command.",
    subcommands: TOOL_SUBCOMMANDS.map((s) => ({ name: s.name, summary: s.summary })),
    flags: COMMON_FLAGS,
    examples: [
      "skills-runtime tools list-dir --dir-path . --depth 1",
      'skills-runtime tools read-file --file-path README.md --limit 40 --pretty',
      "skills-runtime tools shell --yes -- echo hi",
    ],
  },
  async run(args, io) {
    const [name, ...rest] = args.positionals;
    const sub = TOOL_SUBCOMMANDS.find((s) => s.name === name);
    if (!sub) {
      throw new UsageError(`skills-runtime tools: unknown command "${name ?? ""}". Commands: ${TOOL_SUBCOMMANDS.map((s) => s.name).join(", ")}.`);
    }
    return runSub(sub, rest, io);
  },
};
