/**
 * `skills-runtime skills install-builtin`: write the skills shipped inside the binary (an article
 * writer, a novel writer, and repo-stats with a reference file and a sandboxed action) into a folder,
 * never overwriting a skill folder that exists, and say how to configure a space for them.
 */
import { resolve } from "node:path";
import { BUILTIN_SKILLS, installBuiltinSkills } from "../../skills/builtin.ts";
import { stateDir } from "../../wal/paths.ts";
import type { ParsedArgs } from "../args.ts";
import type { CliIO } from "../command.ts";
import { OUTPUT_FLAGS, formatJson, wantsJson } from "../common.ts";
import { EXIT } from "../exit-codes.ts";
import type { SkillsSubcommand } from "./skills-authoring.ts";

function spaceSnippet(dir: string): string {
  return [
    "skills:",
    "  spaces:",
    "    - {id: builtin, namespace: builtin, sources: [builtin-fs], enabled: true}",
    "  sources:",
    `    - {id: builtin-fs, type: filesystem, options: {root: ${JSON.stringify(dir)}}}`,
    "  actions: {enabled: true}",
    "  references: {enabled: true}",
  ].join("\n");
}

async function installBuiltin(args: ParsedArgs, io: CliIO): Promise<number> {
  const root = resolve(io.cwd, String(args.flags["workspace-root"] ?? "."));
  const dir = typeof args.flags.dir === "string" ? resolve(io.cwd, args.flags.dir) : resolve(stateDir(root), "skills");
  const { installed, kept } = await installBuiltinSkills(dir);
  if (wantsJson(args)) {
    io.stdout(formatJson({ dir, installed, kept, config: spaceSnippet(dir) }, args.flags.pretty === true));
    return EXIT.ok;
  }
  io.stdout(`${dir}\n`);
  for (const name of installed) io.stdout(`  installed ${name}\n`);
  for (const name of kept) io.stdout(`  kept ${name} (already there, not overwritten)\n`);
  io.stdout(`\nTo use them, add to config/runtime.yaml:\n\n${spaceSnippet(dir)}\n\nthen mention one in a task, e.g. $[builtin].repo-stats\n`);
  return EXIT.ok;
}

export const INSTALL_BUILTIN: SkillsSubcommand = {
  name: "install-builtin",
  summary: `Write the built-in skills (${BUILTIN_SKILLS.map((s) => s.name).join(", ")}) into a folder, never overwriting.`,
  usage: "skills-runtime skills install-builtin [flags]",
  details: "Default folder: <workspace>/.skills_runtime_sdk/skills. Prints the config that adds them as the space `builtin`.",
  flags: [
    { name: "workspace-root", type: "string", value: "DIR", default: ".", description: "Workspace whose state folder receives the skills." },
    { name: "dir", type: "string", value: "DIR", description: "Install into this folder instead." },
    ...OUTPUT_FLAGS,
  ],
  examples: ["skills-runtime skills install-builtin", "skills-runtime skills install-builtin --dir skills --json"],
  run: installBuiltin,
};
