/**
 * Applying the hunks of an `*** Update File` section to a file's text: each hunk's "before"
 * lines (context + removed) must appear exactly, at or after where the previous hunk ended, and
 * are replaced by its "after" lines (context + added). No fuzz, no whitespace tolerance.
 */
import { RuntimeError } from "../util/errors.ts";
import type { Hunk } from "./apply-patch-parse.ts";
import { endsWithLineBreak, splitLines } from "./text-lines.ts";

function findSequence(haystack: readonly string[], needle: readonly string[], from: number): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i += 1) {
    for (let j = 0; j < needle.length; j += 1) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * The new text of `path` after its hunks. The result ends with a line break when the original
 * did or when it is not empty.
 */
export function applyHunks(path: string, original: string, hunks: readonly Hunk[]): string {
  let lines = splitLines(original);
  let from = 0;
  hunks.forEach((hunk, index) => {
    const which = hunks.length > 1 ? `hunk ${index + 1}` : "the hunk";
    if (hunk.before.length === 0) {
      throw new RuntimeError("validation", `Cannot update "${path}": ${which} has no context or removed lines to match`);
    }
    const at = findSequence(lines, hunk.before, from);
    if (at < 0) {
      throw new RuntimeError(
        "validation",
        `Cannot update "${path}": ${which} does not apply (context not found, first line "${hunk.before[0]}")`,
      );
    }
    lines = [...lines.slice(0, at), ...hunk.after, ...lines.slice(at + hunk.before.length)];
    from = at + hunk.after.length;
  });
  return lines.join("\n") + (endsWithLineBreak(original) || lines.length > 0 ? "\n" : "");
}
