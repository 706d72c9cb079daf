/**
 * The command-line front door: `skills-runtime <command> [flags]`. Dispatches to one command,
 * turns errors into a message on stderr and an exit code. Never calls process.exit itself.
 */
import { PRODUCT_NAME, VERSION } from "../version.ts";
import { describeError, isRuntimeError } from "../util/errors.ts";
import { parseArgs, renderHelp, type CommandHelp } from "./args.ts";
import type { CliCommand, CliIO } from "./command.ts";
import { doctorCommand } from "./commands/doctor.ts";
import { skillsCommand } from "./commands/skills.ts";
import { runsCommand } from "./commands/runs.ts";
import { runCommand } from "./commands/run.ts";
import { runtimeCommand } from "./commands/runtime.ts";
import { serveCommand } from "./commands/serve.ts";
import { toolsCommand } from "./commands/tools.ts";
import { errorExitCode, EXIT } from "./exit-codes.ts";

const COMMANDS: readonly CliCommand[] = [runCommand, serveCommand, skillsCommand, toolsCommand, runsCommand, runtimeCommand, doctorCommand];

const TOP_HELP: CommandHelp = {
  usage: `${PRODUCT_NAME} <command> [flags]`,
  summary: "A skills-first agent runtime: skills, a safety gate, an OS sandbox fence, and a local Studio.",
  details: `Run \`${PRODUCT_NAME} <command> --help\` for the flags of each command.`,
  subcommands: [
    ...COMMANDS.map((c) => ({ name: c.name, summary: c.help.summary })),
    { name: "version", summary: "Print the version." },
  ],
  flags: [{ name: "version", short: "v", type: "boolean", description: "Print the version and exit." }],
  examples: [`${PRODUCT_NAME} doctor`, `${PRODUCT_NAME} serve --port 8000`, `${PRODUCT_NAME} run --backend fake "Say hello"`],
};

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    const target = first === "help" ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.stdout(renderHelp(target?.help ?? TOP_HELP));
    return EXIT.ok;
  }
  if (first === "--version" || first === "-v" || first === "version") {
    io.stdout(`${PRODUCT_NAME} ${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    io.stderr(`${PRODUCT_NAME}: unknown command "${first}". Commands: ${COMMANDS.map((c) => c.name).join(", ")}, version. Run \`${PRODUCT_NAME} --help\`.\n`);
    return EXIT.usage;
  }
  try {
    if (command.passthrough) {
      if (rest.length === 0 || rest[0] === "--help" || rest[0] === "-h") {
        io.stdout(renderHelp(command.help));
        return EXIT.ok;
      }
      return await command.run({ flags: {}, positionals: rest, rest: [], help: false }, io);
    }
    const args = parseArgs(rest, command.help.flags, `${PRODUCT_NAME} ${command.name}`);
    if (args.help && !command.help.subcommands?.length) {
      io.stdout(renderHelp(command.help));
      return EXIT.ok;
    }
    if (args.help && args.positionals.length === 0) {
      io.stdout(renderHelp(command.help));
      return EXIT.ok;
    }
    return await command.run(args, io);
  } catch (error) {
    const kind = isRuntimeError(error) ? error.kind : "unknown";
    io.stderr(`${PRODUCT_NAME} ${command.name}: ${describeError(error)}\n`);
    if (!isRuntimeError(error) && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return errorExitCode(kind);
  }
}
