/**
 * SKILL.md front matter (spec 7.1), also accepting skills written for the open Agent Skills format
 * (decisions.md): a folder with SKILL.md carrying `name` + `description`; every other key
 * (`license`, `allowed-tools`, `metadata`, `compatibility`, `actions`, ...) is kept as metadata.
 *
 * - The first line must trim to `---`; the front matter ends at the next line that trims to `---`.
 *   Problems: `frontmatter_missing`, `frontmatter_unterminated`, `frontmatter_too_large` (bytes read,
 *   both boundary lines included, exceed the limit), `frontmatter_not_utf8`.
 * - The front matter is read line by line from the start of the file and reading stops at the
 *   closing line: the body is never read during a scan.
 * - YAML that does not parse, or is not a mapping, counts as `{}` (fail-open), so the skill then
 *   fails with `name_missing`; the YAML error is kept in the issue details.
 * - `name` (non-empty string) is trimmed, must contain no whitespace and must be a slug
 *   (mentions.ts); `description` (non-empty string) has whitespace runs collapsed, and so does
 *   `metadata.short-description`.
 * - Env-var dependencies come from `<skill_dir>/agents/openai.yaml` (`dependencies.tools[]` items
 *   with `type: env_var` and a non-empty string `value`), de-duplicated in order; any problem -> [].
 */
import { open, readFile } from "node:fs/promises";
import { join } from "node:path";
import YAML from "yaml";
import { collapseWhitespace } from "../util/text.ts";
import { isValidSkillName, SKILL_NAME_RULE } from "./mentions.ts";

export { collapseWhitespace };

export type FrontmatterProblem = "frontmatter_missing" | "frontmatter_unterminated" | "frontmatter_too_large" | "frontmatter_not_utf8";

export type FrontmatterRead =
  | { ok: true; data: Record<string, unknown>; yamlError: string | null; bytes: number }
  | { ok: false; reason: FrontmatterProblem };

const CHUNK = 4096;
const MAX_AGENTS_YAML_BYTES = 1024 * 1024;
const utf8 = new TextDecoder("utf-8", { fatal: true });

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Parse YAML with Bun's native parser (fast: it runs once per skill on every scan; duplicate keys:
 * last wins, as PyYAML; excessive aliasing is refused). On failure the `yaml` package re-parses
 * the text only to produce a message with a line number.
 */
export function parseYaml(text: string): { value: unknown; error: string | null } {
  try {
    return { value: Bun.YAML.parse(text), error: null };
  } catch (error) {
    let message = (error as Error).message;
    try {
      YAML.parse(text, { uniqueKeys: false });
    } catch (detailed) {
      message = (detailed as Error).message;
    }
    return { value: undefined, error: (message.split("\n")[0] ?? "invalid YAML").trim() };
  }
}

/** Parse front-matter YAML fail-open: errors and non-mappings give `{}`. */
export function parseFrontmatterYaml(text: string): { data: Record<string, unknown>; yamlError: string | null } {
  const { value, error } = parseYaml(text);
  return { data: isPlainObject(value) ? value : {}, yamlError: error };
}


/**
 * Walk the lines of a byte source and return the front matter. `next()` yields successive chunks
 * and `null` at end of file.
 */
async function frontmatterFromChunks(next: () => Promise<Uint8Array | null>, maxBytes: number): Promise<FrontmatterRead> {
  const limit = Math.max(1, maxBytes);
  let buffer = new Uint8Array(0);
  let start = 0;
  let consumed = 0;
  let first = true;
  let eof = false;
  const lines: string[] = [];
  for (;;) {
    let nl = buffer.indexOf(10, start);
    if (nl === -1 && !eof) {
      if (consumed + (buffer.length - start) > limit) return { ok: false, reason: "frontmatter_too_large" };
      const chunk = await next();
      if (chunk === null) eof = true;
      else {
        const merged = new Uint8Array(buffer.length - start + chunk.length);
        merged.set(buffer.subarray(start));
        merged.set(chunk, buffer.length - start);
        buffer = merged;
        start = 0;
      }
      continue;
    }
    if (nl === -1) {
      if (start >= buffer.length) return { ok: false, reason: first ? "frontmatter_missing" : "frontmatter_unterminated" };
      nl = buffer.length - 1; // last line without a newline
    }
    const raw = buffer.subarray(start, nl + 1);
    start = nl + 1;
    consumed += raw.length;
    if (consumed > limit) return { ok: false, reason: "frontmatter_too_large" };
    let line: string;
    try {
      line = utf8.decode(raw);
    } catch {
      return { ok: false, reason: "frontmatter_not_utf8" };
    }
    if (first) {
      if (line.trim() !== "---") return { ok: false, reason: "frontmatter_missing" };
      first = false;
      continue;
    }
    if (line.trim() === "---") {
      const parsed = parseFrontmatterYaml(lines.join(""));
      return { ok: true, ...parsed, bytes: consumed };
    }
    lines.push(line);
  }
}

