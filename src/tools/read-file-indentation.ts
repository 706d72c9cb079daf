/**
 * The block selection of `read_file` in indentation mode (spec 4.3 "read_file indentation
 * mode"), ported from the reference: pure functions over the file's lines (0-based indices).
 */
import { pyStrip } from "../safety/python-compat.ts";

export interface IndentationOptions {
  /** 0-based index of the anchor line. */
  anchorIndex: number;
  /** Header levels to climb; 0 = unlimited. */
  maxLevels: number;
  includeSiblings: boolean;
  includeHeader: boolean;
}

export function isBlank(line: string): boolean {
  return pyStrip(line) === "";
}

/** Leading indentation width: a space counts 1, a tab 4; a blank line has width 0. */
export function indentWidth(line: string): number {
  if (isBlank(line)) return 0;
  let width = 0;
  for (const ch of line) {
    if (ch === " ") width += 1;
    else if (ch === "\t") width += 4;
    else break;
  }
  return width;
}

function nextNonBlank(lines: readonly string[], from: number): number | null {
  for (let i = from; i < lines.length; i += 1) if (!isBlank(lines[i] as string)) return i;
  return null;
}

/**
 * The nearest line at or above `from` that is less indented than `indent` and whose next
 * non-blank line is more indented than itself (a block header), or null.
 */
export function findHeaderAbove(lines: readonly string[], from: number, indent: number): number | null {
  for (let i = from; i >= 0; i -= 1) {
    const line = lines[i] as string;
    if (isBlank(line)) continue;
    const width = indentWidth(line);
    if (width < indent) {
      const next = nextNonBlank(lines, i + 1);
      if (next !== null && indentWidth(lines[next] as string) > width) return i;
    }
  }
  return null;
}

/** The body of a header: the lines after it up to the next non-blank line indented no deeper. */
export function blockRange(lines: readonly string[], header: number): [number, number] {
  if (header + 1 >= lines.length) return [lines.length, lines.length - 1];
  const headerIndent = indentWidth(lines[header] as string);
  for (let i = header + 1; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (!isBlank(line) && indentWidth(line) <= headerIndent) return [header + 1, i - 1];
  }
  return [header + 1, lines.length - 1];
}

/**
 * The inclusive [start, end] range of the block around the anchor, or null when there is none
 * (anchor at indent 0, no header above, empty body without include_header): the caller then
 * falls back to a slice from the anchor.
 */
export function selectIndentationRange(lines: readonly string[], options: IndentationOptions): [number, number] | null {
  const anchorIndent = indentWidth(lines[options.anchorIndex] as string);
  if (anchorIndent <= 0) return null;
  const targetLevels = options.maxLevels > 0 ? options.maxLevels : 10_000;
  // include_siblings climbs one level more: the selected header's parent gives the siblings.
  const collectLevels = options.includeSiblings && options.maxLevels > 0 ? targetLevels + 1 : targetLevels;

  const headers: number[] = [];
  let from = options.anchorIndex - 1;
  let indent = anchorIndent;
  while (from >= 0 && headers.length < collectLevels) {
    const header = findHeaderAbove(lines, from, indent);
    if (header === null) break;
    headers.push(header);
    from = header - 1;
    indent = indentWidth(lines[header] as string);
  }
  if (headers.length === 0) return null;

  const selectedLevels = Math.min(headers.length, targetLevels);
  let selected = headers[selectedLevels - 1] as number;
  if (options.includeSiblings && options.maxLevels > 0 && headers.length > selectedLevels) {
    selected = headers[selectedLevels] as number;
  }
  const [bodyStart, bodyEnd] = blockRange(lines, selected);
  if (bodyEnd < bodyStart) return options.includeHeader ? [selected, selected] : null;
  return options.includeHeader ? [selected, bodyEnd] : [bodyStart, bodyEnd];
}
