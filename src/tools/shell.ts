/**
 * `shell` (spec 4.3 #2, Codex parity): `shell_exec` under Codex's argument names (`command` as an
 * argv list, `workdir`). Same results, sandbox evidence and error kinds; output redacted.
 */
import { z } from "zod";
import description from "./shell.md" with { type: "text" };
import type { ToolDefinition } from "./registry.ts";
import { commonShellArgs, runShellExec } from "./shell-exec.ts";

export const ShellArgs = z.strictObject({
  command: z.array(z.string()).min(1).describe('The program and its arguments, e.g. ["ls", "-la"]'),
  workdir: z.string().nullish().describe("Working directory, relative to the workspace root (default: the root)"),
  ...commonShellArgs,
});
export type ShellArgs = z.infer<typeof ShellArgs>;

export const shellTool: ToolDefinition<ShellArgs> = {
  name: "shell",
  description,
  parameters: ShellArgs,
  handler: ({ command, workdir, ...rest }, ctx) => runShellExec({ argv: command, cwd: workdir, ...rest }, ctx, { tool: "shell" }),
};
