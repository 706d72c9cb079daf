/**
 * Which registered tools are offered to the model (`prompt.tools.exposure`, spec 2.9).
 *
 * `all` offers every tool, `none` offers nothing (the request then carries no `tools`), and
 * `explicit_only` offers a tool only when the task names it as a whole word. A word character is
 * any Unicode letter or number, `_`, `.` or `-`, so `请用file_read读取` does not name `file_read`
 * (CJK letters are word characters) while `请用 file_read 读取` does.
 */
import type { ToolsExposure } from "./settings.ts";

const WORD_CHAR = String.raw`[\p{L}\p{N}_.\-]`;

/** Escapes regex syntax characters (only those: `u`-mode patterns reject needless escapes like `\-`). */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** True when `name` occurs in `text` with no word character directly before or after it. */
export function mentionsToolName(text: string, name: string): boolean {
  if (name === "") return false;
  const pattern = new RegExp(`(?<!${WORD_CHAR})${escapeRegExp(name)}(?!${WORD_CHAR})`, "u");
  return pattern.test(text);
}

/** Filters tool specs by the exposure rule; `text` is the task the model is working on. */
export function exposeTools<T extends { name: string }>(
  tools: readonly T[],
  exposure: ToolsExposure,
  text: string,
): T[] {
  switch (exposure) {
    case "all":
      return [...tools];
    case "none":
      return [];
    case "explicit_only":
      return tools.filter((tool) => mentionsToolName(text, tool.name));
  }
}
