import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { dispatchTool, toolJsonSchema, runningAsRoot, tempDirs, writeTree } from "../../test/support/fs-tools.ts";
import { fileWriteTool } from "./file-write.ts";

const dirs = tempDirs("file-write-");

describe("file_write", () => {
  test("the JSON schema sent to the model requires only path, content", () => {
    expect(toolJsonSchema(fileWriteTool).required).toEqual(["path", "content"]);
  });

  test("creates the file and missing parents, reporting UTF-8 bytes", async () => {
    const root = dirs.make();
    const result = await dispatchTool(fileWriteTool, { path: "a/b/c.txt", content: "héllo" }, root);
    expect(result.ok).toBe(true);
    expect(result.stdout).toBe("wrote 6 bytes");
    expect(result.data).toEqual({ path: "a/b/c.txt", bytes: 6 });
    expect(readFileSync(join(root, "a/b/c.txt"), "utf8")).toBe("héllo");
    expect(readdirSync(join(root, "a/b"))).toEqual(["c.txt"]);
  });

  test("replaces an existing file and keeps its permission bits", async () => {
    const root = dirs.make();
    writeTree(root, { "run.sh": "old" });
    chmodSync(join(root, "run.sh"), 0o750);
    const result = await dispatchTool(fileWriteTool, { path: "run.sh", content: "new" }, root);
    expect(result.ok).toBe(true);
    expect(readFileSync(join(root, "run.sh"), "utf8")).toBe("new");
    expect(statSync(join(root, "run.sh")).mode & 0o777).toBe(0o750);
    expect(readdirSync(root)).toEqual(["run.sh"]);
  });

  test("writes through an inside symlink to its target and keeps the link", async () => {
    const root = dirs.make();
    writeTree(root, { "real.txt": "old" });
    symlinkSync("real.txt", join(root, "alias.txt"));
    const result = await dispatchTool(fileWriteTool, { path: "alias.txt", content: "new" }, root);
    expect(result.ok).toBe(true);
    expect(readFileSync(join(root, "real.txt"), "utf8")).toBe("new");
    expect(lstatSync(join(root, "alias.txt")).isSymbolicLink()).toBe(true);
  });

  test("create_dirs false with a missing parent is an unknown error", async () => {
    const root = dirs.make();
    const result = await dispatchTool(fileWriteTool, { path: "missing/x.txt", content: "x", create_dirs: false }, root);
    expect(result.error_kind).toBe("unknown");
    expect(result.stderr).toStartWith('Cannot write file "missing/x.txt": no such file or directory');
    expect(existsSync(join(root, "missing"))).toBe(false);
  });

  test("mkdirs is an alias of create_dirs; create_dirs wins when both are given", async () => {
    const root = dirs.make();
    const alias = await dispatchTool(fileWriteTool, { path: "m/x.txt", content: "x", mkdirs: false }, root);
    expect(alias.error_kind).toBe("unknown");
    const both = await dispatchTool(fileWriteTool, { path: "m/x.txt", content: "x", create_dirs: true, mkdirs: false }, root);
    expect(both.ok).toBe(true);
  });

  test("missing content, unknown arguments and wrong types are validation errors", async () => {
    const root = dirs.make();
    for (const args of [{ path: "x" }, { path: "x", content: "y", mode: "w" }, { path: "x", content: "y", create_dirs: "yes" }]) {
      const result = await dispatchTool(fileWriteTool, args, root);
      expect(result.error_kind).toBe("validation");
    }
    expect(existsSync(join(root, "x"))).toBe(false);
  });

  test("paths escaping the workspace are a permission error and nothing is written", async () => {
    const root = dirs.make();
    const outside = dirs.make();
    symlinkSync(outside, join(root, "out"));
    for (const path of ["../escape.txt", join(outside, "abs.txt"), "out/new.txt"]) {
      const result = await dispatchTool(fileWriteTool, { path, content: "x" }, root);
      expect(result.error_kind).toBe("permission");
      expect(result.stderr).toContain("forbidden path outside workspace_root");
    }
    expect(readdirSync(outside)).toEqual([]);
  });

  test("a directory target is an unknown error and leaves no temp file", async () => {
    const root = dirs.make();
    mkdirSync(join(root, "d"));
    writeTree(root, { "d/keep.txt": "k" });
    const result = await dispatchTool(fileWriteTool, { path: "d", content: "x" }, root);
    expect(result.error_kind).toBe("unknown");
    expect(readdirSync(root)).toEqual(["d"]);
    expect(readFileSync(join(root, "d/keep.txt"), "utf8")).toBe("k");
  });

  test.skipIf(runningAsRoot)(`a read-only directory is a permission error${runningAsRoot ? " (skipped: root ignores permission bits)" : ""}`, async () => {
    const root = dirs.make();
    mkdirSync(join(root, "ro"));
    chmodSync(join(root, "ro"), 0o555);
    const result = await dispatchTool(fileWriteTool, { path: "ro/x.txt", content: "x" }, root);
    chmodSync(join(root, "ro"), 0o755);
    expect(result.error_kind).toBe("permission");
  });
});
