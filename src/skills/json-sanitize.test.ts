import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { sanitizeJson } from "./json-sanitize.ts";

test("non-finite numbers become strings", () => {
  expect(sanitizeJson([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5, 2])).toEqual(["NaN", "Infinity", "-Infinity", 1.5, 2]);
});

test("bytes and errors become typed objects", () => {
  const bytes = new TextEncoder().encode("abc");
  expect(sanitizeJson(bytes)).toEqual({ __type__: "bytes", len: 3, sha256: createHash("sha256").update(bytes).digest("hex") });
  expect(sanitizeJson(new TypeError("bad"))).toEqual({ __type__: "exception", class: "TypeError", message: "bad" });
});

test("mapping keys are stringified and sorted; Map key collisions get __dup__ suffixes", () => {
  expect(Object.keys(sanitizeJson({ b: 1, a: 2, C: 3 }) as object)).toEqual(["C", "a", "b"]);
  expect(sanitizeJson(new Map<unknown, number>([[1, 1], ["1", 2], [true, 3]]))).toEqual({ "1": 1, "1__dup__1": 2, true: 3 });
});

test("sets become lists in a stable order", () => {
  const a = sanitizeJson(new Set(["x", "y", "z"]));
  const b = sanitizeJson(new Set(["z", "y", "x"]));
  expect(a).toEqual(b);
  expect((a as string[]).sort()).toEqual(["x", "y", "z"]);
});

test("cycles and depth are bounded", () => {
  const cyclic: Record<string, unknown> = { name: "loop" };
  cyclic.self = cyclic;
  expect(sanitizeJson(cyclic)).toEqual({ name: "loop", self: "<cycle>" });
  let deep: unknown = "leaf";
  for (let i = 0; i < 10; i++) deep = [deep];
  expect(JSON.stringify(sanitizeJson(deep))).toBe(`${"[".repeat(8)}"<max_depth_reached>"${"]".repeat(8)}`);
});

test("a shared (non-cyclic) object appears twice", () => {
  const shared = { v: 1 };
  expect(sanitizeJson({ a: shared, b: shared })).toEqual({ a: { v: 1 }, b: { v: 1 } });
});

test("other values get a string form; the result always serialises", () => {
  class Thing {}
  const value = sanitizeJson({ f: function named() {}, d: new Date(0), t: new Thing(), u: undefined, big: 2n ** 70n });
  expect(value).toEqual({ big: "1180591620717411303424", d: "1970-01-01T00:00:00.000Z", f: "<function named>", t: "[object Object]", u: null });
  expect(() => JSON.stringify(value)).not.toThrow();
});
