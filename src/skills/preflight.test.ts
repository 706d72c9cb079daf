import { describe, expect, test } from "bun:test";
import { SkillsConfig, type SkillsConfigInput } from "../config/schema.ts";
import { checkSkillRoots, preflightSkillsConfig } from "./preflight.ts";

const parse = (input: SkillsConfigInput) => SkillsConfig.parse(input);
const codes = (input: SkillsConfigInput) => preflightSkillsConfig(parse(input)).map((i) => [i.code, i.details.path]);

describe("preflightSkillsConfig", () => {
  test("the default config has no issues", () => {
    expect(preflightSkillsConfig(parse({}))).toEqual([]);
  });

  test("versioning enabled or with a strategy is a warning", () => {
    const issues = preflightSkillsConfig(parse({ versioning: { enabled: true, strategy: "TODO" } }));
    expect(issues).toEqual([
      {
        code: "SKILL_CONFIG_VERSIONING_IGNORED",
        message: "skills.versioning is a placeholder and has no runtime effect.",
        details: { path: "skills.versioning", level: "warning", enabled: true, strategy: "TODO" },
      },
    ]);
  });

  test("unknown versioning keys (only reachable without schema parsing) are an error", () => {
    const config = parse({});
    (config.versioning as Record<string, unknown>).mode = "x";
    expect(preflightSkillsConfig(config).map((i) => i.code)).toEqual(["SKILL_CONFIG_VERSIONING_UNKNOWN_KEYS"]);
  });

  test("duplicate ids, unknown references, unknown types and bad options name their config path", () => {
    expect(
      codes({
        spaces: [
          { id: "s1", namespace: "web", sources: ["fs", "ghost"] },
          { id: "s1", namespace: "app" },
        ],
        sources: [
          { id: "fs", type: "filesystem", options: {} },
          { id: "fs", type: "filesystem", options: { root: "  " } },
          { id: "r", type: "redis", options: { dsn_env: "redis_url", key_prefix: 3 } },
          { id: "pg", type: "pgsql", options: { dsn_env: "PG_DSN", schema: "agent", table: "skills" } },
          { id: "x", type: "sqlite", options: {} },
          { id: "m", type: "in-memory", options: { namespace: "web" } },
        ],
      }),
    ).toEqual([
      ["SKILL_CONFIG_DUPLICATE_SPACE_ID", "skills.spaces[1].id"],
      ["SKILL_CONFIG_DUPLICATE_SOURCE_ID", "skills.sources[1].id"],
      ["SKILL_CONFIG_SPACE_SOURCE_NOT_FOUND", "skills.spaces[0].sources[1]"],
      ["SKILL_CONFIG_MISSING_REQUIRED_OPTION", "skills.sources[0].options.root"],
      ["SKILL_CONFIG_INVALID_OPTION", "skills.sources[1].options.root"],
      ["SKILL_CONFIG_INVALID_OPTION", "skills.sources[2].options.key_prefix"],
      ["SKILL_CONFIG_INVALID_ENV_VAR_NAME", "skills.sources[2].options.dsn_env"],
      ["SKILL_CONFIG_UNKNOWN_SOURCE_TYPE", "skills.sources[4].type"],
    ]);
  });

  test("an invalid namespace (possible without schema parsing) is reported with the expected format", () => {
    const config = parse({ spaces: [{ id: "s", namespace: "web" }] });
    config.spaces[0]!.namespace = "Web";
    const [issue] = preflightSkillsConfig(config);
    expect(issue?.code).toBe("SKILL_CONFIG_INVALID_SPACE_NAMESPACE");
    expect(String(issue?.details.expected)).toContain("1..7 segments");
  });

  test("the unknown type issue lists the supported types", () => {
    const [issue] = preflightSkillsConfig(parse({ sources: [{ id: "x", type: "s3" }] }));
    expect(issue?.details.supported).toEqual(["filesystem", "in-memory", "pgsql", "redis"]);
  });
});

describe("checkSkillRoots (decisions.md item 8)", () => {
  const config = parse({
    sources: [
      { id: "ok", type: "filesystem", options: { root: "skills" } },
      { id: "gone", type: "filesystem", options: { root: "missing" } },
      { id: "file", type: "filesystem", options: { root: "/abs/file.txt" } },
      { id: "m", type: "in-memory", options: { namespace: "x" } },
    ],
  });
  const probe = (path: string) => (path === "/ws/skills" ? "directory" : path.endsWith(".txt") ? "not_a_directory" : "missing") as "directory";

  test("warns for missing and non-directory roots only", () => {
    const issues = checkSkillRoots(config, { workspaceRoot: "/ws", env: {}, probe });
    expect(issues.map((i) => [i.details.source_id, i.details.reason, i.details.level, i.details.path])).toEqual([
      ["gone", "missing", "warning", "skills.sources[1].options.root"],
      ["file", "not_a_directory", "warning", "skills.sources[2].options.root"],
    ]);
    expect(issues[0]!.message).toContain("/ws/missing");
  });
});
