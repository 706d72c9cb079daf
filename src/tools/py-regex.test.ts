import { describe, expect, test } from "bun:test";
import { compilePythonRegex } from "./py-regex.ts";

const search = (pattern: string, text: string) => compilePythonRegex(pattern).test(text);

describe("compilePythonRegex", () => {
  test("translates named groups and named back-references", () => {
    expect(search("(?P<q>['\"])x(?P=q)", "say 'x' now")).toBe(true);
    expect(search("(?P<q>['\"])x(?P=q)", "say 'x\" now")).toBe(false);
  });

  test("applies leading global flags", () => {
    expect(search("(?i)hello", "HeLLo")).toBe(true);
    expect(search("hello", "HeLLo")).toBe(false);
    expect(search("(?s)a.b", "a\nb")).toBe(true);
    expect(search("a.b", "a\nb")).toBe(false);
    expect(search("(?m)^b$", "a\nb\nc")).toBe(true);
  });

  test("refuses verbose patterns instead of misreading them", () => {
    expect(() => compilePythonRegex("(?x) a b # comment")).toThrow(SyntaxError);
  });

  test("`$` also matches before a final newline, `\\Z` only at the end", () => {
    expect(search("end$", "the end\n")).toBe(true);
    expect(search("end$", "the end\nmore")).toBe(false);
    expect(search("end\\Z", "the end\n")).toBe(false);
    expect(search("end\\Z", "the end")).toBe(true);
  });

  test("`\\A` anchors at the start of the input even with MULTILINE", () => {
    expect(search("(?m)\\Ab", "a\nb")).toBe(false);
    expect(search("(?m)^b", "a\nb")).toBe(true);
  });

  test("a `]` first in a class is literal; `$` inside a class stays literal", () => {
    expect(search("[]a]", "x]")).toBe(true);
    expect(search("[^]]", "]]")).toBe(false);
    expect(search("[$]", "cost $5")).toBe(true);
    expect(search("\\$5", "cost $5")).toBe(true);
  });

  test("drops inline comments", () => {
    expect(search("a(?#the letter a)b", "ab")).toBe(true);
  });

  test("invalid patterns throw", () => {
    expect(() => compilePythonRegex("(unclosed")).toThrow();
    expect(() => compilePythonRegex("[z-a]")).toThrow();
  });
});
