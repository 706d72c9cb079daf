import { describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { dispatchTool, toolJsonSchema, tempDirs, unixSocketAt, writeTree } from "../../test/support/fs-tools.ts";
import { listDirTool } from "./list-dir.ts";

const dirs = tempDirs("list-dir-");

function sampleTree(root: string): void {
  writeTree(root, {
    "b.txt": "b",
    "a/one.txt": "1",
    "a/deep/two.txt": "2",
    "a-b.txt": "x",
    ".hidden/x.txt": "h",
    "a/.secret": "s",
  });
  symlinkSync(join(root, "a"), join(root, "link"));
}

describe("list_dir", () => {
  test("the JSON schema sent to the model requires only dir_path", () => {
    expect(toolJsonSchema(listDirTool).required).toEqual(["dir_path"]);
  });

  test("lists to depth 2 by default, sorted, hidden skipped, symlinked dirs not entered", async () => {
    const root = dirs.make();
    sampleTree(root);
    const result = await dispatchTool(listDirTool, { dir_path: "." }, root);
    expect(result.ok).toBe(true);
    expect(result.stdout).toBe(`Absolute path: ${root}\na/\na-b.txt\na/deep/\na/one.txt\nb.txt\nlink@\n`);
    expect(result.truncated).toBe(false);
    expect(result.data).toMatchObject({ dir_path: root, depth: 2, offset: 1, limit: 25, total: 6 });
    expect((result.data?.entries as unknown[])[5]).toEqual({ rel_path: "link", abs_path: join(root, "a"), type: "symlink" });
    expect((result.data?.entries as unknown[])[4]).toEqual({ rel_path: "b.txt", abs_path: join(root, "b.txt"), type: "file" });
  });

  test("depth 1 lists direct children only; depth 3 goes one level further", async () => {
    const root = dirs.make();
    sampleTree(root);
    const one = await dispatchTool(listDirTool, { dir_path: root, depth: 1 }, root);
    expect(one.data?.total).toBe(4);
    const three = await dispatchTool(listDirTool, { dir_path: ".", depth: 3 }, root);
    expect(three.stdout).toContain("a/deep/two.txt\n");
  });

  test("pages with offset and limit and says when more entries exist", async () => {
    const root = dirs.make();
    writeTree(root, { "1": "", "2": "", "3": "", "4": "" });
    const result = await dispatchTool(listDirTool, { dir_path: ".", offset: 2, limit: 2 }, root);
    expect(result.stdout).toBe(`Absolute path: ${root}\n2\n3\nMore than 2 entries found\n`);
    expect(result.truncated).toBe(true);
    expect(result.data?.total).toBe(4);
    const last = await dispatchTool(listDirTool, { dir_path: ".", offset: 4, limit: 2 }, root);
    expect(last.stdout).toBe(`Absolute path: ${root}\n4\n`);
    expect(last.truncated).toBe(false);
  });

  test("marks entries that are neither file, dir nor symlink with ?", async () => {
    const root = dirs.make();
    const close = unixSocketAt(join(root, "sock"));
    try {
      const result = await dispatchTool(listDirTool, { dir_path: "." }, root);
      expect(result.stdout).toBe(`Absolute path: ${root}\nsock?\n`);
    } finally {
      close();
    }
  });

  test("an empty directory lists nothing at offset 1", async () => {
    const root = dirs.make();
    const result = await dispatchTool(listDirTool, { dir_path: "." }, root);
    expect(result.ok).toBe(true);
    expect(result.stdout).toBe(`Absolute path: ${root}\n`);
    expect(result.data?.total).toBe(0);
  });

  test("an offset beyond the entries is a validation error", async () => {
    const root = dirs.make();
    writeTree(root, { "a": "" });
    const beyond = await dispatchTool(listDirTool, { dir_path: ".", offset: 2 }, root);
    expect(beyond.error_kind).toBe("validation");
    expect(beyond.data).toEqual({ dir_path: root, offset: 2, total: 1 });
    mkdirSync(join(root, "empty"));
    const empty = await dispatchTool(listDirTool, { dir_path: "empty", offset: 2 }, root);
    expect(empty.error_kind).toBe("validation");
    expect(empty.data).toEqual({ dir_path: join(root, "empty"), offset: 2, total: 0 });
  });

  test("a file is a validation error", async () => {
    const root = dirs.make();
    writeTree(root, { "f.txt": "" });
    const result = await dispatchTool(listDirTool, { dir_path: "f.txt" }, root);
    expect(result.error_kind).toBe("validation");
    expect(result.data).toEqual({ dir_path: "f.txt" });
  });

  test("bad arguments are validation errors", async () => {
    const root = dirs.make();
    for (const args of [{}, { dir_path: ".", depth: 0 }, { dir_path: ".", limit: 1.5 }, { dir_path: ".", recursive: true }]) {
      expect((await dispatchTool(listDirTool, args, root)).error_kind).toBe("validation");
    }
  });

  test("a missing directory is not_found", async () => {
    const root = dirs.make();
    const result = await dispatchTool(listDirTool, { dir_path: "nope" }, root);
    expect(result.error_kind).toBe("not_found");
    expect(result.data).toEqual({ dir_path: "nope" });
  });

  test("a directory outside the workspace is a permission error", async () => {
    const root = dirs.make();
    const outside = dirs.make();
    symlinkSync(outside, join(root, "out"));
    for (const dir_path of ["..", "/", "out"]) {
      const result = await dispatchTool(listDirTool, { dir_path }, root);
      expect(result.error_kind).toBe("permission");
      expect(result.stderr).toContain("forbidden path outside workspace_root");
    }
  });
});
