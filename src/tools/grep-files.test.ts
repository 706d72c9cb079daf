import { describe, expect, test } from "bun:test";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { dispatchTool, toolJsonSchema, tempDirs, unixSocketAt, writeTree } from "../../test/support/fs-tools.ts";
import { grepFilesTool } from "./grep-files.ts";

const dirs = tempDirs("grep-files-");

function sampleTree(root: string): void {
  writeTree(root, {
    "a.md": "TODO: write\n",
    "b.txt": "nothing here\n",
    "docs/guide.md": "step 1\nTODO later\n",
    "docs/z/deep.md": "TODO deep\n",
    ".git/config": "TODO hidden dir\n",
    ".env": "TODO hidden file\n",
    "bin.dat": new Uint8Array([0x54, 0x4f, 0x44, 0x4f, 0x00, 0x01]),
  });
}

describe("grep_files", () => {
  test("the JSON schema sent to the model requires only pattern", () => {
    expect(toolJsonSchema(grepFilesTool).required).toEqual(["pattern"]);
  });

  test("lists matching files depth-first, skipping hidden and binary files", async () => {
    const root = dirs.make();
    sampleTree(root);
    const result = await dispatchTool(grepFilesTool, { pattern: "TODO" }, root);
    expect(result.ok).toBe(true);
    const files = [join(root, "a.md"), join(root, "docs/guide.md"), join(root, "docs/z/deep.md")];
    expect(result.data).toEqual({ files, pattern: "TODO", root, include: null, limit: 100 });
    expect(result.stdout).toBe(`${files.join("\n")}\n`);
    expect(result.truncated).toBe(false);
  });

  test("uses regex search semantics on the stripped pattern", async () => {
    const root = dirs.make();
    sampleTree(root);
    const result = await dispatchTool(grepFilesTool, { pattern: "  (?m)^step \\d$  " }, root);
    expect(result.data?.files).toEqual([join(root, "docs/guide.md")]);
    expect(result.data?.pattern).toBe("(?m)^step \\d$");
    // Without MULTILINE, `^` is the start of the file and `$` its end (or before a final newline).
    const anchored = await dispatchTool(grepFilesTool, { pattern: "^step \\d$" }, root);
    expect(anchored.data?.files).toEqual([]);
    const whole = await dispatchTool(grepFilesTool, { pattern: "^TODO deep$" }, root);
    expect(whole.data?.files).toEqual([join(root, "docs/z/deep.md")]);
  });

  test("include filters on the path relative to the search root", async () => {
    const root = dirs.make();
    sampleTree(root);
    const md = await dispatchTool(grepFilesTool, { pattern: "TODO", include: "docs/*.md" }, root);
    expect(md.data?.files).toEqual([join(root, "docs/guide.md"), join(root, "docs/z/deep.md")]);
    const blank = await dispatchTool(grepFilesTool, { pattern: "TODO", include: "  " }, root);
    expect(blank.data?.include).toBeNull();
    expect((blank.data?.files as string[]).length).toBe(3);
  });

  test("stops at the limit and reports truncated", async () => {
    const root = dirs.make();
    sampleTree(root);
    const result = await dispatchTool(grepFilesTool, { pattern: "TODO", limit: 2 }, root);
    expect(result.data?.files).toEqual([join(root, "a.md"), join(root, "docs/guide.md")]);
    expect(result.truncated).toBe(true);
  });

  test("searches a single file when path is a file, even a hidden one", async () => {
    const root = dirs.make();
    sampleTree(root);
    const result = await dispatchTool(grepFilesTool, { pattern: "hidden", path: ".env" }, root);
    expect(result.data?.files).toEqual([join(root, ".env")]);
    expect(result.data?.root).toBe(join(root, ".env"));
  });

  test("a missing path is ok with no matches", async () => {
    const root = dirs.make();
    const result = await dispatchTool(grepFilesTool, { pattern: "x", path: "nope" }, root);
    expect(result.ok).toBe(true);
    expect(result.stdout).toBe("No matches found.\n");
    expect(result.data?.files).toEqual([]);
  });

  test("follows file symlinks inside the workspace but not outside, and never enters linked dirs", async () => {
    const root = dirs.make();
    const outside = dirs.make();
    writeTree(outside, { "secret.txt": "TODO outside\n" });
    writeTree(root, { "real/inner.txt": "TODO inner\n" });
    symlinkSync(join(outside, "secret.txt"), join(root, "leak.txt"));
    symlinkSync(outside, join(root, "outdir"));
    symlinkSync(join(root, "real/inner.txt"), join(root, "alias.txt"));
    const result = await dispatchTool(grepFilesTool, { pattern: "TODO" }, root);
    expect(result.data?.files).toEqual([join(root, "real/inner.txt"), join(root, "real/inner.txt")]);
  });

  test("blank and invalid patterns are validation errors", async () => {
    const root = dirs.make();
    const blank = await dispatchTool(grepFilesTool, { pattern: "   " }, root);
    expect(blank.error_kind).toBe("validation");
    const invalid = await dispatchTool(grepFilesTool, { pattern: "(unclosed" }, root);
    expect(invalid.error_kind).toBe("validation");
    expect(invalid.stderr).toStartWith('Cannot search files: invalid pattern regex "(unclosed"');
  });

  test("unknown arguments and a bad limit are validation errors", async () => {
    const root = dirs.make();
    expect((await dispatchTool(grepFilesTool, { pattern: "x", glob: "*" }, root)).error_kind).toBe("validation");
    expect((await dispatchTool(grepFilesTool, { pattern: "x", limit: 0 }, root)).error_kind).toBe("validation");
  });

  test("a path that is neither a file nor a directory is a validation error", async () => {
    const root = dirs.make();
    const close = unixSocketAt(join(root, "sock"));
    try {
      const result = await dispatchTool(grepFilesTool, { pattern: "x", path: "sock" }, root);
      expect(result.error_kind).toBe("validation");
    } finally {
      close();
    }
  });

  test("a path outside the workspace is a permission error", async () => {
    const root = dirs.make();
    for (const path of ["..", "/etc"]) {
      const result = await dispatchTool(grepFilesTool, { pattern: "x", path }, root);
      expect(result.error_kind).toBe("permission");
      expect(result.stderr).toContain("forbidden path outside workspace_root");
    }
  });
});
