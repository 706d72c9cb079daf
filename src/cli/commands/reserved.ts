/**
 * Subcommands whose names are reserved in this release. They answer --help with what they will do
 * and refuse to run with a clear message (exit 2) instead of pretending.
 */
import { UsageError } from "../../util/errors.ts";
import type { CliCommand } from "../command.ts";
import { WORKSPACE_FLAGS } from "../common.ts";

function reserved(name: string, summary: string, subcommands: { name: string; summary: string }[], examples: string[]): CliCommand {
  return {
    name,
    help: {
      usage: `skills-runtime ${name} <command> [flags]`,
      summary,
      details: `This command group is reserved in this release: its subcommands are listed for reference and are not available yet.`,
      subcommands,
      flags: WORKSPACE_FLAGS,
      examples,
    },
    async run() {
      throw new UsageError(
        `this command is not available in this release yet (reserved for: ${subcommands.map((s) => s.name).join(", ")}). Run \`skills-runtime --help\` for what works today.`,
      );
    },
  };
}

export const skillsCommand = reserved(
  "skills",
  "Validate skills configuration, scan skill sources and extract mentions.",
  [
    { name: "preflight", summary: "Check the skills config without I/O (exit 10 errors, 12 warnings)." },
    { name: "scan", summary: "Scan the configured sources and print the report (exit 11 errors, 12 warnings)." },
    { name: "mentions", summary: "Print the $[namespace].skill mentions found in a text." },
  ],
  ["skills-runtime skills scan --pretty"],
);
