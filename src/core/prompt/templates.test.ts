import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../util/errors.ts";
import { resolvePromptSettings } from "./profiles.ts";
import { PromptSettings, type PromptSettingsInput } from "./settings.ts";
import { BUILTIN_TEMPLATES, renderTemplate, selectTemplates } from "./templates.ts";

const resolved = (input: PromptSettingsInput) => resolvePromptSettings(PromptSettings.parse(input));

describe("selectTemplates", () => {
  test("default_agent uses the packaged default set with a developer policy", () => {
    const t = selectTemplates(resolved({}));
    expect(t.version).toBe("builtin:default");
    expect(t.system).toContain("general-purpose agent");
    expect(t.system).toContain("$[namespace].skill_name");
    expect(t.developer).toContain("Follow a spec-driven + TDD workflow");
  });

  test("template default maps to the profile's own set for non-default profiles", () => {
    const direct = selectTemplates(resolved({ profile: "generation_direct" }));
    expect(direct.version).toBe("builtin:generation_direct");
    expect(direct.system).toContain("directly complete");
    expect(direct.developer).toBe("");
    const transform = selectTemplates(resolved({ profile: "structured_transform" }));
    expect(transform.system).toContain("structured output");
    expect(transform.developer).toBe("");
  });

  test("an unknown template name fails with a config error naming it", () => {
    expect(() => selectTemplates(resolved({ template: "nope" }))).toThrow(ConfigError);
    expect(() => selectTemplates(resolved({ template: "nope" }))).toThrow(/"nope"/);
    expect(() => selectTemplates(resolved({ template: "toString" }))).toThrow(ConfigError);
  });

  test("explicit text wins over the path and marks the version configured", () => {
    const t = selectTemplates(resolved({ system_text: "SYS", system_path: "p.md" }), { system: "FROM FILE" });
    expect(t.system).toBe("SYS");
    expect(t.version).toBe("configured");
    expect(t.developer).toContain("spec-driven + TDD");
    expect(t.developer).not.toBe(BUILTIN_TEMPLATES.default?.developer);
  });

  test("paths use the texts the caller read", () => {
    const t = selectTemplates(resolved({ system_path: "s.md", developer_path: "d.md" }), {
      system: "SYSTEM FILE",
      developer: "DEV FILE",
    });
    expect(t).toEqual({ system: "SYSTEM FILE", developer: "DEV FILE", version: "configured" });
  });

  test("a path whose text was not provided is a config error", () => {
    expect(() => selectTemplates(resolved({ system_path: "s.md" }))).toThrow(/"s.md"/);
  });

  test("non-default profiles get an empty developer policy unless one is configured", () => {
    const only = selectTemplates(resolved({ profile: "generation_direct", system_text: "S" }));
    expect(only.developer).toBe("");
    const withDev = selectTemplates(resolved({ profile: "generation_direct", system_text: "S", developer_text: "D" }));
    expect(withDev.developer).toBe("D");
  });

  test("developer text alone falls back to the one-line system text", () => {
    const t = selectTemplates(resolved({ developer_text: "D" }));
    expect(t.system).toContain("general-purpose agent");
    expect(t.system).not.toBe(BUILTIN_TEMPLATES.default?.system);
  });
});

describe("renderTemplate", () => {
  test("replaces known placeholders in one pass and leaves unknown ones", () => {
    const out = renderTemplate("{{task}} in {{cwd}} {{other}}", { task: "do {{cwd}}", cwd: "/ws" });
    expect(out).toBe("do {{cwd}} in /ws {{other}}");
  });

  test("does not read inherited object keys as variables", () => {
    expect(renderTemplate("{{constructor}}", {})).toBe("{{constructor}}");
  });

  test("packaged templates contain no placeholders", () => {
    for (const pair of Object.values(BUILTIN_TEMPLATES)) {
      expect(pair.system).not.toMatch(/\{\{\w+\}\}/);
      expect(pair.developer).not.toMatch(/\{\{\w+\}\}/);
    }
  });
});
