import { describe, expect, test } from "bun:test";
import { isRuntimeError } from "../util/errors.ts";
import { parsePatch } from "./apply-patch-parse.ts";

function parseError(input: string): string {
  try {
    parsePatch(input);
  } catch (error) {
    if (isRuntimeError(error) && error.kind === "validation") return error.message;
    throw error;
  }
  throw new Error("expected a validation error");
}

const patch = (...lines: string[]) => ["*** Begin Patch", ...lines, "*** End Patch"].join("\n");

describe("parsePatch", () => {
  test("parses add, update (with move and hunks) and delete sections", () => {
    const sections = parsePatch(
      patch(
        "*** Add File: a.txt",
        "+one",
        "+",
        "",
        "*** Update File:  b.txt ",
        "*** Move to: c.txt",
        "@@ def f():",
        " keep",
        "-old",
        "+new",
        "",
        "@@",
        "-gone",
        "*** Delete File: d.txt",
      ),
    );
    expect(sections).toEqual([
      { kind: "add", path: "a.txt", lines: ["one", ""] },
      {
        kind: "update",
        path: "b.txt",
        moveTo: "c.txt",
        hunks: [
          { before: ["keep", "old"], after: ["keep", "new"] },
          { before: ["gone"], after: [] },
        ],
      },
      { kind: "delete", path: "d.txt", body: [] },
    ]);
  });

  test("accepts CRLF, a padded Begin line and ignores text after End Patch", () => {
    const sections = parsePatch("  *** Begin Patch \r\n*** Delete File: x\r\n*** End Patch\r\ntrailing junk\r\n");
    expect(sections).toEqual([{ kind: "delete", path: "x", body: [] }]);
  });

  test("a line of spaces in a hunk is a context line; an empty line is skipped", () => {
    const [section] = parsePatch(patch("*** Update File: f", "   ", "", "-x"));
    expect(section).toEqual({ kind: "update", path: "f", moveTo: null, hunks: [{ before: ["  ", "x"], after: ["  "] }] });
  });

  test("an empty patch has no sections", () => {
    expect(parsePatch(patch())).toEqual([]);
  });

  test("rejects a missing Begin or End line", () => {
    expect(parseError("*** Add File: a\n+x\n*** End Patch")).toContain('the first line must be "*** Begin Patch"');
    expect(parseError("")).toContain("*** Begin Patch");
    expect(parseError("*** Begin Patch\n*** Add File: a\n+x\n*** End Patch ")).toContain('"*** End Patch" is missing');
  });

  test("rejects Add content lines without +", () => {
    expect(parseError(patch("*** Add File: a", "+x", "y"))).toContain('every content line must start with "+", got "y"');
    expect(parseError(patch("*** Add File: a", "+x", "", "+y"))).toContain("must start with");
  });

  test("rejects invalid update lines and unknown section headers", () => {
    expect(parseError(patch("*** Update File: a", "x"))).toContain('invalid update line "x"');
    expect(parseError(patch("*** Rename File: a"))).toContain('unknown file section header "*** Rename File: a"');
    expect(parseError(patch("stray"))).toContain("unknown file section header");
  });

  test("rejects a section header without a path", () => {
    expect(parseError(patch("*** Delete File:  "))).toContain("names no file");
  });
});