/** Read only the front matter of a SKILL.md file (the body is not read). */
export async function readFrontmatter(path: string, maxBytes: number): Promise<FrontmatterRead> {
  const handle = await open(path, "r");
  try {
    const chunk = new Uint8Array(CHUNK);
    return await frontmatterFromChunks(async () => {
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
      return bytesRead === 0 ? null : chunk.slice(0, bytesRead);
    }, maxBytes);
  } finally {
    await handle.close();
  }
}

/** The front matter of SKILL.md text already in memory (lint, in-memory bodies). */
export async function frontmatterOfText(text: string, maxBytes: number): Promise<FrontmatterRead> {
  let done = false;
  const bytes = new TextEncoder().encode(text);
  return frontmatterFromChunks(async () => {
    if (done) return null;
    done = true;
    return bytes;
  }, maxBytes);
}

export interface SkillFrontmatter {
  skill_name: string;
  description: string;
  /** Every key except name and description. */
  metadata: Record<string, unknown>;
}

export type FrontmatterCheck =
  | { ok: true; value: SkillFrontmatter }
  | { ok: false; reason: string; field: "name" | "description"; actual?: unknown; rule: string };

/** Apply the spec 7.1 rules to parsed front matter. */
export function checkFrontmatter(data: Record<string, unknown>): FrontmatterCheck {
  const rawName = data.name;
  if (typeof rawName !== "string" || rawName === "") {
    return { ok: false, reason: "name_missing", field: "name", rule: "front matter needs a non-empty string `name`" };
  }
  const rawDescription = data.description;
  if (typeof rawDescription !== "string" || rawDescription === "") {
    return { ok: false, reason: "description_missing", field: "description", rule: "front matter needs a non-empty string `description`" };
  }
  const name = rawName.trim();
  if (name === "" || /\s/u.test(name)) {
    return { ok: false, reason: "name_has_whitespace", field: "name", actual: rawName, rule: `name ${JSON.stringify(rawName)} must not contain whitespace` };
  }
  if (!isValidSkillName(name)) {
    return { ok: false, reason: "invalid_skill_name_slug", field: "name", actual: name, rule: `name ${JSON.stringify(name)} must be ${SKILL_NAME_RULE}` };
  }
  const metadata: Record<string, unknown> = { ...data };
  delete metadata.name;
  delete metadata.description;
  const nested = metadata.metadata;
  if (isPlainObject(nested) && typeof nested["short-description"] === "string" && nested["short-description"] !== "") {
    metadata.metadata = { ...nested, "short-description": collapseWhitespace(nested["short-description"]) };
  }
  return { ok: true, value: { skill_name: name, description: collapseWhitespace(rawDescription), metadata } };
}

/** Env vars from the parsed content of `agents/openai.yaml` (fail-open). */
export function envVarsFromAgentsYaml(value: unknown): string[] {
  if (!isPlainObject(value)) return [];
  const deps = value.dependencies ?? {};
  if (!isPlainObject(deps)) return [];
  const tools = deps.tools ?? [];
  if (!Array.isArray(tools)) return [];
  const out: string[] = [];
  for (const item of tools) {
    if (!isPlainObject(item) || item.type !== "env_var") continue;
    if (typeof item.value === "string" && item.value !== "" && !out.includes(item.value)) out.push(item.value);
  }
  return out;
}

/** Env-var dependencies of the skill in `skillDir` (spec 7.1); [] on any problem. */
export async function readRequiredEnvVars(skillDir: string): Promise<string[]> {
  try {
    const bytes = await readFile(join(skillDir, "agents", "openai.yaml"));
    if (bytes.length > MAX_AGENTS_YAML_BYTES) return [];
    return envVarsFromAgentsYaml(parseYaml(utf8.decode(bytes)).value);
  } catch {
    return [];
  }
}
