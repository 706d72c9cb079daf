import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDirs } from "../../test/support/tool-context.ts";
import { prepareWorkspace } from "./startup.ts";

const tempDir = tempDirs("sr-startup-");

describe("prepareWorkspace", () => {
  test("installs the built-in skills into the default session source", async () => {
    const ws = tempDir();
    const result = await prepareWorkspace(ws);
    expect(result.skillsDir).toBe(join(ws, ".skills_runtime_sdk", "skills"));
    expect(result.installed).toEqual(expect.arrayContaining(["article-writer", "novel-writer"]));
    expect(result.kept).toEqual([]);
    expect(readFileSync(join(result.skillsDir, "article-writer", "SKILL.md"), "utf8")).toContain("name: article-writer");
  });

  test("never overwrites a skill folder that already exists", async () => {
    const ws = tempDir();
    const first = await prepareWorkspace(ws);
    const edited = join(first.skillsDir, "novel-writer", "SKILL.md");
    writeFileSync(edited, "my own version");
    const second = await prepareWorkspace(ws);
    expect(second.installed).toEqual([]);
    expect(second.kept.sort()).toEqual([...first.installed].sort());
    expect(readFileSync(edited, "utf8")).toBe("my own version");
  });
});
