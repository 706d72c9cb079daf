import { describe, expect, test } from "bun:test";
import { PROFILE_DEFAULTS, resolvePromptSettings, shouldInjectSkill } from "./profiles.ts";
import { PromptSettings } from "./settings.ts";

describe("profile defaults", () => {
  test("match the spec table for every profile", () => {
    expect(PROFILE_DEFAULTS).toEqual({
      default_agent: {
        include_skills_list: true,
        skill_injection: { mode: "all", render: "body" },
        history: { mode: "full" },
        tools: { exposure: "all" },
      },
      generation_direct: {
        include_skills_list: false,
        skill_injection: { mode: "explicit_only", render: "body" },
        history: { mode: "none" },
        tools: { exposure: "none" },
      },
      structured_transform: {
        include_skills_list: false,
        skill_injection: { mode: "explicit_only", render: "summary" },
        history: { mode: "none" },
        tools: { exposure: "none" },
      },
    });
  });

  test("an empty prompt section resolves to default_agent with the window defaults", () => {
    const resolved = resolvePromptSettings(PromptSettings.parse({}));
    expect(resolved.profile).toBe("default_agent");
    expect(resolved.template).toBe("default");
    expect(resolved.include_skills_list).toBe(true);
    expect(resolved.history).toEqual({ mode: "full", max_messages: 40, max_chars: 120000 });
    expect(resolved.tools.exposure).toBe("all");
  });

  test("nulls take the profile's values and explicit values win", () => {
    const resolved = resolvePromptSettings(
      PromptSettings.parse({
        profile: "structured_transform",
        include_skills_list: true,
        tools: { exposure: "explicit_only" },
        history: { mode: null, max_messages: 3 },
      }),
    );
    expect(resolved.include_skills_list).toBe(true);
    expect(resolved.tools.exposure).toBe("explicit_only");
    expect(resolved.skill_injection).toEqual({ mode: "explicit_only", render: "summary" });
    expect(resolved.history).toEqual({ mode: "none", max_messages: 3, max_chars: 120000 });
  });

  test("the settings schema accepts the config section including include_cwd_tree", () => {
    const parsed = PromptSettings.safeParse({ profile: "generation_direct", include_cwd_tree: true });
    expect(parsed.success).toBe(true);
    expect(PromptSettings.safeParse({ profile: "chatty" }).success).toBe(false);
    expect(PromptSettings.safeParse({ history: { max_messages: 0 } }).success).toBe(false);
  });
});

describe("shouldInjectSkill", () => {
  const settingsWith = (mode: "all" | "explicit_only" | "none" | null, render: "body" | "none" | null = null) =>
    resolvePromptSettings(PromptSettings.parse({ skill_injection: { mode, render } }));

  test("all injects even unmentioned skills that reached the manager", () => {
    expect(shouldInjectSkill(settingsWith("all"), false)).toBe(true);
  });

  test("explicit_only injects only mentioned skills", () => {
    expect(shouldInjectSkill(settingsWith("explicit_only"), true)).toBe(true);
    expect(shouldInjectSkill(settingsWith("explicit_only"), false)).toBe(false);
  });

  test("mode none or render none blocks every skill", () => {
    expect(shouldInjectSkill(settingsWith("none"), true)).toBe(false);
    expect(shouldInjectSkill(settingsWith("all", "none"), true)).toBe(false);
  });
});
