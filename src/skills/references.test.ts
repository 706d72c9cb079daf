import { describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { tempDir, writeTree } from "../../test/support/skills.ts";
import { isSkillError, type SkillError } from "./issues.ts";
import { checkRefPath, readReferenceFile } from "./references.ts";

async function failure(promise: Promise<unknown>): Promise<SkillError> {
  try {
    await promise;
  } catch (error) {
    if (isSkillError(error)) return error;
    throw error;
  }
  throw new Error("expected a SkillError");
}

function bundle() {
  const root = tempDir();
  writeTree(root, {
    "references/guide.md": "0123456789",
    "references/utf8.md": "héllo",
    "assets/logo.txt": "logo",
    "SKILL.md": "---\nname: ab\ndescription: d\n---\n",
  });
  return { root, sha256: null };
}

describe("checkRefPath", () => {
  test("normalises '.' and empty segments", () => {
    expect(checkRefPath(" references//./a.md ", false)).toEqual({ top: "references", segments: ["references", "a.md"] });
  });

  test.each([["", "relative"], ["/etc/passwd", "relative"], ["references/../SKILL.md", "'..'"], ["SKILL.md", "references/"], ["assets/logo.txt", "references/"]])(
    "%p is refused (%s)",
    (path, words) => {
      let error: unknown;
      try {
        checkRefPath(path, false);
      } catch (e) {
        error = e;
      }
      expect(isSkillError(error) && [error.code, error.toolKind]).toEqual(["SKILL_REF_PATH_INVALID", "permission"]);
      expect((error as Error).message).toContain(words);
    },
  );

  test("assets/ is allowed only when asked", () => {
    expect(checkRefPath("assets/logo.txt", true).top).toBe("assets");
  });
});

describe("readReferenceFile", () => {
  test("reads a reference file", async () => {
    const b = bundle();
    expect(await readReferenceFile(b, { refPath: "references/guide.md", maxBytes: 100, allowAssets: false })).toEqual({
      path: join(b.root, "references/guide.md"),
      text: "0123456789",
      truncated: false,
    });
  });

  test("cuts a longer file and marks it; exactly max bytes is not truncated", async () => {
    const b = bundle();
    expect(await readReferenceFile(b, { refPath: "references/guide.md", maxBytes: 4, allowAssets: false })).toMatchObject({ text: "0123\n<truncated>", truncated: true });
    expect(await readReferenceFile(b, { refPath: "references/guide.md", maxBytes: 10, allowAssets: false })).toMatchObject({ text: "0123456789", truncated: false });
  });

  test("a cut in the middle of a UTF-8 character decodes with a replacement character", async () => {
    const b = bundle();
    expect((await readReferenceFile(b, { refPath: "references/utf8.md", maxBytes: 2, allowAssets: false })).text).toBe("h\ufffd\n<truncated>");
  });

  test("a symlink escaping references/ is refused", async () => {
    const b = bundle();
    symlinkSync(join(b.root, "SKILL.md"), join(b.root, "references/link.md"));
    const error = await failure(readReferenceFile(b, { refPath: "references/link.md", maxBytes: 100, allowAssets: false }));
    expect([error.code, error.toolKind]).toEqual(["SKILL_REF_PATH_ESCAPE", "permission"]);
  });

  test("a missing file or a directory is not_found", async () => {
    const b = bundle();
    mkdirSync(join(b.root, "references/dir"));
    for (const refPath of ["references/nope.md", "references/dir"]) {
      const error = await failure(readReferenceFile(b, { refPath, maxBytes: 100, allowAssets: false }));
      expect([error.code, error.toolKind]).toEqual(["SKILL_REF_NOT_FOUND", "not_found"]);
    }
  });
});
