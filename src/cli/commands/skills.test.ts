import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli } from "../../../test/support/cli.ts";
import { skillMd, tempDir, writeSkill, writeTree } from "../../../test/support/skills.ts";

const ENV = (home: string) => ({ PATH: "/usr/bin:/bin", HOME: home });

async function run(argv: string[], cwd: string, env?: Record<string, string>) {
  return cli(argv, { cwd, env: env ?? ENV(cwd) });
}

function withConfig(ws: string, yaml: string): string {
  writeTree(ws, { "config/runtime.yaml": yaml });
  return ws;
}

const FS_CONFIG = "skills:\n  spaces:\n    - {id: s1, namespace: 'web:mvp', sources: [local]}\n  sources:\n    - {id: local, type: filesystem, options: {root: skills}}\n";

describe("skills preflight", () => {
  test("an empty workspace: exit 0, no issues, no overlays, no env file", async () => {
    const ws = tempDir();
    const r = await run(["skills", "preflight", "--workspace-root", ws], "/");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ issues: [], stats: { workspace_root: ws, overlay_paths: [], env_file: null, issues_total: 0, errors_total: 0, warnings_total: 0 } });
  });

  test("reports the .env file unless --no-dotenv; validate-config is an alias", async () => {
    const ws = tempDir();
    writeFileSync(join(ws, ".env"), "SOME_TOKEN=value-never-printed\n");
    const loaded = await run(["skills", "validate-config"], ws);
    expect(JSON.parse(loaded.stdout).stats.env_file).toBe(join(ws, ".env"));
    expect(loaded.stdout).not.toContain("value-never-printed");
    expect(JSON.parse((await run(["skills", "preflight", "--no-dotenv"], ws)).stdout).stats.env_file).toBeNull();
  });

  test("versioning enabled is a warning (exit 12)", async () => {
    const ws = withConfig(tempDir(), "skills:\n  versioning: {enabled: true, strategy: TODO}\n");
    const r = await run(["skills", "preflight"], ws);
    expect(r.code).toBe(12);
    expect(JSON.parse(r.stdout).issues.map((i: { code: string }) => i.code)).toEqual(["SKILL_CONFIG_VERSIONING_IGNORED"]);
  });

  test("an unknown versioning key is a config error (exit 10)", async () => {
    const ws = withConfig(tempDir(), "skills:\n  versioning: {enabled: false, mode: x}\n");
    const r = await run(["skills", "preflight"], ws);
    expect(r.code).toBe(10);
    expect(JSON.parse(r.stdout).issues[0].code).toBe("CLI_CONFIG_INVALID");
  });

  test("a filesystem source without root is an error (exit 10); overlays are listed in discovery + flag order", async () => {
    const ws = withConfig(tempDir(), "skills:\n  sources:\n    - {id: local, type: filesystem}\n");
    writeTree(ws, { "extra.yaml": "run: {max_steps: 3}\n" });
    const r = await run(["skills", "preflight", "--config", "extra.yaml"], ws);
    expect(r.code).toBe(10);
    const out = JSON.parse(r.stdout);
    expect(out.issues.map((i: { code: string; details: { path: string } }) => [i.code, i.details.path])).toEqual([["SKILL_CONFIG_MISSING_REQUIRED_OPTION", "skills.sources[0].options.root"]]);
    expect(out.stats.overlay_paths).toEqual([join(ws, "config/runtime.yaml"), join(ws, "extra.yaml")]);
    expect(out.stats.errors_total).toBe(1);
  });

  test("a missing overlay is reported as an issue, not a crash", async () => {
    const ws = tempDir();
    const r = await run(["skills", "preflight", "--config", "nope.yaml"], ws);
    expect(r.code).toBe(10);
    expect(JSON.parse(r.stdout).issues[0].code).toBe("CLI_OVERLAY_NOT_FOUND");
  });
});

