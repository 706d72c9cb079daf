import { describe, expect, test } from "bun:test";
import { blockRange, findHeaderAbove, indentWidth, selectIndentationRange } from "./read-file-indentation.ts";

const LINES = ["root:", "\tchild:", "\t\tleaf", "", "\tsibling", "after"];

describe("indentation helpers", () => {
  test("a tab counts 4 and blank lines count 0", () => {
    expect(indentWidth("\t\tleaf")).toBe(8);
    expect(indentWidth("  \tx")).toBe(6);
    expect(indentWidth("   ")).toBe(0);
  });

  test("a header is less indented and followed by a more indented line", () => {
    expect(findHeaderAbove(LINES, 1, 8)).toBe(1);
    expect(findHeaderAbove(LINES, 0, 4)).toBe(0);
    expect(findHeaderAbove(LINES, 4, 0)).toBeNull();
  });

  test("a body runs to the next non-blank line indented no deeper, blank lines included", () => {
    expect(blockRange(LINES, 1)).toEqual([2, 3]);
    expect(blockRange(LINES, 0)).toEqual([1, 4]);
    expect(blockRange(LINES, 5)).toEqual([6, 5]);
  });

  test("no block when the anchor is not indented or has no header above", () => {
    const options = { maxLevels: 4, includeSiblings: false, includeHeader: true };
    expect(selectIndentationRange(LINES, { ...options, anchorIndex: 5 })).toBeNull();
    expect(selectIndentationRange(["  indented first", "  second"], { ...options, anchorIndex: 1 })).toBeNull();
    expect(selectIndentationRange(LINES, { ...options, anchorIndex: 2, maxLevels: 1 })).toEqual([1, 3]);
  });
});
