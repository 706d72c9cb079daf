import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, renameSync, symlinkSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { tempDirs, writeTree } from "../../test/support/fs-tools.ts";
import { isRuntimeError } from "../util/errors.ts";
import { commitStaged, discardStaged, stageFile, writeFileAtomic } from "./atomic-write.ts";
import { resolveWorkspacePath } from "./workspace-path.ts";

const dirs = tempDirs("atomic-write-");

describe("atomic write", () => {
  test("a staged file is invisible until committed", async () => {
    const root = dirs.make();
    writeTree(root, { "f.txt": "old" });
    const staged = await stageFile(join(root, "f.txt"), "new", { workspaceRoot: root });
    expect(readFileSync(join(root, "f.txt"), "utf8")).toBe("old");
    expect(readdirSync(root).length).toBe(2);
    await commitStaged(staged);
    expect(readFileSync(join(root, "f.txt"), "utf8")).toBe("new");
    expect(readdirSync(root)).toEqual(["f.txt"]);
  });

  test("discarding removes the temp file and the directories staging created", async () => {
    const root = dirs.make();
    const staged = await stageFile(join(root, "a/b/f.txt"), "x", { workspaceRoot: root, createDirs: true });
    expect(existsSync(join(root, "a/b"))).toBe(true);
    await discardStaged(staged);
    expect(readdirSync(root)).toEqual([]);
  });

  test("refuses to commit when the parent was swapped for an outside symlink after staging", async () => {
    const root = dirs.make();
    const outside = dirs.make();
    writeTree(root, { "sub/f.txt": "original" });
    const target = await resolveWorkspacePath(root, "sub/f.txt");
    const staged = await stageFile(target, "new", { workspaceRoot: root, shownPath: "sub/f.txt" });
    renameSync(join(root, "sub"), join(root, "sub.bak"));
    symlinkSync(outside, join(root, "sub"));
    const error = await commitStaged(staged).then(() => null, (e: unknown) => e);
    expect(isRuntimeError(error) && error.kind).toBe("permission");
    expect(readdirSync(outside)).toEqual([]);
    expect(readFileSync(join(root, "sub.bak/f.txt"), "utf8")).toBe("original");
  });

  test("refuses to stage when the parent was swapped for an outside symlink after the check", async () => {
    const root = dirs.make();
    const outside = dirs.make();
    writeTree(root, { "sub/f.txt": "original" });
    const target = await resolveWorkspacePath(root, "sub/f.txt");
    renameSync(join(root, "sub"), join(root, "sub.bak"));
    symlinkSync(outside, join(root, "sub"));
    const error = await writeFileAtomic(target, "new", { workspaceRoot: root }).then(() => null, (e: unknown) => e);
    expect(isRuntimeError(error) && error.kind).toBe("permission");
    expect(readdirSync(outside)).toEqual([]);
  });

  test("a target replaced by an outside symlink after the check is replaced, not written through", async () => {
    const root = dirs.make();
    const outside = dirs.make();
    writeTree(root, { "f.txt": "original" });
    writeTree(outside, { "secret": "secret" });
    const target = await resolveWorkspacePath(root, "f.txt");
    unlinkSync(target);
    symlinkSync(join(outside, "secret"), target);
    await writeFileAtomic(target, "new", { workspaceRoot: root });
    expect(readFileSync(join(outside, "secret"), "utf8")).toBe("secret");
    expect(readFileSync(target, "utf8")).toBe("new");
  });
});
