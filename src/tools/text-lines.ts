/**
 * Lines of a text file, split the way Python's universal-newlines mode reads them: on `\r\n`,
 * `\r` and `\n`, without a trailing empty line for a final line break.
 *
 * The reference calls `str.splitlines()`, which also breaks on `\v`, `\f`, `\x1c`-`\x1e`, `\x85`,
 * U+2028 and U+2029. We do not: a form feed in a source file stays inside its line, so line
 * numbers agree with editors and `grep -n`, and apply_patch does not turn it into a newline.
 */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** True when the text ends with a line break. */
export function endsWithLineBreak(text: string): boolean {
  return text.endsWith("\n") || text.endsWith("\r");
}
