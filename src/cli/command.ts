/** What every CLI command looks like, and the I/O it is given (explicit, so tests run in-process). */
import type { CommandHelp, ParsedArgs } from "./args.ts";

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The process environment snapshot (the only env a command may read). */
  env: Record<string, string>;
  cwd: string;
  /** stdout is a terminal (human output, colours, prompts). */
  isTTY: boolean;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
}

export interface CliCommand {
  name: string;
  help: CommandHelp;
  /** Receives its argv unparsed (commands with subcommands parse their own flags). */
  passthrough?: boolean;
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}
