import { describe, expect, test } from "bun:test";
import { fnmatch } from "./fnmatch.ts";

describe("fnmatch", () => {
  test("`*` matches across `/`, like Python's fnmatch", () => {
    expect(fnmatch("docs/a.md", "*.md")).toBe(true);
    expect(fnmatch("a.md", "*.md")).toBe(true);
    expect(fnmatch("a.mdx", "*.md")).toBe(false);
    expect(fnmatch("src/x/y.ts", "src/*.ts")).toBe(true);
  });

  test("`?` matches exactly one character", () => {
    expect(fnmatch("a1.txt", "a?.txt")).toBe(true);
    expect(fnmatch("a12.txt", "a?.txt")).toBe(false);
  });

  test("character classes, negation and a leading `]`", () => {
    expect(fnmatch("b.txt", "[abc].txt")).toBe(true);
    expect(fnmatch("d.txt", "[!abc].txt")).toBe(true);
    expect(fnmatch("a.txt", "[!abc].txt")).toBe(false);
    expect(fnmatch("].txt", "[]].txt")).toBe(true);
    expect(fnmatch("^", "[^]")).toBe(true);
  });

  test("an unclosed `[` and regex metacharacters are literals", () => {
    expect(fnmatch("[a", "[a")).toBe(true);
    expect(fnmatch("a+b(c).txt", "a+b(c).txt")).toBe(true);
    expect(fnmatch("aab", "a+b")).toBe(false);
  });

  test("is case-sensitive (POSIX)", () => {
    expect(fnmatch("A.MD", "*.md")).toBe(false);
  });
});
