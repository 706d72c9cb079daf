import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../util/errors.ts";
import { loadConfig } from "./load.ts";
import { PROD_SEATBELT_PROFILE, PERMISSIVE_SEATBELT_PROFILE } from "./presets.ts";

const dirs: string[] = [];
function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "sr-config-"));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function loadError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected loadConfig to throw");
}

describe("embedded defaults", () => {
  test("carry the reference's keys and values", () => {
    const { config, sources, overlayPaths, envFile } = loadConfig({ workspaceRoot: workspace(), env: {} });
    expect(config.run.max_steps).toBe(40);
    expect(config.run.max_wall_time_sec).toBe(1800);
    expect(config.run.max_turns).toBeNull();
    expect(config.run.max_total_tokens).toBeNull();
    expect(config.safety.mode).toBe("ask");
    expect(config.safety.approval_timeout_ms).toBe(60000);
    expect(config.llm.base_url).toBe("https://api.openai.com/v1");
    expect(config.llm.api_key_env).toBe("OPENAI_API_KEY");
    expect(config.llm.retry).toEqual({ max_retries: 3, base_delay_sec: 0.5, cap_delay_sec: 8, jitter_ratio: 0.1 });
    expect(config.models).toEqual({ planner: "gpt-4", executor: "gpt-4" });
    expect(config.sandbox.os.bubblewrap).toEqual({ bwrap_path: "bwrap", unshare_net: true });
    expect(config.skills.scan.max_frontmatter_bytes).toBe(65536);
    expect(config.prompt.history).toEqual({ mode: null, max_messages: 40, max_chars: 120000 });
    expect(overlayPaths).toEqual([]);
    expect(envFile).toBeNull();
    expect(sources["run.max_steps"]).toBe("embedded_default");
    expect(sources["sandbox.default_policy"]).toBe("embedded_default");
  });
});

describe("overlays", () => {
  test("deep-merge runtime.yaml, then SKILLS_RUNTIME_SDK_CONFIG_PATHS, then --config, in that order", () => {
    const ws = workspace({
      "config/runtime.yaml": "run:\n  max_steps: 10\n  max_turns: 5\nsafety:\n  allowlist: [ls, pwd]\n",
      "env-a.yaml": "run:\n  max_steps: 11\nmodels:\n  executor: from-env-list\n",
      "env-b.yaml": "run:\n  max_steps: 12\n",
      "cli.yaml": "run:\n  max_steps: 13\nsafety:\n  allowlist: [cat]\n",
    });
    const loaded = loadConfig({
      workspaceRoot: ws,
      env: { SKILLS_RUNTIME_SDK_CONFIG_PATHS: "env-a.yaml; env-b.yaml ," },
      configPaths: ["cli.yaml"],
    });
    expect(loaded.overlayPaths).toEqual(["config/runtime.yaml", "env-a.yaml", "env-b.yaml", "cli.yaml"].map((p) => join(ws, p)));
    expect(loaded.config.run.max_steps).toBe(13);
    expect(loaded.config.run.max_turns).toBe(5);
    expect(loaded.config.models.executor).toBe("from-env-list");
    expect(loaded.config.models.planner).toBe("gpt-4");
    // lists are replaced wholesale, not concatenated
    expect(loaded.config.safety.allowlist).toEqual(["cat"]);
    expect(loaded.sources["run.max_steps"]).toBe(`overlay:${join(ws, "cli.yaml")}`);
    expect(loaded.sources["run.max_turns"]).toBe(`overlay:${join(ws, "config/runtime.yaml")}`);
    expect(loaded.sources["models.executor"]).toBe(`overlay:${join(ws, "env-a.yaml")}`);
    expect(loaded.sources["safety.allowlist"]).toBe(`overlay:${join(ws, "cli.yaml")}`);
  });

  test("the same file named twice is applied once, at its first position", () => {
    const ws = workspace({ "config/runtime.yaml": "run:\n  max_steps: 7\n" });
    const loaded = loadConfig({ workspaceRoot: ws, env: {}, configPaths: ["config/runtime.yaml"] });
    expect(loaded.overlayPaths).toEqual([join(ws, "config/runtime.yaml")]);
  });

  test("an explicit null overrides a default", () => {
    const ws = workspace({ "config/runtime.yaml": "run:\n  max_wall_time_sec: null\n" });
    expect(loadConfig({ workspaceRoot: ws, env: {} }).config.run.max_wall_time_sec).toBeNull();
  });

  test("an empty overlay file is an empty mapping", () => {
    const ws = workspace({ "config/runtime.yaml": "" });
    expect(loadConfig({ workspaceRoot: ws, env: {} }).config.run.max_steps).toBe(40);
  });

  test("a missing explicit overlay is an error naming the file", () => {
    const err = loadError(() => loadConfig({ workspaceRoot: workspace(), env: {}, configPaths: ["nope.yaml"] }));
    expect(err.code).toBe("CLI_OVERLAY_NOT_FOUND");
    expect(err.message).toContain('"nope.yaml"');
    expect(err.message).toContain("overlay config not found");
  });

  test("a YAML syntax error names the file and the line", () => {
    const ws = workspace({ "config/runtime.yaml": "run:\n  max_steps: [1,\n" });
    const err = loadError(() => loadConfig({ workspaceRoot: ws, env: {} }));
    expect(err.code).toBe("CLI_OVERLAY_LOAD_FAILED");
    expect(err.message).toContain('"config/runtime.yaml"');
    expect(err.message).toMatch(/line \d+/);
  });

  test("a non-mapping overlay root is rejected", () => {
    const ws = workspace({ "config/runtime.yaml": "- a\n- b\n" });
    expect(loadError(() => loadConfig({ workspaceRoot: ws, env: {} })).code).toBe("CLI_OVERLAY_INVALID");
  });
});

