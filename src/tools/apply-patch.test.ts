import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { dispatchTool, toolJsonSchema, tempDirs, writeTree } from "../../test/support/fs-tools.ts";
import { applyPatchTool } from "./apply-patch.ts";

const dirs = tempDirs("apply-patch-");
const patch = (...lines: string[]) => ["*** Begin Patch", ...lines, "*** End Patch"].join("\n");
const run = (root: string, input: string) => dispatchTool(applyPatchTool, { input }, root);

/** Every file under root with its content, to show that a failed patch changed nothing. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(root, { recursive: true }) as string[]) {
    const path = join(root, name);
    out[name] = statSync(path).isDirectory() ? "<dir>" : readFileSync(path, "utf8");
  }
  return out;
}

describe("apply_patch", () => {
  test("the JSON schema sent to the model requires only input", () => {
    expect(toolJsonSchema(applyPatchTool).required).toEqual(["input"]);
  });

  test("adds, updates, moves and deletes files and reports the changes", async () => {
    const root = dirs.make();
    writeTree(root, { "src/app.py": "def f():\n    return 1\n", "old.txt": "bye\n", "keep.md": "a\nb\n" });
    chmodSync(join(root, "src/app.py"), 0o755);
    const result = await run(
      root,
      patch(
        "*** Add File: docs/new.md",
        "+# New",
        "+text",
        "*** Update File: src/app.py",
        "*** Move to: src/main.py",
        "@@",
        " def f():",
        "-    return 1",
        "+    return 2",
        "*** Update File: keep.md",
        "-b",
        "+c",
        "*** Delete File: old.txt",
      ),
    );
    expect(result.ok).toBe(true);
    expect(result.stdout).toBe("apply_patch ok: add=1 update=2 delete=1 move=1\n");
    expect(result.data).toEqual({
      changes: [
        { kind: "add", path: "docs/new.md" },
        { kind: "update", path: "src/app.py", moved_to: join(root, "src/main.py") },
        { kind: "move", path: "src/app.py", moved_to: join(root, "src/main.py") },
        { kind: "update", path: "keep.md" },
        { kind: "delete", path: "old.txt" },
      ],
    });
    expect(snapshot(root)).toEqual({
      docs: "<dir>",
      "docs/new.md": "# New\ntext\n",
      src: "<dir>",
      "src/main.py": "def f():\n    return 2\n",
      "keep.md": "a\nc\n",
    });
    expect(statSync(join(root, "src/main.py")).mode & 0o777).toBe(0o755);
  });

  test("later sections see earlier ones", async () => {
    const root = dirs.make();
    const result = await run(root, patch("*** Add File: a.txt", "+one", "*** Update File: a.txt", "-one", "+two"));
    expect(result.ok).toBe(true);
    expect(readFileSync(join(root, "a.txt"), "utf8")).toBe("two\n");
  });

  test("writes nothing when a later section fails", async () => {
    const root = dirs.make();
    writeTree(root, { "a.txt": "one\n", "b.txt": "two\n" });
    const before = snapshot(root);
    const result = await run(
      root,
      patch("*** Add File: new/dir/c.txt", "+c", "*** Update File: a.txt", "-one", "+ONE", "*** Update File: b.txt", "-missing", "+x"),
    );
    expect(result.error_kind).toBe("validation");
    expect(result.stderr).toContain('Cannot update "b.txt"');
    expect(snapshot(root)).toEqual(before);
  });

  test("writes nothing when staging a later file fails after earlier files were staged", async () => {
    const root = dirs.make();
    writeTree(root, { "a.txt": "one\n", "blocker": "a file, not a directory\n" });
    const before = snapshot(root);
    const result = await run(root, patch("*** Update File: a.txt", "-one", "+ONE", "*** Add File: blocker/c.txt", "+c"));
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain("blocker");
    expect(snapshot(root)).toEqual(before);
  });

  test("format errors are validation errors", async () => {
    const root = dirs.make();
    for (const input of ["no patch", patch("*** Add File: a", "x"), patch("*** Copy File: a")]) {
      expect((await run(root, input)).error_kind).toBe("validation");
    }
  });

  test("an existing Add target, an existing Move target and directory targets are validation errors", async () => {
    const root = dirs.make();
    writeTree(root, { "a.txt": "a\n", "b.txt": "b\n" });
    mkdirSync(join(root, "d"));
    const cases = [
      patch("*** Add File: a.txt", "+x"),
      patch("*** Add File: d", "+x"),
      patch("*** Update File: a.txt", "*** Move to: b.txt", "-a", "+A"),
      patch("*** Update File: d", "-a"),
      patch("*** Delete File: d"),
      patch("*** Delete File: a.txt", "not empty"),
      patch("*** Update File: a.txt", "+only added"),
    ];
    for (const input of cases) {
      const result = await run(root, input);
      expect(result.error_kind).toBe("validation");
    }
    expect(snapshot(root)).toEqual({ "a.txt": "a\n", "b.txt": "b\n", d: "<dir>" });
  });

  test("a non-UTF-8 file to update is a validation error", async () => {
    const root = dirs.make();
    writeTree(root, { "bin.txt": new Uint8Array([0xff, 0x0a]) });
    const result = await run(root, patch("*** Update File: bin.txt", "-x"));
    expect(result.error_kind).toBe("validation");
  });

  test("updating or deleting a missing file is not_found", async () => {
    const root = dirs.make();
    expect((await run(root, patch("*** Update File: nope.txt", "-x", "+y"))).error_kind).toBe("not_found");
    expect((await run(root, patch("*** Delete File: nope.txt"))).error_kind).toBe("not_found");
  });

  test("paths escaping the workspace are permission errors and nothing is written", async () => {
    const root = dirs.make();
    const outside = dirs.make();
    writeTree(root, { "a.txt": "a\n" });
    symlinkSync(outside, join(root, "out"));
    const cases = [
      patch("*** Add File: ../x.txt", "+x"),
      patch("*** Add File: ok.txt", "+x", "*** Add File: out/y.txt", "+y"),
      patch("*** Update File: a.txt", `*** Move to: ${join(outside, "a.txt")}`, "-a", "+b"),
      patch("*** Delete File: /etc/hostname"),
    ];
    for (const input of cases) {
      const result = await run(root, input);
      expect(result.error_kind).toBe("permission");
      expect(result.stderr).toContain("forbidden path outside workspace_root");
    }
    expect(readdirSync(outside)).toEqual([]);
    expect(snapshot(root)).toEqual({ "a.txt": "a\n", out: "<dir>" });
  });

  test("a missing input and unknown arguments are validation errors", async () => {
    const root = dirs.make();
    expect((await dispatchTool(applyPatchTool, {}, root)).error_kind).toBe("validation");
    expect((await dispatchTool(applyPatchTool, { input: patch(), patch: "x" }, root)).error_kind).toBe("validation");
    expect(existsSync(join(root, "x"))).toBe(false);
  });
});
