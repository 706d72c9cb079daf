/**
 * Python `shlex.split` / `shlex.quote`, re-implemented faithfully (spec 16.5).
 *
 * `shlexSplit` follows `shlex.shlex(s, posix=True)` with `whitespace_split=True` and no comment
 * characters, which is exactly what `shlex.split(s)` does: whitespace is ` \t\r\n`, quotes are
 * `'` and `"`, the escape is `\`, and only `"` honours escapes inside quotes (and there only for
 * `"` and `\`). Operators such as `&&` or `>` are NOT separated from neighbouring characters:
 * `a&&b` is one token. For real shell structure use `splitShellCommands` (shell-parse.ts).
 */

export class ShlexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShlexError";
  }
}

const WHITESPACE = new Set([" ", "\t", "\r", "\n"]);

/** Split like Python's `shlex.split(s)`; throws `ShlexError` where Python raises `ValueError`. */
export function shlexSplit(text: string): string[] {
  const tokens: string[] = [];
  let token = "";
  let quoted = false; // the current token contains a quoted part (so '' is a real token)
  let state: "space" | "word" | "'" | '"' | "escape" = "space";
  let escapedFrom: "word" | '"' = "word";

  const emit = () => {
    if (token !== "" || quoted) tokens.push(token);
    token = "";
    quoted = false;
  };

  for (const ch of text) {
    switch (state) {
      case "space":
      case "word":
        if (WHITESPACE.has(ch)) {
          emit();
          state = "space";
        } else if (ch === "\\") {
          escapedFrom = "word";
          state = "escape";
        } else if (ch === "'" || ch === '"') {
          state = ch;
        } else {
          token += ch;
          state = "word";
        }
        break;
      case "'":
        quoted = true;
        if (ch === "'") state = "word";
        else token += ch;
        break;
      case '"':
        quoted = true;
        if (ch === '"') state = "word";
        else if (ch === "\\") {
          escapedFrom = '"';
          state = "escape";
        } else token += ch;
        break;
      case "escape":
        // Inside double quotes only the quote itself or the escape may be escaped.
        if (escapedFrom === '"' && ch !== '"' && ch !== "\\") token += "\\";
        token += ch;
        state = escapedFrom;
        break;
    }
  }
  if (state === "'" || state === '"') throw new ShlexError("No closing quotation");
  if (state === "escape") throw new ShlexError("No escaped character");
  emit();
  return tokens;
}

/** Characters that need no quoting: Python's `[\w@%+=:,./-]` with `re.ASCII`. */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quote like Python's `shlex.quote(s)`. */
export function shlexQuote(text: string): string {
  if (text === "") return "''";
  if (SAFE.test(text)) return text;
  return `'${text.replaceAll("'", `'"'"'`)}'`;
}

/** `shlex.join`: every token quoted, joined by single spaces. */
export function shlexJoin(argv: readonly string[]): string {
  return argv.map(shlexQuote).join(" ");
}