describe("validation", () => {
  test("an unknown key is rejected with the file and the key path", () => {
    const ws = workspace({ "config/runtime.yaml": "safety:\n  mode: ask\n  modee: allow\n" });
    const err = loadError(() => loadConfig({ workspaceRoot: ws, env: {} }));
    expect(err.code).toBe("CLI_CONFIG_INVALID");
    expect(err.message).toContain("config/runtime.yaml: safety.modee: unknown key");
    expect(err.message).toContain("allowed keys here: mode, allowlist");
  });

  test("a bad enum value names what is allowed and what was given", () => {
    const ws = workspace({ "config/runtime.yaml": "safety:\n  mode: sometimes\n" });
    const err = loadError(() => loadConfig({ workspaceRoot: ws, env: {} }));
    expect(err.message).toBe('config/runtime.yaml: safety.mode: expected one of allow|ask|deny, got "sometimes"');
  });

  test("the legacy key llm.max_retries and unknown top-level keys fail fast", () => {
    const ws = workspace({ "config/runtime.yaml": "llm:\n  max_retries: 2\nextra: 1\n" });
    const err = loadError(() => loadConfig({ workspaceRoot: ws, env: {} }));
    expect(err.message).toContain("config/runtime.yaml: llm.max_retries: unknown key");
    expect(err.message).toContain("config/runtime.yaml: extra: unknown key");
  });

  test("legacy space keys get a dedicated message", () => {
    const ws = workspace({
      "config/runtime.yaml": "skills:\n  spaces:\n    - id: s1\n      account: web\n      namespace: web:mvp\n",
    });
    const err = loadError(() => loadConfig({ workspaceRoot: ws, env: {} }));
    expect(err.message).toContain("skills.spaces[0].account: unknown key (legacy skills.spaces key");
  });

  test("a bad namespace is rejected with the rule", () => {
    const ws = workspace({ "config/runtime.yaml": "skills:\n  spaces:\n    - id: s1\n      namespace: Web\n" });
    expect(loadError(() => loadConfig({ workspaceRoot: ws, env: {} })).message).toContain(
      "skills.spaces[0].namespace: expected a namespace of 1..7",
    );
  });

  test("types are strict: a string is not an integer", () => {
    const ws = workspace({ "config/runtime.yaml": "run:\n  max_steps: '5'\n" });
    expect(loadError(() => loadConfig({ workspaceRoot: ws, env: {} })).message).toBe(
      'config/runtime.yaml: run.max_steps: expected an integer, got "5"',
    );
  });

  test("a missing workspace root is an error", () => {
    const err = loadError(() => loadConfig({ workspaceRoot: join(tmpdir(), "does-not-exist-sr"), env: {} }));
    expect(err.code).toBe("CLI_WORKSPACE_ROOT_NOT_FOUND");
  });
});

