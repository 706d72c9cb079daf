import { describe, expect, test } from "bun:test";
import { pythonJsonDumps } from "./python-json.ts";

// Expected strings were produced by CPython 3.11 `json.dumps(value, ensure_ascii=False)`.
const value = {
  a: 1,
  b: [1.5, 1e-5, 0.0001, 1.5e-7, 123456.789, -2.5e-10, 0.1],
  s: 'é\u2028 "q" \\ \u0001\n\t',
  n: null,
  t: true,
  nested: { x: [], y: {} },
  中: "文",
};

describe("pythonJsonDumps", () => {
  test("matches Python's default separators, key order and float repr", () => {
    expect(pythonJsonDumps(value)).toBe(
      '{"a": 1, "b": [1.5, 1e-05, 0.0001, 1.5e-07, 123456.789, -2.5e-10, 0.1], "s": "é\u2028 \\"q\\" \\\\ \\u0001\\n\\t", "n": null, "t": true, "nested": {"x": [], "y": {}}, "中": "文"}',
    );
  });

  test("matches Python's compact separators", () => {
    expect(pythonJsonDumps({ argv: ["ls", "-la"], n: 2 }, { compact: true })).toBe('{"argv":["ls","-la"],"n":2}');
  });

  test("prints integers as digits, skips undefined entries and writes null for non-finite numbers", () => {
    expect(pythonJsonDumps({ big: 1e16, huge: 1e21, u: undefined, inf: Infinity, arr: [undefined, NaN] })).toBe(
      '{"big": 10000000000000000, "huge": 1000000000000000000000, "inf": null, "arr": [null, null]}',
    );
    expect(pythonJsonDumps(10n ** 30n)).toBe("1000000000000000000000000000000");
  });
});
