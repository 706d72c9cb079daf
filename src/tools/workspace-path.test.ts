import { describe, expect, test } from "bun:test";
import { mkdirSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDirs, writeTree } from "../../test/support/fs-tools.ts";
import { isRuntimeError } from "../util/errors.ts";
import { OUTSIDE_WORKSPACE, openInsideWorkspace, realpathLoose, resolveWorkspacePath } from "./workspace-path.ts";

const dirs = tempDirs("ws-path-");

async function rejection(promise: Promise<unknown>): Promise<{ kind: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isRuntimeError(error)) return { kind: error.kind, message: error.message };
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("resolveWorkspacePath", () => {
  test("resolves relative paths under the workspace root", async () => {
    const root = dirs.make();
    expect(await resolveWorkspacePath(root, "a/b.txt")).toBe(join(root, "a/b.txt"));
    expect(await resolveWorkspacePath(root, ".")).toBe(root);
    expect(await resolveWorkspacePath(root, "")).toBe(root);
  });

  test("accepts absolute paths inside the workspace and `..` that stays inside", async () => {
    const root = dirs.make();
    mkdirSync(join(root, "sub"));
    expect(await resolveWorkspacePath(root, join(root, "sub", "x"))).toBe(join(root, "sub/x"));
    expect(await resolveWorkspacePath(root, "sub/../x")).toBe(join(root, "x"));
  });

  test("refuses `..` that leaves the workspace, naming the path", async () => {
    const root = dirs.make();
    const error = await rejection(resolveWorkspacePath(root, "../escape.txt"));
    expect(error.kind).toBe("permission");
    expect(error.message).toContain(OUTSIDE_WORKSPACE);
    expect(error.message).toContain('"../escape.txt"');
  });

  test("refuses absolute paths outside the workspace", async () => {
    const root = dirs.make();
    const error = await rejection(resolveWorkspacePath(root, "/etc/passwd"));
    expect(error.kind).toBe("permission");
    expect(error.message).toContain(OUTSIDE_WORKSPACE);
    expect(error.message).toContain("/etc/passwd");
  });

  test("refuses a sibling directory sharing the root's name as a prefix", async () => {
    const root = dirs.make();
    const error = await rejection(resolveWorkspacePath(root, `${root}-other/x`));
    expect(error.kind).toBe("permission");
  });

  test("refuses a file symlink pointing outside", async () => {
    const root = dirs.make();
    const outside = dirs.make();
    writeFileSync(join(outside, "secret"), "s");
    symlinkSync(join(outside, "secret"), join(root, "link"));
    const error = await rejection(resolveWorkspacePath(root, "link"));
    expect(error.kind).toBe("permission");
    expect(error.message).toContain(join(outside, "secret"));
  });

  test("refuses a not-yet-existing file under a directory symlink pointing outside", async () => {
    const root = dirs.make();
    const outside = dirs.make();
    symlinkSync(outside, join(root, "out"));
    const error = await rejection(resolveWorkspacePath(root, "out/new/file.txt"));
    expect(error.kind).toBe("permission");
    expect(error.message).toContain(join(outside, "new/file.txt"));
  });

  test("refuses a dangling symlink whose target is outside", async () => {
    const root = dirs.make();
    const outside = dirs.make();
    symlinkSync(join(outside, "not-yet"), join(root, "dangling"));
    expect((await rejection(resolveWorkspacePath(root, "dangling"))).kind).toBe("permission");
  });

  test("refuses `..` after a missing component that leads into an escaping symlink", async () => {
    const root = dirs.make();
    const outside = dirs.make();
    symlinkSync(outside, join(root, "out"));
    expect((await rejection(resolveWorkspacePath(root, "missing/../out/x"))).kind).toBe("permission");
  });

  test("applies `..` after a symlink to the symlink's target, not lexically", async () => {
    const root = dirs.make();
    const outside = dirs.make();
    mkdirSync(join(outside, "deep"));
    symlinkSync(join(outside, "deep"), join(root, "d"));
    // Lexically `d/../x` is `<root>/x`; the kernel (and we) read it as `<outside>/x`.
    expect((await rejection(resolveWorkspacePath(root, "d/../x"))).kind).toBe("permission");
  });

  test("follows symlinks that stay inside and returns the real path", async () => {
    const root = dirs.make();
    writeTree(root, { "real/file.txt": "x" });
    symlinkSync("real", join(root, "alias"));
    expect(await resolveWorkspacePath(root, "alias/file.txt")).toBe(join(root, "real/file.txt"));
  });

  test("works when the workspace root itself is reached through a symlink", async () => {
    const base = dirs.make();
    mkdirSync(join(base, "real"));
    symlinkSync(join(base, "real"), join(base, "ws"));
    expect(await resolveWorkspacePath(join(base, "ws"), "a.txt")).toBe(join(base, "real/a.txt"));
    expect(await resolveWorkspacePath(join(base, "ws"), join(base, "ws/a.txt"))).toBe(join(base, "real/a.txt"));
  });

  test("reports a symlink loop as a permission error", async () => {
    const root = dirs.make();
    symlinkSync("b", join(root, "a"));
    symlinkSync("a", join(root, "b"));
    const error = await rejection(resolveWorkspacePath(root, "a/x"));
    expect(error.kind).toBe("permission");
    expect(error.message).toContain("too many levels of symbolic links");
  });

  test("rejects a path with a NUL byte as invalid", async () => {
    const root = dirs.make();
    expect((await rejection(resolveWorkspacePath(root, "a\0b"))).kind).toBe("validation");
  });
});

describe("realpathLoose", () => {
  test("keeps missing components as written", async () => {
    const root = dirs.make();
    expect(await realpathLoose(join(root, "no/such/./file"))).toBe(join(root, "no/such/file"));
  });
});

describe("openInsideWorkspace", () => {
  test("opens a checked file", async () => {
    const root = dirs.make();
    writeTree(root, { "f.txt": "hello" });
    const handle = await openInsideWorkspace(root, await resolveWorkspacePath(root, "f.txt"));
    try {
      expect(new TextDecoder().decode(await handle.readFile())).toBe("hello");
    } finally {
      await handle.close();
    }
  });

  test("refuses a file replaced by a symlink after the check (O_NOFOLLOW)", async () => {
    const root = dirs.make();
    const outside = dirs.make();
    writeTree(root, { "f.txt": "inside" });
    writeTree(outside, { "secret": "outside" });
    const checked = await resolveWorkspacePath(root, "f.txt");
    unlinkSync(checked);
    symlinkSync(join(outside, "secret"), checked);
    const error = await openInsideWorkspace(root, checked).then(
      () => null,
      (e: unknown) => e as { code?: string },
    );
    expect(error?.code).toBe("ELOOP");
  });

  test("refuses a file whose parent directory was swapped for a symlink after the check", async () => {
    const root = dirs.make();
    const outside = dirs.make();
    writeTree(root, { "sub/f.txt": "inside" });
    writeTree(outside, { "f.txt": "outside" });
    const checked = await resolveWorkspacePath(root, "sub/f.txt");
    renameSync(join(root, "sub"), join(root, "sub.bak"));
    symlinkSync(outside, join(root, "sub"));
    const error = await rejection(openInsideWorkspace(root, checked, "sub/f.txt"));
    expect(error.kind).toBe("permission");
    expect(error.message).toContain(OUTSIDE_WORKSPACE);
  });
});
