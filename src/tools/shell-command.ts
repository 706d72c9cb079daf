/**
 * `shell_command` (spec 4.3 #3, Codex parity): one command line, run as `/bin/sh -lc <command>`
 * through `shell_exec`. The shell string is the tool's contract; it is passed as one argv element,
 * never spliced into another command.
 */
import { z } from "zod";
import description from "./shell-command.md" with { type: "text" };
import type { ToolDefinition } from "./registry.ts";
import { commonShellArgs, runShellExec } from "./shell-exec.ts";

export const ShellCommandArgs = z.strictObject({
  command: z.string().min(1).describe('The command line, run by /bin/sh, e.g. "ls -la | head"'),
  workdir: z.string().nullish().describe("Working directory, relative to the workspace root (default: the root)"),
  ...commonShellArgs,
});
export type ShellCommandArgs = z.infer<typeof ShellCommandArgs>;

export const shellCommandTool: ToolDefinition<ShellCommandArgs> = {
  name: "shell_command",
  description,
  parameters: ShellCommandArgs,
  handler: ({ command, workdir, ...rest }, ctx) =>
    runShellExec({ argv: ["/bin/sh", "-lc", command], cwd: workdir, ...rest }, ctx, { tool: "shell_command" }),
};
