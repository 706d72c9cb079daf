import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { tempDirs } from "../../../test/support/tool-context.ts";
import { HttpError } from "../errors.ts";
import { FileSessionStore } from "./sessions.ts";

const tempDir = tempDirs("sr-sessions-");

function setup(env: Record<string, string> = {}) {
  const ws = tempDir();
  const warnings: string[] = [];
  let clock = 0;
  const now = () => `2026-01-01T00:00:${String(clock++).padStart(2, "0")}.000000Z`;
  const store = new FileSessionStore({ workspaceRoot: ws, env, now, warn: (m) => warnings.push(m) });
  const sessionsDir = join(ws, ".skills_runtime_sdk", "sessions");
  return { ws, store, warnings, sessionsDir };
}

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof HttpError)) throw new Error(`expected an HttpError, got ${String(error)}`);
  return error;
}

/** Every file below `dir` whose name marks it as an atomic-write temp file. */
function tempFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((name) => name.endsWith(".tmp"));
}

describe("FileSessionStore", () => {
  test("create writes the four session files with the default skills source", async () => {
    const { ws, store, sessionsDir } = setup();
    const record = await store.create({ title: "Hello" });
    expect(record).toEqual({ session_id: expect.stringMatching(/^sess_[0-9a-f]{32}$/), created_at: "2026-01-01T00:00:00.000000Z", title: "Hello", updated_at: "2026-01-01T00:00:00.000000Z", runs_count: 0 });
    const dir = join(sessionsDir, record.session_id);
    expect(readdirSync(dir).sort()).toEqual(["session.json", "settings.json", "skills.json", "skills_overlay.yaml"]);
    expect(JSON.parse(readFileSync(join(dir, "session.json"), "utf8"))).toEqual(record);
    expect(JSON.parse(readFileSync(join(dir, "skills.json"), "utf8"))).toEqual({ filesystem_sources: [join(ws, ".skills_runtime_sdk", "skills")], disabled_paths: [] });
    expect(JSON.parse(readFileSync(join(dir, "settings.json"), "utf8"))).toEqual({ backend: null, model: null, base_url: null });
    const overlay = YAML.parse(readFileSync(store.skillsOverlayPath(record.session_id), "utf8"));
    expect(overlay.skills.sources).toEqual([{ id: "web-fs-0", type: "filesystem", options: { root: join(ws, ".skills_runtime_sdk", "skills") } }]);
  });

  test("an explicit empty source list means no sources and no space", async () => {
    const { store } = setup();
    const { session_id } = await store.create({ filesystem_sources: [] });
    expect(await store.skillsConfig(session_id)).toEqual({ filesystem_sources: [], disabled_paths: [] });
    expect(YAML.parse(readFileSync(store.skillsOverlayPath(session_id), "utf8")).skills.spaces).toEqual([]);
  });

  test("create refuses a source outside the workspace and writes nothing", async () => {
    const { store, sessionsDir } = setup();
    const error = await failure(store.create({ filesystem_sources: ["/etc"] }));
    expect(error.status).toBe(400);
    expect(error.details.filesystem_sources).toEqual(["/etc"]);
    expect(existsSync(sessionsDir) ? readdirSync(sessionsDir) : []).toEqual([]);
  });

  test("sources resolve relative to the workspace and expand ~ from the given env", async () => {
    const { ws, store } = setup({ HOME: "/nowhere-home" });
    const inside = setup({});
    const { session_id } = await store.create({ filesystem_sources: ["a", " b/c "] });
    expect((await store.skillsConfig(session_id)).filesystem_sources).toEqual([join(ws, "a"), join(ws, "b", "c")]);
    expect((await failure(store.create({ filesystem_sources: ["~/x"] }))).status).toBe(400);
    const home = new FileSessionStore({ workspaceRoot: inside.ws, env: { HOME: join(inside.ws, "home") } });
    const created = await home.create({ filesystem_sources: ["~/skills"] });
    expect((await home.skillsConfig(created.session_id)).filesystem_sources).toEqual([join(inside.ws, "home", "skills")]);
  });

  test("list sorts by updated_at descending and reflects renames and runs", async () => {
    const { store } = setup();
    const a = await store.create({ title: "a" });
    const b = await store.create({ title: "b" });
    const c = await store.create({ title: "c" });
    expect((await store.list()).map((s) => s.title)).toEqual(["c", "b", "a"]);
    await store.rename(a.session_id, "a2");
    await store.incrementRuns(b.session_id);
    const listed = await store.list();
    expect(listed.map((s) => s.title)).toEqual(["b", "a2", "c"]);
    expect(listed[0]!.runs_count).toBe(1);
    expect(listed.find((s) => s.session_id === c.session_id)!.created_at).toBe(c.created_at);
  });

  test("list skips corrupt session.json files and applies the fallbacks to sparse ones", async () => {
    const { store, sessionsDir, warnings } = setup();
    const good = await store.create({ title: "good" });
    const write = (name: string, text: string) => {
      mkdirSync(join(sessionsDir, name));
      writeFileSync(join(sessionsDir, name, "session.json"), text);
    };
    write("sess_badjson", "{not json");
    write("sess_string_count", JSON.stringify({ created_at: "2026-02-01T00:00:00Z", runs_count: "3" }));
    write("sess_bool_count", JSON.stringify({ created_at: "2026-02-01T00:00:00Z", runs_count: true }));
    write("sess_negative", JSON.stringify({ created_at: "2026-02-01T00:00:00Z", runs_count: -1 }));
    write("sess_array", "[]");
    write("sess_sparse", JSON.stringify({ created_at: "2026-03-01T00:00:00Z", title: 7, updated_at: "", runs_count: "" }));
    write("sess_nullcount", JSON.stringify({ session_id: "", created_at: "2026-01-15T00:00:00Z", runs_count: null }));
    mkdirSync(join(sessionsDir, "sess_empty_dir"));
    const listed = await store.list();
    expect(listed).toEqual([
      { session_id: "sess_sparse", created_at: "2026-03-01T00:00:00Z", title: null, updated_at: "2026-03-01T00:00:00Z", runs_count: 0 },
      { session_id: "sess_nullcount", created_at: "2026-01-15T00:00:00Z", title: null, updated_at: "2026-01-15T00:00:00Z", runs_count: 0 },
      good,
    ]);
    expect(warnings.length).toBe(5);
    expect(warnings.join("\n")).toContain("sess_badjson");
  });

  test("get answers 404 for an unknown id, 400 for traversal and for a corrupt session.json", async () => {
    const { store, sessionsDir } = setup();
    expect((await failure(store.get("sess_00000000000000000000000000000000"))).status).toBe(404);
    expect((await failure(store.get("../.."))).status).toBe(400);
    mkdirSync(join(sessionsDir, "sess_bad"), { recursive: true });
    writeFileSync(join(sessionsDir, "sess_bad", "session.json"), "{");
    const corrupt = await failure(store.get("sess_bad"));
    expect(corrupt.status).toBe(400);
    expect(corrupt.message).toContain("session.json is corrupt");
  });

  test("concurrent incrementRuns calls are all counted", async () => {
    const { store } = setup();
    const { session_id } = await store.create({});
    const results = await Promise.all(Array.from({ length: 16 }, () => store.incrementRuns(session_id)));
    expect(results.map((r) => r.runs_count).sort((x, y) => x - y)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect((await store.get(session_id)).runs_count).toBe(16);
  });

  test("rename changes the title and bumps updated_at only", async () => {
    const { store } = setup();
    const created = await store.create({ title: "old" });
    const renamed = await store.rename(created.session_id, "new");
    expect(renamed).toEqual({ ...created, title: "new", updated_at: "2026-01-01T00:00:01.000000Z" });
    expect(await store.get(created.session_id)).toEqual(renamed);
    expect((await store.rename(created.session_id, null)).title).toBeNull();
  });

  test("delete removes the session and only the runs that name it", async () => {
    const { ws, store } = setup();
    const mine = await store.create({});
    const other = await store.create({});
    const runsDir = join(ws, ".skills_runtime_sdk", "runs");
    const run = (id: string, sessionId: string) => {
      mkdirSync(join(runsDir, id), { recursive: true });
      writeFileSync(join(runsDir, id, "run.json"), JSON.stringify({ run_id: id, session_id: sessionId, created_at: "x" }));
      writeFileSync(join(runsDir, id, "events.jsonl"), "");
    };
    run("run_a", mine.session_id);
    run("run_b", mine.session_id);
    run("run_c", other.session_id);
    mkdirSync(join(runsDir, "run_norecord"));
    expect(await store.delete(mine.session_id)).toEqual({ run_ids: ["run_a", "run_b"] });
    expect(readdirSync(runsDir).sort()).toEqual(["run_c", "run_norecord"]);
    expect((await failure(store.get(mine.session_id))).status).toBe(404);
    expect((await store.list()).map((s) => s.session_id)).toEqual([other.session_id]);
    expect((await failure(store.delete(mine.session_id))).status).toBe(404);
  });

  test("delete also removes a session whose session.json is corrupt", async () => {
    const { store, sessionsDir } = setup();
    mkdirSync(join(sessionsDir, "sess_broken"), { recursive: true });
    writeFileSync(join(sessionsDir, "sess_broken", "session.json"), "{");
    await store.delete("sess_broken");
    expect(readdirSync(sessionsDir)).toEqual([]);
  });

  test("setSources keeps disabled_paths and rewrites the overlay", async () => {
    const { ws, store } = setup();
    const { session_id } = await store.create({});
    mkdirSync(join(ws, "x", "skill"), { recursive: true });
    await store.setSkillEnabled(session_id, "x/skill/SKILL.md", false);
    const next = await store.setSources(session_id, [" x ", "", "y"]);
    expect(next).toEqual({ filesystem_sources: [join(ws, "x"), join(ws, "y")], disabled_paths: [join(ws, "x", "skill", "SKILL.md")] });
    expect(await store.skillsConfig(session_id)).toEqual(next);
    const overlay = YAML.parse(readFileSync(store.skillsOverlayPath(session_id), "utf8"));
    expect(overlay.skills.spaces[0].sources).toEqual(["web-fs-0", "web-fs-1"]);
    expect(overlay.skills.sources.map((s: { options: { root: string } }) => s.options.root)).toEqual([join(ws, "x"), join(ws, "y")]);
    expect((await failure(store.setSources(session_id, ["../out"]))).status).toBe(400);
    expect(await store.skillsConfig(session_id)).toEqual(next);
  });

  test("setSkillEnabled adds and removes one absolute path and refuses paths outside the workspace", async () => {
    const { ws, store } = setup();
    const { session_id } = await store.create({});
    const path = join(ws, "s", "SKILL.md");
    expect((await store.setSkillEnabled(session_id, path, false)).disabled_paths).toEqual([path]);
    expect((await store.setSkillEnabled(session_id, "s/SKILL.md", false)).disabled_paths).toEqual([path]);
    expect((await store.setSkillEnabled(session_id, "s/SKILL.md", true)).disabled_paths).toEqual([]);
    expect((await failure(store.setSkillEnabled(session_id, "/etc/passwd", false))).status).toBe(400);
  });

  test("a corrupt skills.json is a 400 validation_error", async () => {
    const { store } = setup();
    const { session_id } = await store.create({});
    const file = join(store.sessionDir(session_id), "skills.json");
    for (const text of ["{", '{"filesystem_sources": "not a list"}', '{"filesystem_sources": [1]}', '{"filesystem_sources": ["/etc"]}', "null"]) {
      writeFileSync(file, text);
      const error = await failure(store.skillsConfig(session_id));
      expect([error.status, error.kind]).toEqual([400, "validation_error"]);
      expect((await failure(store.setSources(session_id, []))).status).toBe(400);
    }
  });

  test("settings default when missing, round-trip through putSettings, and are 400 when corrupt", async () => {
    const { store } = setup();
    const { session_id } = await store.create({});
    expect(await store.settings(session_id)).toEqual({ backend: null, model: null, base_url: null });
    const saved = await store.putSettings(session_id, { backend: "fake", model: "m", base_url: "http://127.0.0.1:9/v1" });
    expect(await store.settings(session_id)).toEqual(saved);
    writeFileSync(join(store.sessionDir(session_id), "settings.json"), '{"backend": "nope"}');
    expect((await failure(store.settings(session_id))).status).toBe(400);
    expect((await failure(store.settings("sess_00000000000000000000000000000000"))).status).toBe(404);
  });

  test("many concurrent writes leave no temp files behind", async () => {
    const { ws, store } = setup();
    const { session_id } = await store.create({});
    await Promise.all([
      ...Array.from({ length: 10 }, () => store.incrementRuns(session_id)),
      ...Array.from({ length: 5 }, (_, i) => store.rename(session_id, `t${i}`)),
      ...Array.from({ length: 5 }, () => store.setSources(session_id, ["a"])),
      ...Array.from({ length: 5 }, () => store.putSettings(session_id, { backend: "fake", model: null, base_url: null })),
    ]);
    expect(tempFiles(join(ws, ".skills_runtime_sdk"))).toEqual([]);
    expect((await store.get(session_id)).runs_count).toBe(10);
  });
});
