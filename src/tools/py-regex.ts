/**
 * Python `re` patterns run as JS RegExps, for `grep_files` (the reference calls `re.search`).
 *
 * Translated so they mean what they mean in Python:
 * - `(?P<name>...)` -> `(?<name>...)`, `(?P=name)` -> `\k<name>`, `(?#comment)` dropped;
 * - global flags at the start, `(?imsaux)`: `i`, `m`, `s` become RegExp flags, `a`/`u` are
 *   accepted (no effect, see below), `x` (verbose) and `L` are refused;
 * - `\A` -> start of input, `\Z` -> end of input;
 * - `$` without MULTILINE also matches before a final newline, as in Python;
 * - `]` first in a class (`[]a]`, `[^]a]`) is a literal `]` (in JS `[]` is an empty class).
 * Known differences, not translated: `\d`, `\w`, `\s`, `\b` are ASCII-only in JS (Unicode-aware in
 * Python str patterns); atomic groups `(?>...)` and possessive quantifiers (Python 3.11+) are
 * syntax errors here; a few escapes Python rejects (`\e`, `\q`) are accepted by JS as literals;
 * ranges out of order and other errors are reported with the JS engine's message.
 */

export interface PythonRegexOptions {
  /** Extra JS flags (e.g. "g"). */
  flags?: string;
}

const LEADING_FLAGS = /^\(\?([aiLmsux]+)\)/;

/** Compile a Python `re` pattern; throws a SyntaxError when it is not valid (or not supported). */
export function compilePythonRegex(pattern: string, options: PythonRegexOptions = {}): RegExp {
  let source = pattern;
  const flags = new Set(options.flags ?? "");
  for (let match = LEADING_FLAGS.exec(source); match !== null; match = LEADING_FLAGS.exec(source)) {
    for (const flag of match[1] as string) {
      if (flag === "x") throw new SyntaxError("verbose patterns (?x) are not supported");
      if (flag === "L") throw new SyntaxError("the locale flag (?L) is not supported for text patterns");
      if (flag === "i" || flag === "m" || flag === "s") flags.add(flag);
    }
    source = source.slice(match[0].length);
  }
  return new RegExp(translate(source, flags.has("m")), [...flags].join(""));
}

function translate(source: string, multiline: boolean): string {
  let out = "";
  let inClass = false;
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === "\\") {
      const next = source[i + 1] ?? "";
      if (!inClass && next === "A") out += "(?<![\\s\\S])";
      else if (!inClass && next === "Z") out += "(?![\\s\\S])";
      else out += c + next;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      out += c;
      i += 1;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      i += 1;
      if (source[i] === "^") {
        out += "^";
        i += 1;
      }
      if (source[i] === "]") {
        out += "\\]";
        i += 1;
      }
      continue;
    }
    if (c === "$" && !multiline) {
      out += "(?=\\n?(?![\\s\\S]))";
      i += 1;
      continue;
    }
    if (source.startsWith("(?P<", i)) {
      out += "(?<";
      i += 4;
      continue;
    }
    if (source.startsWith("(?P=", i)) {
      const end = source.indexOf(")", i);
      if (end < 0) throw new SyntaxError("missing ), unterminated name");
      out += `\\k<${source.slice(i + 4, end)}>`;
      i = end + 1;
      continue;
    }
    if (source.startsWith("(?#", i)) {
      const end = source.indexOf(")", i);
      if (end < 0) throw new SyntaxError("missing ), unterminated comment");
      i = end + 1;
      continue;
    }
    out += c;
    i += 1;
  }
  return out;
}
