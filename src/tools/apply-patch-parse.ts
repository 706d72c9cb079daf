/**
 * The Codex-style patch format of `apply_patch` (spec 4.3 "apply_patch format"), parsed into
 * sections without touching the file system:
 *
 *   *** Begin Patch
 *   *** Add File: <path>        lines that all start with `+`
 *   *** Update File: <path>     optional `*** Move to: <path>`, hunks separated by `@@` lines,
 *                               hunk lines start with ` ` (context), `-` (removed), `+` (added)
 *   *** Delete File: <path>     no body
 *   *** End Patch
 *
 * Blank lines between sections are skipped (whitespace-only ones too; the reference skips only
 * empty lines), and so are blank lines at the end of an Add section; any other line that is not a
 * section header is an error. Everything after the first exact `*** End Patch` line is ignored.
 */
import { pyStrip } from "../safety/python-compat.ts";
import { RuntimeError } from "../util/errors.ts";
import { splitLines } from "./text-lines.ts";

export interface Hunk {
  /** Context and removed lines: what must be found in the file. */
  before: string[];
  /** Context and added lines: what replaces it. */
  after: string[];
}

export type PatchSection =
  | { kind: "add"; path: string; lines: string[] }
  | { kind: "update"; path: string; moveTo: string | null; hunks: Hunk[] }
  | { kind: "delete"; path: string; body: string[] };

const ADD = "*** Add File: ";
const UPDATE = "*** Update File: ";
const DELETE = "*** Delete File: ";
const MOVE = "*** Move to: ";
const BEGIN = "*** Begin Patch";
const END = "*** End Patch";

function invalid(reason: string): RuntimeError {
  return new RuntimeError("validation", `Cannot parse patch: ${reason}`);
}

function isSectionHeader(line: string): boolean {
  return line.startsWith(ADD) || line.startsWith(UPDATE) || line.startsWith(DELETE);
}

function isBlank(line: string): boolean {
  return pyStrip(line) === "";
}

function parseAdd(path: string, body: string[]): PatchSection {
  let end = body.length;
  while (end > 0 && isBlank(body[end - 1] as string)) end -= 1;
  const lines = body.slice(0, end);
  const bad = lines.find((line) => !line.startsWith("+"));
  if (bad !== undefined) throw invalid(`Add File "${path}": every content line must start with "+", got "${bad}"`);
  return { kind: "add", path, lines: lines.map((line) => line.slice(1)) };
}

function parseUpdate(path: string, body: string[]): PatchSection {
  let moveTo: string | null = null;
  const hunks: Hunk[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length === 0) return;
    const before = current.filter((l) => l[0] === " " || l[0] === "-").map((l) => l.slice(1));
    const after = current.filter((l) => l[0] === " " || l[0] === "+").map((l) => l.slice(1));
    hunks.push({ before, after });
    current = [];
  };
  for (const line of body) {
    if (line.startsWith(MOVE)) moveTo = pyStrip(line.slice(MOVE.length));
    else if (line.startsWith("@@")) flush();
    else if (line.startsWith(" ") || line.startsWith("+") || line.startsWith("-")) current.push(line);
    else if (!isBlank(line)) throw invalid(`Update File "${path}": invalid update line "${line}"`);
  }
  flush();
  return { kind: "update", path, moveTo, hunks };
}

/** Parse a whole patch; throws a `validation` RuntimeError naming what is wrong. */
export function parsePatch(input: string): PatchSection[] {
  const lines = splitLines(input);
  if (lines.length === 0 || pyStrip(lines[0] as string) !== BEGIN) throw invalid(`the first line must be "${BEGIN}"`);
  const end = lines.indexOf(END);
  if (end < 0) throw invalid(`the line "${END}" is missing`);
  const body = lines.slice(1, end);

  const sections: PatchSection[] = [];
  let i = 0;
  while (i < body.length) {
    const header = body[i] as string;
    i += 1;
    if (isBlank(header)) continue;
    const prefix = [ADD, UPDATE, DELETE].find((p) => header.startsWith(p));
    if (prefix === undefined) throw invalid(`unknown file section header "${header}"`);
    const path = pyStrip(header.slice(prefix.length));
    if (path === "") throw invalid(`the section header "${header}" names no file`);
    const start = i;
    while (i < body.length && !isSectionHeader(body[i] as string)) i += 1;
    const sectionBody = body.slice(start, i);
    if (prefix === ADD) sections.push(parseAdd(path, sectionBody));
    else if (prefix === UPDATE) sections.push(parseUpdate(path, sectionBody));
    else sections.push({ kind: "delete", path, body: sectionBody.filter((line) => !isBlank(line)) });
  }
  return sections;
}