describe("skills scan", () => {
  test("the default config: exit 0, a scan_ id, no skills", async () => {
    const r = await run(["skills", "scan"], tempDir());
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.scan_id).toMatch(/^scan_[0-9a-f]{12}$/);
    expect(report.skills).toEqual([]);
  });

  test("lists filesystem skills; a bad name exits 11 with an issue naming the file", async () => {
    const ws = withConfig(tempDir(), FS_CONFIG);
    writeSkill(ws, "skills/article-writer", skillMd("article-writer", "Writes articles.", "license: Apache-2.0\n"));
    const bad = writeSkill(ws, "skills/bad", skillMd("Bad Name"));
    const r = await run(["skills", "scan", "--pretty"], ws);
    expect(r.code).toBe(11);
    expect(r.stdout).toContain('\n  "scan_id"');
    const report = JSON.parse(r.stdout);
    expect(report.skills.map((s: { skill_name: string; namespace: string }) => [s.namespace, s.skill_name])).toEqual([["web:mvp", "article-writer"]]);
    expect(report.skills[0].metadata.license).toBe("Apache-2.0");
    expect(report.errors.map((e: { code: string; details: { path: string } }) => [e.code, e.details.path])).toEqual([["SKILL_SCAN_METADATA_INVALID", bad]]);
    expect(report.errors[0].message).toContain(bad);
  });

  test("duplicate names exit 11 with SKILL_DUPLICATE_NAME naming both origins", async () => {
    const ws = withConfig(
      tempDir(),
      "skills:\n  spaces:\n    - {id: s1, namespace: web, sources: [a, b]}\n  sources:\n    - {id: a, type: filesystem, options: {root: one}}\n    - {id: b, type: filesystem, options: {root: two}}\n",
    );
    const first = writeSkill(ws, "one/dup", skillMd("dup"));
    const second = writeSkill(ws, "two/dup", skillMd("dup"));
    const r = await run(["skills", "scan"], ws);
    expect(r.code).toBe(11);
    const [error] = JSON.parse(r.stdout).errors;
    expect(error.code).toBe("SKILL_DUPLICATE_NAME");
    expect(error.message).toContain(first);
    expect(error.message).toContain(second);
  });

  test("a redis source without its DSN variable exits 11 with env_present false; with it from .env, true", async () => {
    const ws = withConfig(tempDir(), "skills:\n  spaces:\n    - {id: s, namespace: web, sources: [r]}\n  sources:\n    - {id: r, type: redis, options: {dsn_env: SKILLS_TEST_REDIS_URL, key_prefix: 'skills:'}}\n");
    const without = await run(["skills", "scan"], ws);
    expect(without.code).toBe(11);
    expect(JSON.parse(without.stdout).errors[0].details).toMatchObject({ dsn_env: "SKILLS_TEST_REDIS_URL", env_present: false });
    writeFileSync(join(ws, ".env"), "SKILLS_TEST_REDIS_URL=redis://127.0.0.1:1/0\n");
    const withEnv = await run(["skills", "scan"], ws);
    expect(withEnv.code).toBe(11);
    const unavailable = JSON.parse(withEnv.stdout).errors[0];
    expect([unavailable.code, unavailable.details.env_present]).toEqual(["SKILL_SCAN_SOURCE_UNAVAILABLE", true]);
  });

  test("a workspace that does not exist exits 11 with CLI_WORKSPACE_ROOT_NOT_FOUND in a JSON report", async () => {
    const ws = tempDir();
    const r = await run(["skills", "scan", "--workspace-root", join(ws, "missing")], ws);
    expect(r.code).toBe(11);
    const report = JSON.parse(r.stdout);
    expect(report.scan_id).toBe("scan_cli_error");
    expect(report.errors[0].code).toBe("CLI_WORKSPACE_ROOT_NOT_FOUND");
  });
});

