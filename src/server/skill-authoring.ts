/**
 * Writing skills from the Studio with the engine's rules (decisions.md item 12): a new skill's
 * name must be an engine skill slug, and SKILL.md text the Studio saves must pass the engine's
 * parser and `skills lint` (no error-level issue) before it replaces the file.
 *
 * - `createSkill`: spec 12.4 create-skill details (target source default = first session source,
 *   allowed when equal to one of them as given or once resolved; `<target>/<name>/SKILL.md` is
 *   never overwritten: 409). Front-matter strings are written as JSON strings, which YAML reads
 *   back verbatim, so a quote in a description cannot break the file.
 * - `lintSkillText`: lint text that has no folder yet (the UI's live validation).
 * - `replaceSkillMd`: stage the new text beside the file, lint it in place, then rename it over.
 */
import { link, mkdir, mkdtemp, open, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { resolveInWorkspace } from "../config/paths.ts";
import { lintSkillMd } from "../skills/lint.ts";
import { isValidSkillName, SKILL_NAME_RULE } from "../skills/mentions.ts";
import { checkFrontmatter, frontmatterOfText } from "../skills/skill-md.ts";
import { renderStudioSkillMd, type NewSkill } from "../skills/studio-skill-md.ts";
import { syncDirectory } from "../tools/atomic-write.ts";
import { HttpError } from "./errors.ts";
import { issueView, type IssueView, type ScanContext } from "./session-skills.ts";
import { OUTSIDE_WORKSPACE_RULE, pathInsideWorkspace } from "./storage/filesystem-sources.ts";
import { tempPathFor } from "./storage/json-file.ts";

/** Largest SKILL.md the Studio reads or writes. */
export const MAX_SKILL_MD_BYTES = 1024 * 1024;

/** The folder a new skill goes to: `target` (default: the first source) must be one of `sources`. */
export async function targetSource(context: ScanContext, sources: readonly string[], target: string | null | undefined, sessionId: string): Promise<string> {
  if (sources.length === 0) {
    throw new HttpError("validation_error", "filesystem sources not configured for session", { session_id: sessionId });
  }
  const wanted = (target ?? "").trim() || sources[0]!;
  const allowed = sources.includes(wanted) || sources.includes(resolveInWorkspace(context.workspaceRoot, wanted, context.env));
  if (!allowed) {
    throw new HttpError("validation_error", "target_source must be one of session filesystem_sources", { target_source: wanted, filesystem_sources: [...sources] });
  }
  const normalized = await pathInsideWorkspace(context.workspaceRoot, wanted, context.env);
  if (normalized === null) {
    throw new HttpError("validation_error", `invalid filesystem_source ${JSON.stringify(wanted)}: ${OUTSIDE_WORKSPACE_RULE}`, { filesystem_sources: [...sources] });
  }
  return normalized;
}

/** Create `<source>/<name>/SKILL.md`; 400 for a name the engine would reject, 409 when it exists. */
export async function createSkill(context: ScanContext, source: string, skill: NewSkill): Promise<{ skill_dir: string; skill_md: string }> {
  if (!isValidSkillName(skill.name)) {
    throw new HttpError("validation_error", `Cannot create skill ${JSON.stringify(skill.name)}: the name must be ${SKILL_NAME_RULE}`, { field: "name", name: skill.name });
  }
  if (skill.description.trim() === "") {
    throw new HttpError("validation_error", `Cannot create skill "${skill.name}": the description must not be blank`, { field: "description" });
  }
  const text = renderStudioSkillMd(skill);
  const front = await frontmatterOfText(text, MAX_SKILL_MD_BYTES);
  if (!front.ok || !checkFrontmatter(front.data).ok) {
    throw new HttpError("validation_error", `Cannot create skill "${skill.name}": the generated SKILL.md does not parse`, { field: "description" });
  }
  const skillDir = join(source, skill.name);
  const skillMd = join(skillDir, "SKILL.md");
  await mkdir(skillDir, { recursive: true });
  if ((await pathInsideWorkspace(context.workspaceRoot, skillDir, context.env)) === null) {
    throw new HttpError("validation_error", `Cannot create skill "${skill.name}": ${skillDir} ${OUTSIDE_WORKSPACE_RULE}`, { skill_dir: skillDir });
  }
  await writeNew(skillMd, text, skill.name);
  return { skill_dir: skillDir, skill_md: skillMd };
}

/** Write `text` to a new file at `target` (complete or not at all); 409 when it exists. */
async function writeNew(target: string, text: string, name: string): Promise<void> {
  const conflict = () => new HttpError("conflict", `Cannot create skill "${name}": ${target} already exists`, { skill_md: target });
  const temp = tempPathFor(target);
  await writeFile(temp, text, { flag: "wx" });
  try {
    await link(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw conflict();
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw error;
    // A file system without hard links: exclusive create instead.
    await writeFile(target, text, { flag: "wx" }).catch((e: NodeJS.ErrnoException) => {
      throw e.code === "EEXIST" ? conflict() : e;
    });
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await syncDirectory(dirname(target));
}

export interface TextLint {
  ok: boolean;
  /** The front matter's skill name when valid. */
  skill_name: string | null;
  issues: IssueView[];
}

const hasErrors = (issues: readonly IssueView[]) => issues.some((issue) => issue.level === "error");

/** Lint a SKILL.md file; issue paths default to `shownPath`. */
async function lintFile(path: string, shownPath: string | null): Promise<TextLint> {
  const lint = await lintSkillMd(path);
  const issues = lint.issues.map((issue) => {
    const view = issueView(issue);
    return { ...view, path: view.path === null || view.path === path ? shownPath : view.path };
  });
  return { ok: !hasErrors(issues), skill_name: lint.skill_name, issues };
}

/** Issues that depend on files next to SKILL.md, which text without a folder cannot have. */
const NEEDS_FOLDER = new Set(["SKILL_ACTION_ARGV_PATH_INVALID", "SKILL_LINT_NAME_FOLDER_MISMATCH"]);

/** Lint SKILL.md text on its own (in a private temp folder named after the skill). */
export async function lintSkillText(text: string): Promise<TextLint> {
  const front = await frontmatterOfText(text, MAX_SKILL_MD_BYTES);
  const checked = front.ok ? checkFrontmatter(front.data) : null;
  const folder = checked?.ok ? checked.value.skill_name : "skill";
  const root = await mkdtemp(join(tmpdir(), "sr-skill-lint-"));
  try {
    await mkdir(join(root, folder));
    const path = join(root, folder, "SKILL.md");
    await writeFile(path, text);
    const lint = await lintFile(path, null);
    const issues = lint.issues.filter((issue) => !NEEDS_FOLDER.has(issue.code)).map((issue) => (issue.path?.startsWith(root) ? { ...issue, path: null } : issue));
    return { ok: !hasErrors(issues), skill_name: lint.skill_name, issues };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** The text of a SKILL.md the Studio may edit (400 when too large). */
export async function readSkillMd(path: string): Promise<{ text: string; lint: TextLint }> {
  const info = await stat(path);
  if (info.size > MAX_SKILL_MD_BYTES) {
    throw new HttpError("validation_error", `Cannot open ${path} for editing: ${info.size} bytes is over the ${MAX_SKILL_MD_BYTES}-byte limit`, { path });
  }
  return { text: await readFile(path, "utf8"), lint: await lintFile(path, path) };
}

/**
 * Replace the SKILL.md at `path` with `text` when the engine accepts it in place (lint with the
 * skill's own folder: actions, agents/openai.yaml, folder name). `beforeCommit` may refuse (throw)
 * once the lint is known. On refusal or an invalid text the file is untouched.
 */
export async function replaceSkillMd(path: string, text: string, beforeCommit: (lint: TextLint) => Promise<void> | void = () => undefined): Promise<TextLint> {
  const temp = tempPathFor(path);
  const handle = await open(temp, "wx");
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
  try {
    const lint = await lintFile(temp, path);
    if (lint.ok) {
      await beforeCommit(lint);
      await rename(temp, path);
      await syncDirectory(dirname(path));
    }
    return lint;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}
