import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDirs } from "../../../test/support/tool-context.ts";
import { readJsonFile, tempPathFor, writeJsonAtomic, writeTextAtomic } from "./json-file.ts";

const tempDir = tempDirs("sr-json-");

describe("atomic JSON files", () => {
  test("temp files are .<name>.<hex>.tmp in the target's directory", () => {
    expect(tempPathFor("/a/b/session.json")).toMatch(/^\/a\/b\/\.session\.json\.[0-9a-f]{16}\.tmp$/);
  });

  test("writes pretty JSON and leaves no temp file", async () => {
    const dir = tempDir();
    await writeJsonAtomic(join(dir, "x.json"), { a: 1, b: ["é"] });
    expect(JSON.parse(readFileSync(join(dir, "x.json"), "utf8"))).toEqual({ a: 1, b: ["é"] });
    expect(readdirSync(dir)).toEqual(["x.json"]);
  });

  test("replaces an existing file; concurrent writers leave one complete value and no temp files", async () => {
    const dir = tempDir();
    const target = join(dir, "x.json");
    writeFileSync(target, "old");
    await Promise.all(Array.from({ length: 20 }, (_, i) => writeJsonAtomic(target, { i, pad: "x".repeat(10000) })));
    const value = JSON.parse(readFileSync(target, "utf8")) as { i: number };
    expect(value.i).toBeGreaterThanOrEqual(0);
    expect(readdirSync(dir)).toEqual(["x.json"]);
  });

  test("a failed write removes its temp file and leaves the target as it was", async () => {
    const dir = tempDir();
    // Renaming a file over a non-empty directory fails after the temp file was written.
    const target = join(dir, "blocked");
    await Bun.write(join(target, "inside"), "kept");
    await expect(writeTextAtomic(target, "new")).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(["blocked"]);
    expect(readFileSync(join(target, "inside"), "utf8")).toBe("kept");
  });

  test("reads tell a missing file from a corrupt one", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "bad.json"), "{nope");
    writeFileSync(join(dir, "ok.json"), "[1]");
    expect(await readJsonFile(join(dir, "none.json"))).toEqual({ state: "missing" });
    expect((await readJsonFile(join(dir, "bad.json"))).state).toBe("corrupt");
    expect(await readJsonFile(join(dir, "ok.json"))).toEqual({ state: "ok", value: [1] });
  });
});
