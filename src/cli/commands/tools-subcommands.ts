/**
 * The subcommands of `skills-runtime tools` (spec 11.3 table, plus file-read and file-write):
 * their flags, required flags, the `--yes` rule and how the flags become the tool's arguments.
 * Subcommands whose tools run against the runtime server are in tools-server-subcommands.ts.
 */
import type { ToolResultPayload } from "../../events/tool-result.ts";
import type { HumanIO } from "../../tools/human-io.ts";
import { errorResult } from "../../tools/registry.ts";
import type { FlagSpec, ParsedArgs } from "../args.ts";
import { OfflineHumanIO, isObject, parseJson, readInputFile, readJsonObjectInput } from "./tools-runtime.ts";

export interface BuildContext {
  workspaceRoot: string;
  env: Readonly<Record<string, string>>;
  /** The caller's working directory (files named on the command line that are not workspace inputs). */
  cwd: string;
}

/** What a sub-agent of the runtime server runs on (`spawn-agent --backend / --fake-script`). */
export interface ChildBackendChoice {
  backend: "fake" | "openai" | null;
  /** The fake backend's script text. */
  fakeScript: string | null;
}

export type BuiltCall = { toolArgs: Record<string, unknown>; humanIO?: HumanIO; childBackend?: ChildBackendChoice } | { error: ToolResultPayload };

export interface ToolSubcommand {
  name: string;
  /** The builtin tool it calls. */
  tool: string;
  summary: string;
  flags: FlagSpec[];
  /** Flags that must be given (a missing one is a usage error, exit 2). */
  required?: string[];
  /** Exactly one of these flags must be given. */
  oneOf?: [string, string];
  /** Writes or executes: refused with `human_required` (exit 26) unless `--yes` is given. */
  needsYes?: boolean;
  /** Usage line tail after the subcommand name. */
  usage: string;
  example: string;
  /** Its tool keeps state in the workspace's runtime server (exec sessions, sub-agents). */
  runtimeServer?: boolean;
  build: (args: ParsedArgs, ctx: BuildContext) => Promise<BuiltCall>;
}

export const YES: FlagSpec = { name: "yes", type: "boolean", description: "Confirm the write or command (without it the call answers human_required, exit 26)." };
export const str = (name: string, value: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ name, type: "string", value, description, ...extra });
export const int = (name: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ name, type: "int", description, ...extra });
export const bool = (name: string, description: string): FlagSpec => ({ name, type: "boolean", description });

const SHELL_FLAGS: FlagSpec[] = [
  YES,
  str("workdir", "DIR", "Working directory, relative to the workspace root (default: the root)."),
  int("timeout-ms", "Time limit in milliseconds (default: the tool's, 60000)."),
  str("sandbox", "POLICY", 'OS sandbox for this call: "inherit" (sandbox.default_policy) or "restricted".'),
  str("sandbox-permissions", "PERM", 'Passed to the tool as sandbox_permissions (e.g. "require_escalated"); no approval policy runs here.'),
];

const INPUT_FLAGS = (what: string): FlagSpec[] => [
  str("input", "TEXT", `${what} as text.`),
  str("input-file", "FILE", `${what} from a UTF-8 file inside the workspace.`),
];

/** Copy the flags that were given into tool arguments, renamed. */
export function pick(args: ParsedArgs, names: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [flag, arg] of Object.entries(names)) if (args.flags[flag] !== undefined) out[arg] = args.flags[flag];
  return out;
}

const SHELL_ARGS = { workdir: "workdir", "timeout-ms": "timeout_ms", sandbox: "sandbox", "sandbox-permissions": "sandbox_permissions" };

async function inputText(args: ParsedArgs, ctx: BuildContext, textFlag: string, fileFlag: string): Promise<{ text: string } | { error: ToolResultPayload }> {
  const text = args.flags[textFlag];
  if (typeof text === "string") return { text };
  return readInputFile(ctx.workspaceRoot, String(args.flags[fileFlag]), ctx.env);
}

