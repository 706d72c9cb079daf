import { describe, expect, test } from "bun:test";
import { applyHunks } from "./apply-patch-hunks.ts";

describe("applyHunks", () => {
  test("replaces the first exact match and keeps the final newline", () => {
    const out = applyHunks("f", "a\nb\nc\nb\n", [{ before: ["b"], after: ["B"] }]);
    expect(out).toBe("a\nB\nc\nb\n");
  });

  test("later hunks search after the previous hunk's end", () => {
    const out = applyHunks("f", "x\ny\nx\n", [
      { before: ["x"], after: ["1"] },
      { before: ["x"], after: ["2"] },
    ]);
    expect(out).toBe("1\ny\n2\n");
  });

  test("a hunk matching only before the previous one's end does not apply", () => {
    expect(() =>
      applyHunks("f", "x\ny\n", [
        { before: ["y"], after: ["Y"] },
        { before: ["x"], after: ["X"] },
      ]),
    ).toThrow('Cannot update "f": hunk 2 does not apply (context not found, first line "x")');
  });

  test("adds a trailing newline to a non-empty result, none to an empty one", () => {
    expect(applyHunks("f", "a", [{ before: ["a"], after: ["b"] }])).toBe("b\n");
    expect(applyHunks("f", "a", [{ before: ["a"], after: [] }])).toBe("");
    expect(applyHunks("f", "a\n", [{ before: ["a"], after: [] }])).toBe("\n");
  });

  test("matching is exact: no whitespace tolerance", () => {
    expect(() => applyHunks("f", "a \n", [{ before: ["a"], after: ["b"] }])).toThrow("does not apply");
  });

  test("a hunk without context or removed lines is refused", () => {
    expect(() => applyHunks("f", "a\n", [{ before: [], after: ["b"] }])).toThrow("has no context or removed lines");
  });
});
