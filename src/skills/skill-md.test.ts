import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { tempDir, writeTree } from "../../test/support/skills.ts";
import { checkFrontmatter, collapseWhitespace, envVarsFromAgentsYaml, frontmatterOfText, readFrontmatter, readRequiredEnvVars } from "./skill-md.ts";

describe("front matter boundaries", () => {
  test.each([
    ["", "frontmatter_missing"],
    ["# Title\n---\nname: x\n---\n", "frontmatter_missing"],
    ["---\nname: abc\n", "frontmatter_unterminated"],
    ["---", "frontmatter_unterminated"],
  ])("%p -> %p", async (text, reason) => {
    const read = await frontmatterOfText(text, 65536);
    expect(read).toEqual({ ok: false, reason: reason as "frontmatter_missing" });
  });

  test("boundary lines may carry surrounding whitespace and CRLF", async () => {
    const read = await frontmatterOfText("  ---  \r\nname: abc\r\ndescription: d\r\n---\r\nbody", 65536);
    expect(read.ok && read.data).toEqual({ name: "abc", description: "d" });
  });

  test("the closing line may be the last line without a newline", async () => {
    const read = await frontmatterOfText("---\nname: ab\n---", 65536);
    expect(read.ok && read.data).toEqual({ name: "ab" });
  });

  test("the size limit counts both boundary lines, and equal is allowed", async () => {
    const text = "---\nname: ab\n---\n"; // 4 + 9 + 4 = 17 bytes
    expect((await frontmatterOfText(text, 17)).ok).toBe(true);
    expect(await frontmatterOfText(text, 16)).toEqual({ ok: false, reason: "frontmatter_too_large" });
  });

  test("a huge first line is too large, not missing", async () => {
    expect(await frontmatterOfText(`${"x".repeat(100)}\n`, 10)).toEqual({ ok: false, reason: "frontmatter_too_large" });
  });

  test("invalid UTF-8 in the front matter is reported, not thrown", async () => {
    const dir = tempDir();
    const path = join(dir, "SKILL.md");
    await Bun.write(path, new Uint8Array([...new TextEncoder().encode("---\nname: "), 0xff, 0xfe, 10, ...new TextEncoder().encode("---\n")]));
    expect(await readFrontmatter(path, 65536)).toEqual({ ok: false, reason: "frontmatter_not_utf8" });
  });

  test("reading stops at the closing line: a body larger than the limit is fine", async () => {
    const dir = tempDir();
    writeTree(dir, { "SKILL.md": `---\nname: ab\ndescription: d\n---\n${"body line\n".repeat(50_000)}` });
    const read = await readFrontmatter(join(dir, "SKILL.md"), 100);
    expect(read.ok && read.data.name).toBe("ab");
  });

  test("front matter spanning several read chunks", async () => {
    const dir = tempDir();
    const long = "y".repeat(10_000);
    writeTree(dir, { "SKILL.md": `---\nname: ab\ndescription: ${long}\n---\nbody` });
    const read = await readFrontmatter(join(dir, "SKILL.md"), 65536);
    expect(read.ok && read.data.description).toBe(long);
  });

  test("YAML that does not parse counts as {} and keeps the error", async () => {
    const read = await frontmatterOfText("---\nname: [unclosed\n---\n", 65536);
    expect(read.ok).toBe(true);
    if (read.ok) {
      expect(read.data).toEqual({});
      expect(read.yamlError).toBeString();
    }
  });

  test("a YAML list counts as {}", async () => {
    const read = await frontmatterOfText("---\n- a\n- b\n---\n", 65536);
    expect(read.ok && read.data).toEqual({});
  });

  test("duplicate keys: the last one wins (as PyYAML)", async () => {
    const read = await frontmatterOfText("---\nname: first\nname: second\n---\n", 65536);
    expect(read.ok && read.data.name).toBe("second");
  });
});

describe("checkFrontmatter", () => {
  test("normalises the description and short-description, keeps every other key", () => {
    const result = checkFrontmatter({
      name: "  pdf-tools ",
      description: "Read\n  and   write\tPDFs.",
      license: "Apache-2.0",
      "allowed-tools": ["Bash", "Read"],
      metadata: { "short-description": "  PDF \n helper ", version: "1.0" },
    });
    expect(result).toEqual({
      ok: true,
      value: {
        skill_name: "pdf-tools",
        description: "Read and write PDFs.",
        metadata: { license: "Apache-2.0", "allowed-tools": ["Bash", "Read"], metadata: { "short-description": "PDF helper", version: "1.0" } },
      },
    });
  });

  test.each([
    [{ description: "d" }, "name_missing"],
    [{ name: "", description: "d" }, "name_missing"],
    [{ name: 42, description: "d" }, "name_missing"],
    [{ name: "ab" }, "description_missing"],
    [{ name: "ab", description: "" }, "description_missing"],
    [{ name: "Bad Name", description: "d" }, "name_has_whitespace"],
    [{ name: "   ", description: "d" }, "name_has_whitespace"],
    [{ name: "x", description: "d" }, "invalid_skill_name_slug"],
    [{ name: "PDF", description: "d" }, "invalid_skill_name_slug"],
    [{ name: "a".repeat(65), description: "d" }, "invalid_skill_name_slug"],
  ])("%j fails with %s", (data, reason) => {
    const result = checkFrontmatter(data as Record<string, unknown>);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toBe(reason);
      expect(result.rule.length).toBeGreaterThan(10);
    }
  });

  test("the slug rule is named in the failure", () => {
    const result = checkFrontmatter({ name: "Brand_Guidelines", description: "d" });
    expect(!result.ok && result.rule).toContain("[a-z0-9_-]");
  });
});

describe("env-var dependencies", () => {
  test("only env_var items with a non-empty string value, de-duplicated in order", () => {
    expect(
      envVarsFromAgentsYaml({
        dependencies: {
          tools: [
            { type: "env_var", value: "B_TOKEN" },
            { type: "mcp", value: "X" },
            { type: "env_var", value: "" },
            { type: "env_var", value: 3 },
            "junk",
            { type: "env_var", value: "A_KEY" },
            { type: "env_var", value: "B_TOKEN" },
          ],
        },
      }),
    ).toEqual(["B_TOKEN", "A_KEY"]);
  });

  for (const value of [null, [], "x", { dependencies: [] }, { dependencies: { tools: {} } }]) {
    test(`${JSON.stringify(value)} gives []`, () => expect(envVarsFromAgentsYaml(value)).toEqual([]));
  }

  test("read from agents/openai.yaml; a broken or missing file gives []", async () => {
    const dir = tempDir();
    writeTree(dir, {
      "ok/agents/openai.yaml": "dependencies:\n  tools:\n    - type: env_var\n      value: FOO_TOKEN\n",
      "broken/agents/openai.yaml": "dependencies: [unclosed\n",
    });
    expect(await readRequiredEnvVars(join(dir, "ok"))).toEqual(["FOO_TOKEN"]);
    expect(await readRequiredEnvVars(join(dir, "broken"))).toEqual([]);
    expect(await readRequiredEnvVars(join(dir, "missing"))).toEqual([]);
  });
});

test("collapseWhitespace joins on single spaces", () => {
  expect(collapseWhitespace("  a \n\t b\u00a0 c ")).toBe("a b c");
});
