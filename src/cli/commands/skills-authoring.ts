/**
 * Authoring helpers of `skills-runtime skills`:
 * - `mentions TEXT...`: the `$[namespace].skill_name` mentions of a text as a JSON array of
 *   `{namespace, segments, skill_name, mention_text}` (the reference's mention object), so a user
 *   can check a prompt before running it. Offline: no workspace is read.
 * - `new NAME`: scaffold a valid skill folder.
 * - `lint PATH`: every spec problem of a skill folder (or of each SKILL.md below PATH); exit 11
 *   when a skill has errors, 12 when there are only warnings.
 */
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { isWarning } from "../../skills/issues.ts";
import { lintPath, type SkillLint } from "../../skills/lint.ts";
import { extractMentions } from "../../skills/mentions.ts";
import { scaffoldSkill } from "../../skills/scaffold.ts";
import { RuntimeError, UsageError } from "../../util/errors.ts";
import type { FlagSpec, ParsedArgs } from "../args.ts";
import type { CliIO } from "../command.ts";
import { OUTPUT_FLAGS, formatJson, wantsJson } from "../common.ts";
import { EXIT } from "../exit-codes.ts";

export interface SkillsSubcommand {
  name: string;
  summary: string;
  usage: string;
  details?: string;
  flags: readonly FlagSpec[];
  examples: readonly string[];
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

async function mentions(args: ParsedArgs, io: CliIO): Promise<number> {
  const file = args.flags.file;
  const words = [...args.positionals, ...args.rest];
  if (typeof file === "string" && words.length) throw new UsageError("skills-runtime skills mentions takes TEXT or --file, not both.");
  let text: string;
  if (typeof file === "string") {
    const path = resolve(io.cwd, file);
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new RuntimeError("not_found", `Cannot read prompt file "${file}": ${(error as Error).message}`, { details: { path } });
    }
  } else if (words.length) text = words.join(" ");
  else throw new UsageError('skills-runtime skills mentions needs a TEXT (or --file PATH), e.g. `skills-runtime skills mentions "use $[web:mvp].article-writer"`.');
  io.stdout(formatJson(extractMentions(text), args.flags.pretty === true));
  return EXIT.ok;
}

async function newSkill(args: ParsedArgs, io: CliIO): Promise<number> {
  const [name, extra] = args.positionals;
  if (!name || extra !== undefined) throw new UsageError("skills-runtime skills new needs exactly one NAME, e.g. `skills-runtime skills new release-notes --dir skills`.");
  const parent = resolve(io.cwd, String(args.flags.dir ?? "."));
  const description = typeof args.flags.description === "string" ? args.flags.description : undefined;
  const created = await scaffoldSkill(parent, name, description === undefined ? {} : { description });
  if (wantsJson(args)) io.stdout(formatJson({ skill_name: name, ...created }, args.flags.pretty === true));
  else {
    io.stdout(`Created ${relative(io.cwd, created.skill_md) || created.skill_md}\n`);
    io.stdout(`Next: edit its description and workflow, then \`skills-runtime skills lint ${relative(io.cwd, created.dir) || created.dir}\`.\n`);
    io.stdout("To use it, list its parent folder as a filesystem source in skills.sources and bind a space (skills.spaces).\n");
  }
  return EXIT.ok;
}

function lintExit(results: readonly SkillLint[]): number {
  const issues = results.flatMap((r) => r.issues);
  if (issues.some((i) => !isWarning(i))) return EXIT.scanErrors;
  return issues.length ? EXIT.warningsOnly : EXIT.ok;
}

async function lint(args: ParsedArgs, io: CliIO): Promise<number> {
  const [target, extra] = args.positionals;
  if (!target || extra !== undefined) throw new UsageError("skills-runtime skills lint needs exactly one PATH (a skill folder, a SKILL.md, or a folder of skills).");
  const path = resolve(io.cwd, target);
  let results: SkillLint[];
  try {
    results = await lintPath(path);
  } catch (error) {
    throw new RuntimeError("not_found", `Cannot lint "${target}": ${(error as Error).message}`, { details: { path } });
  }
  const errors = results.flatMap((r) => r.issues).filter((i) => !isWarning(i)).length;
  const warnings = results.flatMap((r) => r.issues).length - errors;
  if (wantsJson(args)) {
    io.stdout(formatJson({ skills: results, stats: { skills_total: results.length, errors_total: errors, warnings_total: warnings } }, args.flags.pretty === true));
    return lintExit(results);
  }
  if (results.length === 0) io.stdout(`No SKILL.md found under ${path}.\n`);
  for (const result of results) {
    const shown = relative(io.cwd, result.path) || result.path;
    io.stdout(`${shown}: ${result.issues.length === 0 ? "ok" : result.loads ? "loads, with problems" : "does NOT load"}\n`);
    for (const issue of result.issues) io.stdout(`  ${isWarning(issue) ? "warning" : "error  "} ${issue.code}: ${issue.message}\n`);
  }
  io.stdout(`${results.length} skill(s), ${errors} error(s), ${warnings} warning(s)\n`);
  return lintExit(results);
}

const PRETTY: FlagSpec = { name: "pretty", type: "boolean", description: "Indent the JSON output (2 spaces)." };

export const AUTHORING: readonly SkillsSubcommand[] = [
  {
    name: "mentions",
    summary: "Print the $[namespace].skill_name mentions of a text as a JSON array.",
    usage: "skills-runtime skills mentions [flags] [--] TEXT...",
    details:
      "Uses the runtime's exact grammar: 1..7 namespace segments, names of 2..64 characters, duplicates dropped,\n" +
      "a mention followed by ']' ignored. Each item is {namespace, segments, skill_name, mention_text}.\n" +
      "Nothing is resolved: use `skills scan` to see which skills exist.",
    flags: [{ name: "file", type: "string", value: "PATH", description: "Read the text from a file instead of the arguments." }, PRETTY],
    examples: ['skills-runtime skills mentions "Draft a post with $[web:mvp].article-writer"', "skills-runtime skills mentions --file prompt.md --pretty"],
    run: mentions,
  },
  {
    name: "new",
    summary: "Create a skill folder NAME/SKILL.md from a template.",
    usage: "skills-runtime skills new [flags] NAME",
    details: "NAME must be 2..64 characters of [a-z0-9_-], starting and ending with a letter or digit. An existing folder\nis never overwritten.",
    flags: [
      { name: "dir", type: "string", value: "DIR", default: ".", description: "Folder to create the skill in." },
      { name: "description", type: "string", value: "TEXT", description: "The skill's description (front matter)." },
      ...OUTPUT_FLAGS,
    ],
    examples: ['skills-runtime skills new release-notes --dir skills --description "Write release notes from merged PRs."'],
    run: newSkill,
  },
  {
    name: "lint",
    summary: "Report every spec problem of a skill folder, a SKILL.md, or each skill below a folder (exit 11 errors, 12 warnings).",
    usage: "skills-runtime skills lint [flags] PATH",
    details:
      "Errors are what a scan rejects (front matter, name slug, description) or what fails when the skill is used\n" +
      "(invalid actions, missing action scripts). Warnings are fail-open surprises (agents/openai.yaml) and Agent Skills\n" +
      "conventions (folder name = skill name, description under 1024 characters, a non-empty body).",
    flags: OUTPUT_FLAGS,
    examples: ["skills-runtime skills lint skills/release-notes", "skills-runtime skills lint skills --json"],
    run: lint,
  },
];
