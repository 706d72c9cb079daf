import { describe, expect, test } from "bun:test";
import { ShlexError, shlexJoin, shlexQuote, shlexSplit } from "./shlex.ts";

/** Recorded from CPython 3.11 `shlex.split` / `shlex.quote`. */
const SPLIT_CASES: { in: string; out?: string[]; error?: string }[] = [
  {"in": "echo hi", "out": ["echo", "hi"]},
  {"in": "  echo   hi  ", "out": ["echo", "hi"]},
  {"in": "echo 'a b' \"c d\"", "out": ["echo", "a b", "c d"]},
  {"in": "a''b", "out": ["ab"]},
  {"in": "''", "out": [""]},
  {"in": "\"\"", "out": [""]},
  {"in": "echo ''", "out": ["echo", ""]},
  {"in": "a\\ b", "out": ["a b"]},
  {"in": "a\\\\b", "out": ["a\\b"]},
  {"in": "\"a\\\"b\"", "out": ["a\"b"]},
  {"in": "\"a\\nb\"", "out": ["a\\nb"]},
  {"in": "\"a\\\\b\"", "out": ["a\\b"]},
  {"in": "'a\\'", "out": ["a\\"]},
  {"in": "it's", "error": "No closing quotation"},
  {"in": "echo \"it's\"", "out": ["echo", "it's"]},
  {"in": "a&&b", "out": ["a&&b"]},
  {"in": "pytest && rm -rf /", "out": ["pytest", "&&", "rm", "-rf", "/"]},
  {"in": "echo a#b # c", "out": ["echo", "a#b", "#", "c"]},
  {"in": "x=\"1 2\" y", "out": ["x=1 2", "y"]},
  {"in": "tab\tsep\rret", "out": ["tab", "sep", "ret"]},
  {"in": "\"unterminated", "error": "No closing quotation"},
  {"in": "'unterminated", "error": "No closing quotation"},
  {"in": "trailing\\", "error": "No escaped character"},
  {"in": "\"$HOME\" '$HOME'", "out": ["$HOME", "$HOME"]},
  {"in": "a\"b\"'c'd", "out": ["abcd"]},
  {"in": "报告 \"中文 字\"", "out": ["报告", "中文 字"]},
  {"in": "\\'", "out": ["'"]},
  {"in": "\"\\'\"", "out": ["\\'"]},
  {"in": "'\\\"'", "out": ["\\\""]},
  {"in": "a\\\nb", "out": ["a\nb"]},
];
const QUOTE_CASES: { in: string; out: string }[] = [
  {"in": "", "out": "''"},
  {"in": "abc", "out": "abc"},
  {"in": "a b", "out": "'a b'"},
  {"in": "it's", "out": "'it'\"'\"'s'"},
  {"in": "a'b'c", "out": "'a'\"'\"'b'\"'\"'c'"},
  {"in": "@%+=:,./-_x9", "out": "@%+=:,./-_x9"},
  {"in": "$HOME", "out": "'$HOME'"},
  {"in": "报告", "out": "'报告'"},
  {"in": "a*", "out": "'a*'"},
  {"in": "-rf", "out": "-rf"},
  {"in": "&&", "out": "'&&'"},
  {"in": "x\ny", "out": "'x\ny'"},
];

describe("shlexSplit matches Python shlex.split", () => {
  for (const c of SPLIT_CASES) {
    test(`splits ${JSON.stringify(c.in)}`, () => {
      if (c.error) {
        expect(() => shlexSplit(c.in)).toThrow(ShlexError);
        expect(() => shlexSplit(c.in)).toThrow(c.error);
      } else expect(shlexSplit(c.in)).toEqual(c.out as string[]);
    });
  }
});

describe("shlexQuote matches Python shlex.quote", () => {
  for (const c of QUOTE_CASES) {
    test(`quotes ${JSON.stringify(c.in)}`, () => expect(shlexQuote(c.in)).toBe(c.out));
  }
});

test("quoted tokens split back to themselves", () => {
  const argv = ["echo", "it's", "", "a b", "$HOME", "报告", "x\ny", "&&"];
  expect(shlexSplit(shlexJoin(argv))).toEqual(argv);
});
