import { describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { dispatchTool, toolJsonSchema, tempDirs, unixSocketAt, writeTree } from "../../test/support/fs-tools.ts";
import { readFileTool } from "./read-file.ts";

const dirs = tempDirs("read-file-");

const CODE = [
  "class A:", //            L1
  "    def f(self):", //    L2
  "        x = 1", //       L3
  "        if x:", //       L4
  "            y = 2", //   L5
  "        return x", //    L6
  "", //                    L7
  "    def g(self):", //    L8
  "        pass", //        L9
  "z = 3", //               L10
].join("\n") + "\n";

async function read(root: string, args: Record<string, unknown>) {
  return dispatchTool(readFileTool, { file_path: "code.py", ...args }, root);
}

function workspace(files: Record<string, string | Uint8Array> = { "code.py": CODE }): string {
  const root = dirs.make();
  writeTree(root, files);
  return root;
}

describe("read_file slice mode", () => {
  test("the JSON schema sent to the model requires only file_path", () => {
    expect(toolJsonSchema(readFileTool).required).toEqual(["file_path"]);
  });

  test("returns numbered lines and the data fields", async () => {
    const root = workspace();
    const result = await read(root, { offset: 2, limit: 2 });
    expect(result.ok).toBe(true);
    expect(result.stdout).toBe("L2:     def f(self):\nL3:         x = 1\n");
    expect(result.truncated).toBe(true);
    expect(result.data).toEqual({ file_path: join(root, "code.py"), offset: 2, limit: 2, total_lines: 10, mode: "slice" });
  });

  test("reads to the end without truncation; a blank mode means slice", async () => {
    const root = workspace();
    const result = await read(root, { offset: 9, mode: "  " });
    expect(result.stdout).toBe("L9:         pass\nL10: z = 3\n");
    expect(result.truncated).toBe(false);
    expect(result.data?.mode).toBe("slice");
  });

  test("splits CRLF and CR line endings", async () => {
    const root = workspace({ "code.py": "a\r\nb\rc" });
    expect((await read(root, {})).stdout).toBe("L1: a\nL2: b\nL3: c\n");
  });

  test("cuts lines longer than 500 characters and appends ...", async () => {
    const root = workspace({ "code.py": `${"é".repeat(501)}\n${"x".repeat(500)}\n` });
    const result = await read(root, {});
    expect(result.stdout).toBe(`L1: ${"é".repeat(500)}...\nL2: ${"x".repeat(500)}\n`);
  });

  test("an empty file reads as nothing at offset 1 and is a validation error past it", async () => {
    const root = workspace({ "code.py": "" });
    const first = await read(root, {});
    expect(first.ok).toBe(true);
    expect(first.stdout).toBe("");
    expect(first.data?.total_lines).toBe(0);
    expect((await read(root, { offset: 2 })).error_kind).toBe("validation");
  });

  test("an offset beyond the file is a validation error", async () => {
    const root = workspace();
    const result = await read(root, { offset: 11 });
    expect(result.error_kind).toBe("validation");
    expect(result.data).toEqual({ file_path: join(root, "code.py"), offset: 11, total_lines: 10 });
  });

  test("an unknown mode is a validation error naming the supported modes", async () => {
    const root = workspace();
    const result = await read(root, { mode: "tail" });
    expect(result.error_kind).toBe("validation");
    expect(result.data).toEqual({ mode: "tail", supported: ["slice", "indentation"] });
  });

  test("unknown and out-of-range arguments are validation errors", async () => {
    const root = workspace();
    for (const args of [{ path: "x" }, { offset: 0 }, { limit: 0 }, { indentation: { anchor: 1 } }, { indentation: { max_levels: -1 } }]) {
      expect((await read(root, args)).error_kind).toBe("validation");
    }
  });

  test("non-UTF-8 content and directories are validation errors", async () => {
    const root = workspace({ "code.py": new Uint8Array([0x61, 0xff, 0x0a]) });
    const binary = await read(root, {});
    expect(binary.error_kind).toBe("validation");
    expect(binary.stderr).toBe('Cannot read "code.py": it is not valid UTF-8 text');
    mkdirSync(join(root, "dir"));
    expect((await dispatchTool(readFileTool, { file_path: "dir" }, root)).error_kind).toBe("validation");
  });

  test("a missing file is not_found with file_path as given", async () => {
    const root = workspace();
    const result = await dispatchTool(readFileTool, { file_path: "nope.py" }, root);
    expect(result.error_kind).toBe("not_found");
    expect(result.data).toEqual({ file_path: "nope.py" });
  });

  test("a file outside the workspace is a permission error", async () => {
    const root = workspace();
    const outside = dirs.make();
    writeTree(outside, { "s.py": "x\n" });
    symlinkSync(join(outside, "s.py"), join(root, "s.py"));
    for (const file_path of ["s.py", "../x.py", join(outside, "s.py")]) {
      const result = await dispatchTool(readFileTool, { file_path }, root);
      expect(result.error_kind).toBe("permission");
      expect(result.stderr).toContain("forbidden path outside workspace_root");
    }
  });

  test("other OS errors are unknown", async () => {
    const root = workspace();
    const close = unixSocketAt(join(root, "sock"));
    try {
      expect((await dispatchTool(readFileTool, { file_path: "sock" }, root)).error_kind).toBe("unknown");
    } finally {
      close();
    }
  });
});

describe("read_file indentation mode", () => {
  const ind = (indentation: Record<string, unknown>) => ({ mode: "indentation", indentation });

  test("climbs up to max_levels headers and shows the selected header's body", async () => {
    const root = workspace();
    const one = await read(root, ind({ anchor_line: 5, max_levels: 1 }));
    expect(one.stdout).toBe("L5:             y = 2\n");
    expect(one.data?.mode).toBe("indentation");
    const two = await read(root, ind({ anchor_line: 5, max_levels: 2 }));
    expect(two.stdout).toBe("L3:         x = 1\nL4:         if x:\nL5:             y = 2\nL6:         return x\nL7: \n");
    const unlimited = await read(root, ind({ anchor_line: 5, max_levels: 0 }));
    expect(unlimited.stdout.split("\n")[0]).toBe("L2:     def f(self):");
    expect(unlimited.stdout.trimEnd().split("\n").at(-1)).toBe("L9:         pass");
  });

  test("include_header prepends the header line", async () => {
    const root = workspace();
    const result = await read(root, ind({ anchor_line: 5, max_levels: 1, include_header: true }));
    expect(result.stdout).toBe("L4:         if x:\nL5:             y = 2\n");
  });

  test("include_siblings shows the enclosing block", async () => {
    const root = workspace();
    const result = await read(root, ind({ anchor_line: 5, max_levels: 1, include_siblings: true }));
    expect(result.stdout.split("\n")[0]).toBe("L3:         x = 1");
    expect(result.stdout).toContain("L6:         return x\n");
  });

  test("the anchor defaults to offset", async () => {
    const root = workspace();
    const result = await read(root, { offset: 9, mode: "indentation", indentation: { max_levels: 1 } });
    expect(result.stdout).toBe("L9:         pass\n");
  });

  test("max_lines caps the block and sets truncated", async () => {
    const root = workspace();
    const result = await read(root, ind({ anchor_line: 5, max_levels: 2, max_lines: 2 }));
    expect(result.stdout).toBe("L3:         x = 1\nL4:         if x:\n");
    expect(result.truncated).toBe(true);
  });

  test("an anchor at indent 0 falls back to a slice of max_lines from the anchor", async () => {
    const root = workspace();
    const result = await read(root, ind({ anchor_line: 1, max_lines: 2 }));
    expect(result.stdout).toBe("L1: class A:\nL2:     def f(self):\n");
    expect(result.truncated).toBe(false);
  });

  test("an anchor beyond the file is a validation error", async () => {
    const root = workspace();
    const result = await read(root, ind({ anchor_line: 11 }));
    expect(result.error_kind).toBe("validation");
    expect(result.data).toEqual({ file_path: join(root, "code.py"), anchor_line: 11, total_lines: 10 });
  });
});