describe("skills mentions", () => {
  test("prints the mentions as a JSON array", async () => {
    const r = await run(["skills", "mentions", "use $[web:mvp].article-writer, $[web:mvp].x1] and $[web:mvp].article-writer"], tempDir());
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ namespace: "web:mvp", segments: ["web", "mvp"], skill_name: "article-writer", mention_text: "$[web:mvp].article-writer" }]);
  });

  test("joins several arguments and reads --file", async () => {
    const ws = tempDir();
    writeTree(ws, { "prompt.md": "```\n$[a0:b1].n1\n```\n$[b1:a0].n1" });
    expect(JSON.parse((await run(["skills", "mentions", "$[ab].cd", "$[ab].ef"], ws)).stdout)).toHaveLength(2);
    expect(JSON.parse((await run(["skills", "mentions", "--", "-v $[ab].cd"], ws)).stdout)[0].skill_name).toBe("cd");
    const fromFile = JSON.parse((await run(["skills", "mentions", "--file", "prompt.md"], ws)).stdout);
    expect(fromFile.map((m: { mention_text: string }) => m.mention_text)).toEqual(["$[a0:b1].n1", "$[b1:a0].n1"]);
  });

  test("no text is a usage error", async () => {
    const r = await run(["skills", "mentions"], tempDir());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("needs a TEXT");
  });
});

describe("skills new and lint", () => {
  test("new creates a skill that lints clean and scans", async () => {
    const ws = withConfig(tempDir(), FS_CONFIG);
    const created = await run(["skills", "new", "release-notes", "--dir", "skills", "--description", "Write release notes."], ws);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("Created skills/release-notes/SKILL.md");
    const lint = await run(["skills", "lint", "skills/release-notes"], ws);
    expect([lint.code, lint.stdout]).toEqual([0, "skills/release-notes/SKILL.md: ok\n1 skill(s), 0 error(s), 0 warning(s)\n"]);
    const report = JSON.parse((await run(["skills", "scan"], ws)).stdout);
    expect(report.skills.map((s: { skill_name: string; description: string }) => [s.skill_name, s.description])).toEqual([["release-notes", "Write release notes."]]);
  });

  test("new refuses a bad name and an existing folder", async () => {
    const ws = tempDir();
    const bad = await run(["skills", "new", "Release Notes"], ws);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Cannot create skill "Release Notes"');
    expect(existsSync(join(ws, "Release Notes"))).toBe(false);
    mkdirSync(join(ws, "taken"));
    expect((await run(["skills", "new", "taken"], ws)).stderr).toContain("already exists");
  });

  test("lint reports errors (exit 11) and warnings (exit 12) per skill", async () => {
    const ws = tempDir();
    writeSkill(ws, "skills/pdf", skillMd("pdf-tools", "d", "actions:\n  run: {argv: [bash, actions/missing.sh]}\n"));
    writeSkill(ws, "skills/short", skillMd("x"));
    writeSkill(ws, "warn/named-other", skillMd("other-name"));
    const errors = await run(["skills", "lint", "skills", "--json"], ws);
    expect(errors.code).toBe(11);
    const out = JSON.parse(errors.stdout);
    expect(out.skills.map((s: { skill_name: string | null; loads: boolean; issues: { code: string }[] }) => [s.skill_name, s.loads, s.issues.map((i) => i.code)])).toEqual([
      ["pdf-tools", true, ["SKILL_LINT_NAME_FOLDER_MISMATCH", "SKILL_ACTION_ARGV_PATH_INVALID"]],
      [null, false, ["SKILL_SCAN_METADATA_INVALID"]],
    ]);
    const warnings = await run(["skills", "lint", "warn"], ws);
    expect(warnings.code).toBe(12);
    expect(warnings.stdout).toContain("warning SKILL_LINT_NAME_FOLDER_MISMATCH");
  });
});

describe("help", () => {
  for (const sub of ["preflight", "scan", "mentions", "new", "lint"]) {
    test(`skills ${sub} --help shows its flags and an example`, async () => {
      const r = await run(["skills", sub, "--help"], tempDir());
      expect(r.code).toBe(0);
      expect(r.stdout).toStartWith(`Usage: skills-runtime skills ${sub}`);
      expect(r.stdout).toContain("Flags:");
      expect(r.stdout).toMatch(/Examples?:\n  skills-runtime skills /);
    });
  }

  test("an unknown subcommand is a usage error naming it", async () => {
    const r = await run(["skills", "frob"], tempDir());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frob"');
  });
});
