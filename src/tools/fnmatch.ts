/**
 * Python `fnmatch.fnmatch` on POSIX (case-sensitive): `*` matches anything including `/`, `?`
 * one character, `[seq]` / `[!seq]` a character class; an unclosed `[` is a literal.
 * Difference: a class with a range out of order (`[z-a]`), which Python drops, is an error here.
 */

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

/** The RegExp Python's `fnmatch.translate` would build (anchored, `.` matching newlines). */
export function fnmatchRegExp(pattern: string): RegExp {
  let out = "";
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i] as string;
    i += 1;
    if (c === "*") {
      while (pattern[i] === "*") i += 1;
      out += ".*";
    } else if (c === "?") {
      out += ".";
    } else if (c === "[") {
      let j = i;
      if (pattern[j] === "!") j += 1;
      if (pattern[j] === "]") j += 1;
      while (j < n && pattern[j] !== "]") j += 1;
      if (j >= n) {
        out += "\\[";
        continue;
      }
      let body = pattern.slice(i, j).replace(/\\/g, "\\\\").replace(/\]/g, "\\]");
      i = j + 1;
      if (body.startsWith("!")) body = `^${body.slice(1)}`;
      else if (body.startsWith("^") || body.startsWith("[")) body = `\\${body}`;
      out += `[${body}]`;
    } else {
      out += escapeRegExp(c);
    }
  }
  return new RegExp(`^(?:${out})$`, "s");
}

/** True when `name` matches the glob `pattern` (throws a SyntaxError for an invalid class). */
export function fnmatch(name: string, pattern: string): boolean {
  return fnmatchRegExp(pattern).test(name);
}
