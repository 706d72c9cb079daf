/**
 * Bash ANSI-C quoting (`$'...'`): decode the escapes the way bash does, so `$'\x72m'` is seen as
 * `rm` by the allowlist, the denylist and the guard.
 */

const SIMPLE: Record<string, string> = {
  a: "\x07", b: "\b", e: "\x1b", E: "\x1b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v",
  "\\": "\\", "'": "'", '"': '"', "?": "?",
};

/**
 * Decode the body of `$'...'` starting at `start` (just after the opening quote). Returns the
 * decoded text and the index just after the closing quote, or null when the quote is not closed.
 */
export function readAnsiCQuoted(src: string, start: number): { value: string; end: number } | null {
  let value = "";
  let i = start;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === "'") return { value, end: i + 1 };
    if (c !== "\\") {
      value += c;
      i += 1;
      continue;
    }
    const e = src[i + 1] ?? "";
    i += 2;
    const simple = SIMPLE[e];
    if (simple !== undefined) value += simple;
    else if (/[0-7]/.test(e)) {
      const digits = /^[0-7]{0,2}/.exec(src.slice(i))?.[0] ?? "";
      value += String.fromCodePoint(parseInt(e + digits, 8) & 0xff);
      i += digits.length;
    } else if (e === "x" || e === "u" || e === "U") {
      const max = e === "x" ? 2 : e === "u" ? 4 : 8;
      const digits = new RegExp(`^[0-9a-fA-F]{1,${max}}`).exec(src.slice(i))?.[0];
      if (digits === undefined) value += `\\${e}`;
      else {
        const code = parseInt(digits, 16);
        value += code <= 0x10ffff ? String.fromCodePoint(code) : "";
        i += digits.length;
      }
    } else if (e === "c" && i < src.length) {
      value += String.fromCharCode((src.charCodeAt(i) as number) & 0x1f);
      i += 1;
    } else value += `\\${e}`;
  }
  return null;
}