describe("sandbox.profile presets", () => {
  const cases = [
    ["dev", "none", PERMISSIVE_SEATBELT_PROFILE],
    ["balanced", "restricted", PERMISSIVE_SEATBELT_PROFILE],
    ["prod", "restricted", PROD_SEATBELT_PROFILE],
  ] as const;
  for (const [profile, policy, seatbelt] of cases) {
    test(`${profile} sets its baseline values`, () => {
      const ws = workspace({ "config/runtime.yaml": `sandbox:\n  profile: ${profile}\n` });
      const { config, sources } = loadConfig({ workspaceRoot: ws, env: {} });
      expect(config.sandbox.profile).toBe(profile);
      expect(config.sandbox.default_policy).toBe(policy);
      expect(config.sandbox.os.mode).toBe("auto");
      expect(config.sandbox.os.seatbelt.profile).toBe(seatbelt);
      expect(config.sandbox.os.bubblewrap.unshare_net).toBe(true);
      expect(config.sandbox.os.bubblewrap.bwrap_path).toBe("bwrap");
      expect(sources["sandbox.default_policy"]).toBe(profile === "dev" ? "embedded_default" : `preset:${profile}`);
      expect(sources["sandbox.os.bubblewrap.bwrap_path"]).toBe("embedded_default");
    });
  }

  test("a preset never overrides a key an overlay set, in any layer", () => {
    const ws = workspace({
      "config/runtime.yaml": "sandbox:\n  default_policy: none\n",
      "late.yaml": "sandbox:\n  profile: ' PROD '\n  os:\n    bubblewrap:\n      unshare_net: false\n",
    });
    const { config, sources } = loadConfig({ workspaceRoot: ws, env: {}, configPaths: ["late.yaml"] });
    expect(config.sandbox.profile).toBe("prod");
    expect(config.sandbox.default_policy).toBe("none");
    expect(config.sandbox.os.bubblewrap.unshare_net).toBe(false);
    expect(config.sandbox.os.seatbelt.profile).toBe(PROD_SEATBELT_PROFILE);
    expect(sources["sandbox.default_policy"]).toBe(`overlay:${join(ws, "config/runtime.yaml")}`);
  });

  test("an explicit null seatbelt profile with prod stays null and fails validation", () => {
    const ws = workspace({ "config/runtime.yaml": "sandbox:\n  profile: prod\n  os:\n    seatbelt:\n      profile: null\n" });
    expect(loadError(() => loadConfig({ workspaceRoot: ws, env: {} })).message).toContain(
      "config/runtime.yaml: sandbox.os.seatbelt.profile: expected a string, got null",
    );
  });

  test("an unknown profile is an error", () => {
    const ws = workspace({ "config/runtime.yaml": "sandbox:\n  profile: paranoid\n" });
    expect(loadError(() => loadConfig({ workspaceRoot: ws, env: {} })).message).toBe(
      'config/runtime.yaml: sandbox.profile: expected one of dev|balanced|prod, got "paranoid"',
    );
  });
});

describe(".env", () => {
  test("<workspace>/.env adds variables without overriding the process env", () => {
    const ws = workspace({ ".env": "# comment\nexport A=from-dotenv\nB='quoted'\nC=dotenv\n\nSKILLS_RUNTIME_SDK_EXECUTOR_MODEL=dotenv-model\n" });
    const loaded = loadConfig({ workspaceRoot: ws, env: { C: "process" } });
    expect(loaded.envFile).toBe(join(ws, ".env"));
    expect(loaded.env.A).toBe("from-dotenv");
    expect(loaded.env.B).toBe("quoted");
    expect(loaded.env.C).toBe("process");
    expect(loaded.dotenvKeys.sort()).toEqual(["A", "B", "SKILLS_RUNTIME_SDK_EXECUTOR_MODEL"]);
    expect(loaded.config.models.executor).toBe("dotenv-model");
    expect(loaded.sources["models.executor"]).toBe("env:SKILLS_RUNTIME_SDK_EXECUTOR_MODEL");
  });

  test("SKILLS_RUNTIME_SDK_ENV_FILE names the file and wins over .env", () => {
    const ws = workspace({ ".env": "A=default-file\n", "secrets/run.env": "A=explicit-file\n" });
    const loaded = loadConfig({ workspaceRoot: ws, env: { SKILLS_RUNTIME_SDK_ENV_FILE: "secrets/run.env" } });
    expect(loaded.envFile).toBe(join(ws, "secrets/run.env"));
    expect(loaded.env.A).toBe("explicit-file");
  });

  test("a missing explicit env file is an error", () => {
    const err = loadError(() =>
      loadConfig({ workspaceRoot: workspace(), env: { SKILLS_RUNTIME_SDK_ENV_FILE: "missing.env" } }),
    );
    expect(err.code).toBe("CLI_DOTENV_LOAD_FAILED");
    expect(err.message).toContain("env file not found");
  });

  test("dotenv: false (--no-dotenv) reads no file, not even an explicit one", () => {
    const ws = workspace({ ".env": "A=1\n" });
    const loaded = loadConfig({ workspaceRoot: ws, env: { SKILLS_RUNTIME_SDK_ENV_FILE: "missing.env" }, dotenv: false });
    expect(loaded.envFile).toBeNull();
    expect(loaded.env.A).toBeUndefined();
  });

  test("SKILLS_RUNTIME_SDK_CONFIG_PATHS may come from .env", () => {
    const ws = workspace({ ".env": "SKILLS_RUNTIME_SDK_CONFIG_PATHS=extra.yaml\n", "extra.yaml": "run:\n  max_steps: 3\n" });
    expect(loadConfig({ workspaceRoot: ws, env: {} }).config.run.max_steps).toBe(3);
  });
});