/** The subcommands that run today, in the reference's table order (file-read and file-write added). */
export const TOOL_SUBCOMMANDS: readonly ToolSubcommand[] = [
  {
    name: "list-dir",
    tool: "list_dir",
    summary: "List a directory of the workspace (list_dir).",
    usage: "--dir-path DIR [flags]",
    flags: [
      str("dir-path", "DIR", "Directory to list, inside the workspace (required)."),
      int("depth", "How deep to recurse (1 = direct children).", { default: 2 }),
      int("offset", "1-based index of the first entry.", { default: 1 }),
      int("limit", "Maximum number of entries.", { default: 25 }),
    ],
    required: ["dir-path"],
    example: "skills-runtime tools list-dir --dir-path src --depth 1",
    build: async (args) => ({ toolArgs: pick(args, { "dir-path": "dir_path", depth: "depth", offset: "offset", limit: "limit" }) }),
  },
  {
    name: "grep-files",
    tool: "grep_files",
    summary: "Find the files whose content matches a regular expression (grep_files).",
    usage: "--pattern REGEX [flags]",
    flags: [
      str("pattern", "REGEX", "Regular expression, Python syntax (required)."),
      str("path", "PATH", "Directory or file to search (default: the workspace root)."),
      str("include", "GLOB", 'Only files matching this glob, e.g. "*.md".'),
      int("limit", "Maximum number of matching files.", { default: 100 }),
    ],
    required: ["pattern"],
    example: 'skills-runtime tools grep-files --pattern "TODO|FIXME" --include "*.ts"',
    build: async (args) => ({ toolArgs: pick(args, { pattern: "pattern", path: "path", include: "include", limit: "limit" }) }),
  },
  {
    name: "read-file",
    tool: "read_file",
    summary: "Read numbered lines of a file, a slice or an indentation block (read_file).",
    usage: "--file-path FILE [flags]",
    flags: [
      str("file-path", "FILE", "File to read, inside the workspace (required)."),
      int("offset", "1-based first line.", { default: 1 }),
      int("limit", "Maximum number of lines.", { default: 2000 }),
      str("mode", "MODE", "slice or indentation.", { default: "slice" }),
      int("anchor-line", "Indentation mode: the line whose block to show (default: --offset)."),
      int("max-levels", "Indentation mode: enclosing blocks to climb (0 = unlimited).", { default: 4 }),
      bool("include-siblings", "Indentation mode: show the enclosing block with its siblings."),
      bool("include-header", "Indentation mode: include the block's header line."),
      int("max-lines", "Indentation mode: maximum lines (default: --limit)."),
    ],
    required: ["file-path"],
    example: "skills-runtime tools read-file --file-path src/main.ts --offset 10 --limit 20",
    build: async (args) => {
      const toolArgs = pick(args, { "file-path": "file_path", offset: "offset", limit: "limit", mode: "mode" });
      if (String(args.flags.mode).trim().toLowerCase() === "indentation") {
        toolArgs.indentation = {
          max_levels: args.flags["max-levels"],
          include_siblings: args.flags["include-siblings"] === true,
          include_header: args.flags["include-header"] === true,
          ...pick(args, { "anchor-line": "anchor_line", "max-lines": "max_lines" }),
        };
      }
      return { toolArgs };
    },
  },
  {
    name: "file-read",
    tool: "file_read",
    summary: "Read a whole file as text, up to a byte limit (file_read).",
    usage: "--path FILE [flags]",
    flags: [str("path", "FILE", "File to read, inside the workspace (required)."), int("max-bytes", "Maximum bytes to return (default: the tool's, 262144).")],
    required: ["path"],
    example: "skills-runtime tools file-read --path README.md",
    build: async (args) => ({ toolArgs: pick(args, { path: "path", "max-bytes": "max_bytes" }) }),
  },
  {
    name: "file-write",
    tool: "file_write",
    summary: "Create or replace a whole file (file_write; needs --yes).",
    usage: "--path FILE (--content TEXT | --content-file FILE) --yes [flags]",
    flags: [
      YES,
      str("path", "FILE", "File to write, inside the workspace (required)."),
      str("content", "TEXT", "The complete new content."),
      str("content-file", "FILE", "Take the content from a UTF-8 file inside the workspace."),
      bool("no-create-dirs", "Fail instead of creating missing parent directories."),
    ],
    required: ["path"],
    oneOf: ["content", "content-file"],
    needsYes: true,
    example: 'skills-runtime tools file-write --path notes/todo.md --content "- ship it" --yes',
    build: async (args, ctx) => {
      const content = await inputText(args, ctx, "content", "content-file");
      if ("error" in content) return content;
      return { toolArgs: { path: args.flags.path, content: content.text, ...(args.flags["no-create-dirs"] === true ? { create_dirs: false } : {}) } };
    },
  },
  {
    name: "apply-patch",
    tool: "apply_patch",
    summary: "Apply a patch in the apply_patch format (apply_patch; needs --yes).",
    usage: "(--input PATCH | --input-file FILE) --yes [flags]",
    flags: [YES, ...INPUT_FLAGS("The patch, from *** Begin Patch to *** End Patch,")],
    oneOf: ["input", "input-file"],
    needsYes: true,
    example: "skills-runtime tools apply-patch --input-file fix.patch --yes",
    build: async (args, ctx) => {
      const patch = await inputText(args, ctx, "input", "input-file");
      return "error" in patch ? patch : { toolArgs: { input: patch.text } };
    },
  },
  {
    name: "shell",
    tool: "shell",
    summary: "Run a program with its arguments, no shell (shell; needs --yes).",
    usage: "--yes [flags] -- PROGRAM [ARG...]",
    flags: SHELL_FLAGS,
    needsYes: true,
    example: "skills-runtime tools shell --yes --timeout-ms 5000 -- ls -la",
    build: async (args) => ({ toolArgs: { command: args.rest, ...pick(args, SHELL_ARGS) } }),
  },
  {
    name: "shell-command",
    tool: "shell_command",
    summary: "Run a command line with /bin/sh (shell_command; needs --yes).",
    usage: '--command "CMD" --yes [flags]',
    flags: [str("command", "CMD", "The command line (required)."), ...SHELL_FLAGS],
    required: ["command"],
    needsYes: true,
    example: 'skills-runtime tools shell-command --command "git status | head -5" --yes',
    build: async (args) => ({ toolArgs: { command: args.flags.command, ...pick(args, SHELL_ARGS) } }),
  },
  {
    name: "update-plan",
    tool: "update_plan",
    summary: "Record a task plan (update_plan).",
    usage: "(--input JSON | --input-file FILE) [flags]",
    flags: INPUT_FLAGS('The arguments as a JSON object, e.g. {"plan": [{"step": "...", "status": "pending"}]},'),
    oneOf: ["input", "input-file"],
    example: `skills-runtime tools update-plan --input '{"plan":[{"step":"Write tests","status":"in_progress"}]}'`,
    build: async (args, ctx) => {
      const input = await readJsonObjectInput(args.flags.input as string | undefined, args.flags["input-file"] as string | undefined, ctx.workspaceRoot, ctx.env);
      return "error" in input ? input : { toolArgs: input.value };
    },
  },
  {
    name: "request-user-input",
    tool: "request_user_input",
    summary: "Ask structured questions, answered offline by --answers-json (request_user_input).",
    usage: "(--input JSON | --input-file FILE) [--answers-json JSON] [flags]",
    flags: [
      ...INPUT_FLAGS('The arguments as a JSON object, e.g. {"questions": [{"id": "...", "header": "...", "question": "..."}]},'),
      str("answers-json", "JSON", "Answers by question id, e.g. {\"env\": \"staging\"}; a missing id takes the first option, else \"\". Without it the call answers human_required (exit 26)."),
    ],
    oneOf: ["input", "input-file"],
    example: `skills-runtime tools request-user-input --input-file questions.json --answers-json '{"env":"staging"}'`,
    build: async (args, ctx) => {
      const input = await readJsonObjectInput(args.flags.input as string | undefined, args.flags["input-file"] as string | undefined, ctx.workspaceRoot, ctx.env);
      if ("error" in input) return input;
      const raw = args.flags["answers-json"];
      if (typeof raw !== "string") return { toolArgs: input.value };
      const answers = parseJson(raw, "--answers-json");
      if ("error" in answers) return answers;
      if (!isObject(answers.value)) return { error: errorResult("validation", "answers_json must be a JSON object") };
      return { toolArgs: input.value, humanIO: new OfflineHumanIO(answers.value) };
    },
  },
  {
    name: "view-image",
    tool: "view_image",
    summary: "Read an image as base64 with its MIME type (view_image).",
    usage: "--path IMAGE [flags]",
    flags: [str("path", "IMAGE", "Image file, inside the workspace (required).")],
    required: ["path"],
    example: "skills-runtime tools view-image --path docs/diagram.png",
    build: async (args) => ({ toolArgs: { path: args.flags.path } }),
  },
  {
    name: "web-search",
    tool: "web_search",
    summary: "Search the web through the provider of tools.web_search (web_search; off by default, exit 20).",
    usage: '--q "QUERY" [flags]',
    flags: [str("q", "QUERY", "What to search for (required)."), int("limit", "Maximum number of results.", { default: 10 }), int("recency", "Only results from the last N days.")],
    required: ["q"],
    example: 'skills-runtime tools web-search --q "bun build --compile" --limit 5',
    build: async (args) => ({ toolArgs: pick(args, { q: "q", limit: "limit", recency: "recency" }) }),
  },
];
