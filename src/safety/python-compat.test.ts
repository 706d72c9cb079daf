import { expect, test } from "bun:test";
import { pyRepr, pySorted, pySplitlines, pyStr, pyStrip, pyTruthy } from "./python-compat.ts";

// Expected values recorded from CPython 3.11.
test("pyStrip removes what Python's str.strip() removes, not what String.trim() removes", () => {
  expect(pyStrip("\x1c\x85 a b\u3000\t")).toBe("a b");
  expect(pyStrip("\ufeffa\ufeff")).toBe("\ufeffa\ufeff");
});

test("pySplitlines splits on every Python line boundary and drops a final empty line", () => {
  expect(pySplitlines("a\r\nb\rc\x0bd\x1ce\u2028f\n")).toEqual(["a", "b", "c", "d", "e", "f"]);
  expect(pySplitlines("")).toEqual([]);
  expect(pySplitlines("\n\n")).toEqual(["", ""]);
});

test("pyTruthy, pyStr and pyRepr follow Python", () => {
  expect([0, "", [], {}, null, false, "0", [0], 0.5].map(pyTruthy)).toEqual([false, false, false, false, false, false, true, true, true]);
  expect([true, null, 1e-5, 3, "x"].map(pyStr)).toEqual(["True", "None", "1e-05", "3", "x"]);
  expect(pyRepr({ a: ["it's", 'q"', "\n"], b: false })).toBe(`{'a': ["it's", 'q"', '\\n'], 'b': False}`);
});

test("pySorted orders by code point", () => {
  expect(pySorted(["b", "\u{1F600}", "\uff01", "B", "a"])).toEqual(["B", "a", "b", "\uff01", "\u{1F600}"]);
});
