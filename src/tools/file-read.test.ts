import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { dispatchTool, toolJsonSchema, runningAsRoot, tempDirs, writeTree } from "../../test/support/fs-tools.ts";
import { fileReadTool } from "./file-read.ts";

const dirs = tempDirs("file-read-");

describe("file_read", () => {
  test("the JSON schema sent to the model requires only path", () => {
    expect(toolJsonSchema(fileReadTool).required).toEqual(["path"]);
  });

  test("returns the text with data.path as given", async () => {
    const root = dirs.make();
    writeTree(root, { "docs/a.md": "héllo\nworld\n" });
    const result = await dispatchTool(fileReadTool, { path: "docs/a.md" }, root);
    expect(result.ok).toBe(true);
    expect(result.stdout).toBe("héllo\nworld\n");
    expect(result.truncated).toBe(false);
    expect(result.exit_code).toBe(0);
    expect(result.data).toEqual({ path: "docs/a.md" });
  });

  test("keeps the first floor(max/2) and last ceil(max/2) bytes around the marker", async () => {
    const root = dirs.make();
    writeTree(root, { "big.txt": "0123456789" });
    const result = await dispatchTool(fileReadTool, { path: "big.txt", max_bytes: 5 }, root);
    expect(result.ok).toBe(true);
    expect(result.stdout).toBe("01\n...<truncated>\n789");
    expect(result.truncated).toBe(true);
  });

  test("does not truncate a file exactly max_bytes long", async () => {
    const root = dirs.make();
    writeTree(root, { "f.txt": "12345" });
    const result = await dispatchTool(fileReadTool, { path: "f.txt", max_bytes: 5 }, root);
    expect(result.stdout).toBe("12345");
    expect(result.truncated).toBe(false);
  });

  test("truncates at 262144 bytes by default", async () => {
    const root = dirs.make();
    writeTree(root, { "f.txt": "a".repeat(262_144) + "b" });
    const result = await dispatchTool(fileReadTool, { path: "f.txt" }, root);
    expect(result.truncated).toBe(true);
    expect(result.stdout.endsWith("\n...<truncated>\n" + "a".repeat(131_071) + "b")).toBe(true);
  });

  test("replaces invalid UTF-8 bytes and keeps a BOM", async () => {
    const root = dirs.make();
    writeTree(root, { "bin.txt": new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xff, 0x62]) });
    const result = await dispatchTool(fileReadTool, { path: "bin.txt" }, root);
    expect(result.stdout).toBe("\ufeffa\ufffdb");
  });

  test("unknown arguments are a validation error", async () => {
    const root = dirs.make();
    const result = await dispatchTool(fileReadTool, { path: "a", extra: 1 }, root);
    expect(result.error_kind).toBe("validation");
  });

  test("max_bytes below 1 is a validation error", async () => {
    const root = dirs.make();
    const result = await dispatchTool(fileReadTool, { path: "a", max_bytes: 0 }, root);
    expect(result.error_kind).toBe("validation");
  });

  test("a missing file is not_found with data.path", async () => {
    const root = dirs.make();
    const result = await dispatchTool(fileReadTool, { path: "nope.txt" }, root);
    expect(result.ok).toBe(false);
    expect(result.error_kind).toBe("not_found");
    expect(result.stderr).toBe('Cannot read file "nope.txt": it does not exist');
    expect(result.data).toEqual({ path: "nope.txt" });
  });

  test("a path escaping the workspace is a permission error", async () => {
    const root = dirs.make();
    const outside = dirs.make();
    writeTree(outside, { "secret.txt": "s" });
    symlinkSync(join(outside, "secret.txt"), join(root, "link.txt"));
    for (const path of ["../x", "/etc/hostname", "link.txt"]) {
      const result = await dispatchTool(fileReadTool, { path }, root);
      expect(result.error_kind).toBe("permission");
      expect(result.stderr).toContain("forbidden path outside workspace_root");
    }
  });

  test("a directory is an unknown error", async () => {
    const root = dirs.make();
    mkdirSync(join(root, "d"));
    const result = await dispatchTool(fileReadTool, { path: "d" }, root);
    expect(result.error_kind).toBe("unknown");
    expect(result.stderr).toBe('Cannot read file "d": it is a directory');
  });

  test.skipIf(runningAsRoot)(`an unreadable file is a permission error${runningAsRoot ? " (skipped: root ignores permission bits)" : ""}`, async () => {
    const root = dirs.make();
    writeTree(root, { "locked.txt": "x" });
    chmodSync(join(root, "locked.txt"), 0o000);
    const result = await dispatchTool(fileReadTool, { path: "locked.txt" }, root);
    expect(result.error_kind).toBe("permission");
  });
});