describe("overrides and sources", () => {
  test("session settings beat env, env beats YAML, blank env counts as unset", () => {
    const ws = workspace({ "config/runtime.yaml": "models:\n  planner: yaml-planner\n  executor: yaml-exec\nllm:\n  base_url: http://yaml/v1\n" });
    const loaded = loadConfig({
      workspaceRoot: ws,
      env: {
        SKILLS_RUNTIME_SDK_PLANNER_MODEL: "env-planner",
        SKILLS_RUNTIME_SDK_EXECUTOR_MODEL: "env-exec",
        SKILLS_RUNTIME_SDK_LLM_BASE_URL: "   ",
        SKILLS_RUNTIME_SDK_LLM_API_KEY_ENV: "MY_KEY",
      },
      sessionSettings: { models: { executor: "session-exec" } },
    });
    expect(loaded.config.models).toEqual({ planner: "env-planner", executor: "session-exec" });
    expect(loaded.config.llm.base_url).toBe("http://yaml/v1");
    expect(loaded.config.llm.api_key_env).toBe("MY_KEY");
    expect(loaded.sources["models.planner"]).toBe("env:SKILLS_RUNTIME_SDK_PLANNER_MODEL");
    expect(loaded.sources["models.executor"]).toBe("session_settings:models.executor");
    expect(loaded.sources["llm.base_url"]).toBe(`overlay:${join(ws, "config/runtime.yaml")}`);
    expect(loaded.sources["llm.api_key_env"]).toBe("env:SKILLS_RUNTIME_SDK_LLM_API_KEY_ENV");
  });

  test("the sources map covers every effective leaf", () => {
    const loaded = loadConfig({ workspaceRoot: workspace(), env: {}, overlays: [{ label: "library", data: { run: { max_steps: 2 } } }] });
    expect(loaded.sources["run.max_steps"]).toBe("library");
    expect(loaded.sources["run.context_recovery.mode"]).toBe("embedded_default");
    expect(loaded.sources["skills.spaces"]).toBe("embedded_default");
    expect(Object.keys(loaded.sources).length).toBeGreaterThan(60);
    for (const value of Object.values(loaded.sources)) expect(value).toMatch(/^(embedded_default|preset:|library|schema_default)/);
  });
});

describe("tools.web_search", () => {
  test("is off by default with no endpoint and no key", () => {
    const { config, sources } = loadConfig({ workspaceRoot: workspace(), env: {} });
    expect(config.tools.web_search).toEqual({ enabled: false, endpoint: null, method: "GET", api_key_env: null, timeout_ms: 10000 });
    expect(sources["tools.web_search.enabled"]).toBe("embedded_default");
  });

  test("an overlay turns it on with an endpoint", () => {
    const ws = workspace({
      "config/runtime.yaml": "tools:\n  web_search:\n    enabled: true\n    endpoint: http://127.0.0.1:9/search\n    method: POST\n    api_key_env: SEARCH_KEY\n",
    });
    const { config } = loadConfig({ workspaceRoot: ws, env: {} });
    expect(config.tools.web_search).toMatchObject({ enabled: true, endpoint: "http://127.0.0.1:9/search", method: "POST", api_key_env: "SEARCH_KEY" });
  });

  test("enabled without an endpoint is an error naming the key to set", () => {
    const ws = workspace({ "config/runtime.yaml": "tools:\n  web_search:\n    enabled: true\n" });
    expect(loadError(() => loadConfig({ workspaceRoot: ws, env: {} })).message).toContain(
      "tools.web_search.endpoint: web_search is enabled but has no endpoint; set tools.web_search.endpoint",
    );
  });

  test("an endpoint that is not an http(s) URL is rejected", () => {
    const ws = workspace({ "config/runtime.yaml": "tools:\n  web_search:\n    endpoint: file:///etc/passwd\n" });
    expect(loadError(() => loadConfig({ workspaceRoot: ws, env: {} })).message).toContain("tools.web_search.endpoint: expected an http(s) URL");
  });

  test("unknown keys under tools are rejected", () => {
    const ws = workspace({ "config/runtime.yaml": "tools:\n  web_search:\n    url: http://127.0.0.1:9\n" });
    expect(loadError(() => loadConfig({ workspaceRoot: ws, env: {} })).message).toContain("tools.web_search.url: unknown key");
  });
});
