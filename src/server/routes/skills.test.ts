import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { serverTestApp } from "../../../test/support/server-app.ts";
import { tempDirs } from "../../../test/support/tool-context.ts";
import { openApiDocument } from "../openapi.ts";
import { prepareWorkspace } from "../startup.ts";
import { sessionRoutes } from "./sessions.ts";
import { skillRoutes } from "./skills.ts";

const tempDir = tempDirs("sr-routes-skills-");
const UNKNOWN = "sess_00000000000000000000000000000000";

interface SkillsBody {
  filesystem_sources: string[];
  disabled_paths: string[];
  skills: { name: string; namespace: string; description: string; path: string; enabled: boolean; dependencies: { env_vars: string[] } }[];
  issues: { code: string; message: string; level: string; path: string | null }[];
}

interface ErrorBody {
  detail: { kind: string; message: string; details: Record<string, unknown> };
}

async function setup(options: { prepare?: boolean } = {}) {
  const ws = tempDir();
  if (options.prepare !== false) await prepareWorkspace(ws);
  const t = serverTestApp(ws, [sessionRoutes, skillRoutes]);
  const session = async (body: unknown = {}) => {
    const res = await t.call("POST", "/api/v1/sessions", body);
    expect(res.status).toBe(201);
    return ((await res.json()) as { session_id: string }).session_id;
  };
  const skills = async (id: string) => {
    const res = await t.call("GET", `/api/v1/sessions/${id}/skills`);
    expect(res.status).toBe(200);
    return (await res.json()) as SkillsBody;
  };
  const defaultSource = join(ws, ".skills_runtime_sdk", "skills");
  return { ws, ...t, session, skills, defaultSource };
}

function skillText(name: string, description = `Does ${name}.`): string {
  return `---\nname: ${name}\ndescription: ${description}\n---\n\n# ${name}\n\nSteps.\n`;
}

describe("GET /api/v1/sessions/:session_id/skills", () => {
  test("a new session scans the default source and lists the built-in skills", async () => {
    const { session, skills, defaultSource } = await setup();
    const body = await skills(await session());
    expect(body.filesystem_sources).toEqual([defaultSource]);
    expect(body.disabled_paths).toEqual([]);
    const names = body.skills.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(["article-writer", "novel-writer"]));
    const article = body.skills.find((s) => s.name === "article-writer")!;
    expect(article).toEqual({
      name: "article-writer",
      namespace: "web:mvp",
      description: expect.stringContaining("structured article"),
      path: join(defaultSource, "article-writer", "SKILL.md"),
      enabled: true,
      dependencies: { env_vars: [] },
    });
    expect(body.issues).toEqual([]);
  });

  test("reports invalid SKILL.md files and missing roots as issues", async () => {
    const { ws, session, skills } = await setup({ prepare: false });
    mkdirSync(join(ws, "src", "broken"), { recursive: true });
    writeFileSync(join(ws, "src", "broken", "SKILL.md"), "---\nname: Bad Name\ndescription: x\n---\n");
    mkdirSync(join(ws, "src", "fine"));
    writeFileSync(join(ws, "src", "fine", "SKILL.md"), skillText("fine"));
    const body = await skills(await session({ filesystem_sources: ["src", "missing"] }));
    expect(body.skills.map((s) => s.name)).toEqual(["fine"]);
    expect(body.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "SKILL_CONFIG_FILESYSTEM_ROOT_MISSING", level: "warning", path: join(ws, "missing") }),
        expect.objectContaining({ code: "SKILL_SCAN_METADATA_INVALID", level: "error", path: join(ws, "src", "broken", "SKILL.md") }),
      ]),
    );
  });

  test("a duplicate skill name is reported as an issue, not a 500", async () => {
    const { ws, session, skills } = await setup({ prepare: false });
    for (const dir of ["a/one", "b/one"]) {
      mkdirSync(join(ws, dir), { recursive: true });
      writeFileSync(join(ws, dir, "SKILL.md"), skillText("one"));
    }
    const body = await skills(await session({ filesystem_sources: ["a", "b"] }));
    expect(body.skills).toEqual([]);
    expect(body.issues.map((i) => i.code)).toContain("SKILL_DUPLICATE_NAME");
  });

  test("404 for an unknown session, 400 for traversal, 400 for a corrupt skills.json", async () => {
    const { call, session, store } = await setup();
    expect((await call("GET", `/api/v1/sessions/${UNKNOWN}/skills`)).status).toBe(404);
    const traversal = await call("GET", "/api/v1/sessions/..%2F../skills");
    expect(traversal.status).toBe(400);
    expect(((await traversal.json()) as ErrorBody).detail.kind).toBe("validation_error");
    const id = await session();
    writeFileSync(join(store.sessionDir(id), "skills.json"), "{broken");
    const corrupt = await call("GET", `/api/v1/sessions/${id}/skills`);
    expect(corrupt.status).toBe(400);
    expect(((await corrupt.json()) as ErrorBody).detail).toMatchObject({ kind: "validation_error", details: { file: "skills.json" } });
  });
});

describe("PUT /api/v1/sessions/:session_id/skills/sources", () => {
  test("stores normalised sources, answers with the trimmed input list, keeps disabled_paths", async () => {
    const { ws, call, session, skills, defaultSource } = await setup();
    const id = await session();
    const article = join(defaultSource, "article-writer", "SKILL.md");
    expect((await call("PUT", `/api/v1/sessions/${id}/skills/enabled`, { path: article, enabled: false })).status).toBe(200);
    const res = await call("PUT", `/api/v1/sessions/${id}/skills/sources`, { filesystem_sources: [" .skills_runtime_sdk/skills ", "", "more"] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, filesystem_sources: [".skills_runtime_sdk/skills", "more"] });
    const body = await skills(id);
    expect(body.filesystem_sources).toEqual([defaultSource, join(ws, "more")]);
    expect(body.disabled_paths).toEqual([article]);
  });

  test("an empty list leaves the session with no skills", async () => {
    const { call, session, skills } = await setup();
    const id = await session();
    expect(await (await call("PUT", `/api/v1/sessions/${id}/skills/sources`, { filesystem_sources: [] })).json()).toEqual({ ok: true, filesystem_sources: [] });
    expect((await skills(id)).skills).toEqual([]);
  });

  test("400 for a source outside the workspace (also through a symlink), 404, 422", async () => {
    const { ws, call, session, skills, defaultSource } = await setup();
    const id = await session();
    const outside = await call("PUT", `/api/v1/sessions/${id}/skills/sources`, { filesystem_sources: ["/tmp"] });
    expect(outside.status).toBe(400);
    expect(((await outside.json()) as ErrorBody).detail.details.filesystem_sources).toEqual(["/tmp"]);
    symlinkSync(tempDir(), join(ws, "escape"));
    expect((await call("PUT", `/api/v1/sessions/${id}/skills/sources`, { filesystem_sources: ["escape"] })).status).toBe(400);
    expect((await skills(id)).filesystem_sources).toEqual([defaultSource]);
    expect((await call("PUT", `/api/v1/sessions/${UNKNOWN}/skills/sources`, { filesystem_sources: [] })).status).toBe(404);
    expect((await call("PUT", `/api/v1/sessions/${id}/skills/sources`, { filesystem_sources: [1] })).status).toBe(422);
  });
});

describe("PUT /api/v1/sessions/:session_id/skills/enabled", () => {
  test("disabling then enabling a skill flips its enabled flag", async () => {
    const { call, session, skills, defaultSource } = await setup();
    const id = await session();
    const path = join(defaultSource, "novel-writer", "SKILL.md");
    const off = await call("PUT", `/api/v1/sessions/${id}/skills/enabled`, { path, enabled: false });
    expect(await off.json()).toEqual({ ok: true, path, enabled: false, disabled_paths: [path] });
    expect((await skills(id)).skills.find((s) => s.name === "novel-writer")!.enabled).toBe(false);
    expect((await skills(id)).skills.find((s) => s.name === "article-writer")!.enabled).toBe(true);
    await call("PUT", `/api/v1/sessions/${id}/skills/enabled`, { path, enabled: true });
    expect((await skills(id)).skills.find((s) => s.name === "novel-writer")!.enabled).toBe(true);
  });

  test("404 when disabling a path that is no skill of the session, 400 outside the workspace, 422 bad body", async () => {
    const { call, session } = await setup();
    const id = await session();
    expect((await call("PUT", `/api/v1/sessions/${id}/skills/enabled`, { path: "nope/SKILL.md", enabled: false })).status).toBe(404);
    expect((await call("PUT", `/api/v1/sessions/${id}/skills/enabled`, { path: "/etc/passwd", enabled: true })).status).toBe(400);
    expect((await call("PUT", `/api/v1/sessions/${id}/skills/enabled`, { path: "x" })).status).toBe(422);
  });
});

describe("POST /studio/api/v1/sessions/:session_id/skills", () => {
  test("creates SKILL.md with the engine-valid name in the first source; the scan lists it", async () => {
    const { call, session, skills, defaultSource } = await setup();
    const id = await session();
    const res = await call("POST", `/studio/api/v1/sessions/${id}/skills`, { name: "demo_skill", description: "A demo.", body_markdown: "Do it." });
    expect(res.status).toBe(201);
    const skillDir = join(defaultSource, "demo_skill");
    expect(await res.json()).toEqual({ ok: true, filesystem_source: defaultSource, skill_dir: skillDir, skill_md: join(skillDir, "SKILL.md") });
    const text = readFileSync(join(skillDir, "SKILL.md"), "utf8");
    expect(text).toContain("name: demo_skill");
    expect(text).toContain('description: "A demo."');
    expect(text).toContain("Do it.");
    expect(readdirSync(skillDir)).toEqual(["SKILL.md"]);
    expect((await skills(id)).skills.find((s) => s.name === "demo_skill")).toMatchObject({ description: "A demo.", enabled: true });
  });

  test("400 for names the engine rejects, including ones the reference's regex allowed", async () => {
    const { call, session, defaultSource } = await setup();
    const id = await session();
    for (const name of ["Bad Name", "x", "ends-", "ends_", "../up", "a".repeat(65)]) {
      const res = await call("POST", `/studio/api/v1/sessions/${id}/skills`, { name, description: "d" });
      expect(res.status).toBe(400);
      expect(((await res.json()) as ErrorBody).detail).toMatchObject({ kind: "validation_error", details: { field: "name" } });
    }
    expect(readdirSync(defaultSource).sort()).toEqual(["article-writer", "novel-writer", "repo-stats"]);
  });

  test("400 for a blank description, a target_source not in the session, or no sources", async () => {
    const { call, session, ws } = await setup();
    const id = await session();
    expect((await call("POST", `/studio/api/v1/sessions/${id}/skills`, { name: "okay", description: "   " })).status).toBe(400);
    const wrong = await call("POST", `/studio/api/v1/sessions/${id}/skills`, { name: "okay", description: "d", target_source: join(ws, "other") });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as ErrorBody).detail.message).toBe("target_source must be one of session filesystem_sources");
    const none = await session({ filesystem_sources: [] });
    const empty = await call("POST", `/studio/api/v1/sessions/${none}/skills`, { name: "okay", description: "d" });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as ErrorBody).detail.message).toBe("filesystem sources not configured for session");
  });

  test("target_source may name a source as given or once resolved", async () => {
    const { ws, call, session } = await setup();
    const id = await session({ filesystem_sources: ["one", "two"] });
    const res = await call("POST", `/studio/api/v1/sessions/${id}/skills`, { name: "in-two", description: "d", target_source: "two" });
    expect(res.status).toBe(201);
    expect(existsSync(join(ws, "two", "in-two", "SKILL.md"))).toBe(true);
  });

  test("409 conflict when the SKILL.md exists, which stays unchanged", async () => {
    const { call, session, defaultSource } = await setup();
    const id = await session();
    const before = readFileSync(join(defaultSource, "article-writer", "SKILL.md"), "utf8");
    const res = await call("POST", `/studio/api/v1/sessions/${id}/skills`, { name: "article-writer", description: "replace" });
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).detail.kind).toBe("conflict");
    expect(readFileSync(join(defaultSource, "article-writer", "SKILL.md"), "utf8")).toBe(before);
    expect(readdirSync(join(defaultSource, "article-writer"))).toEqual(["SKILL.md"]);
  });

  test("404 unknown session, 400 traversal, 422 missing fields", async () => {
    const { call, session } = await setup();
    expect((await call("POST", `/studio/api/v1/sessions/${UNKNOWN}/skills`, { name: "okay", description: "d" })).status).toBe(404);
    expect((await call("POST", "/studio/api/v1/sessions/..%2F../skills", { name: "okay", description: "d" })).status).toBe(400);
    const id = await session();
    expect((await call("POST", `/studio/api/v1/sessions/${id}/skills`, { name: "okay" })).status).toBe(422);
    expect((await call("POST", `/studio/api/v1/sessions/${id}/skills`, { name: "", description: "d" })).status).toBe(422);
  });
});

describe("GET and PUT /studio/api/v1/sessions/:session_id/skills/:name", () => {
  test("GET returns the SKILL.md text with its location and lint issues", async () => {
    const { call, session, defaultSource } = await setup();
    const id = await session();
    const res = await call("GET", `/studio/api/v1/sessions/${id}/skills/novel-writer`);
    expect(res.status).toBe(200);
    const path = join(defaultSource, "novel-writer", "SKILL.md");
    expect(await res.json()).toMatchObject({
      name: "novel-writer",
      path,
      skill_dir: join(defaultSource, "novel-writer"),
      filesystem_source: defaultSource,
      enabled: true,
      skill_md: readFileSync(path, "utf8"),
      issues: [],
    });
  });

  test("PUT replaces a valid text and the scan sees the new description", async () => {
    const { call, session, skills, defaultSource } = await setup();
    const id = await session();
    const res = await call("PUT", `/studio/api/v1/sessions/${id}/skills/novel-writer`, { skill_md: skillText("novel-writer", "Rewritten.") });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, name: "novel-writer", path: join(defaultSource, "novel-writer", "SKILL.md"), issues: [] });
    expect((await skills(id)).skills.find((s) => s.name === "novel-writer")!.description).toBe("Rewritten.");
    expect(readdirSync(join(defaultSource, "novel-writer"))).toEqual(["SKILL.md"]);
  });

  test("PUT refuses text the engine rejects with 400 and its issues, leaving the file as it was", async () => {
    const { call, session, defaultSource } = await setup();
    const id = await session();
    const path = join(defaultSource, "novel-writer", "SKILL.md");
    const before = readFileSync(path, "utf8");
    for (const text of ["no front matter", "---\nname: Bad Name\ndescription: x\n---\n", "---\nname: novel-writer\n---\n"]) {
      const res = await call("PUT", `/studio/api/v1/sessions/${id}/skills/novel-writer`, { skill_md: text });
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.detail.kind).toBe("validation_error");
      expect((body.detail.details.issues as { level: string }[]).some((i) => i.level === "error")).toBe(true);
    }
    expect(readFileSync(path, "utf8")).toBe(before);
    expect(readdirSync(join(defaultSource, "novel-writer"))).toEqual(["SKILL.md"]);
  });

  test("PUT refuses renaming a skill onto another skill's name (409)", async () => {
    const { call, session } = await setup();
    const id = await session();
    const res = await call("PUT", `/studio/api/v1/sessions/${id}/skills/novel-writer`, { skill_md: skillText("article-writer") });
    expect(res.status).toBe(409);
    expect((await call("GET", `/studio/api/v1/sessions/${id}/skills/novel-writer`)).status).toBe(200);
  });

  test("404 for an unknown skill or session, 400 for a name that is no slug, 422 for a missing body", async () => {
    const { call, session } = await setup();
    const id = await session();
    expect((await call("GET", `/studio/api/v1/sessions/${id}/skills/nope-skill`)).status).toBe(404);
    expect((await call("GET", `/studio/api/v1/sessions/${UNKNOWN}/skills/novel-writer`)).status).toBe(404);
    expect((await call("GET", `/studio/api/v1/sessions/${id}/skills/..%2F..%2Fetc`)).status).toBe(400);
    expect((await call("PUT", `/studio/api/v1/sessions/${id}/skills/novel-writer`, {})).status).toBe(422);
  });
});

describe("POST /studio/api/v1/skills/validate", () => {
  test("answers ok with warnings for valid text and not ok with errors for invalid text", async () => {
    const { call } = await setup({ prepare: false });
    const good = await call("POST", "/studio/api/v1/skills/validate", { skill_md: "---\nname: fine\ndescription: d\n---\n" });
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({ ok: true, skill_name: "fine", issues: [expect.objectContaining({ code: "SKILL_LINT_BODY_EMPTY", level: "warning" })] });
    const bad = await call("POST", "/studio/api/v1/skills/validate", { skill_md: "---\nname: Bad Name\ndescription: d\n---\nbody\n" });
    expect(await bad.json()).toMatchObject({ ok: false, skill_name: null, issues: [{ code: "SKILL_SCAN_METADATA_INVALID", level: "error" }] });
    expect((await call("POST", "/studio/api/v1/skills/validate", {})).status).toBe(422);
  });
});

test("every skills route is in the OpenAPI document", async () => {
  await setup({ prepare: false });
  const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
  expect(Object.keys(paths["/api/v1/sessions/{session_id}/skills"]!)).toEqual(["get"]);
  expect(Object.keys(paths["/api/v1/sessions/{session_id}/skills/sources"]!)).toEqual(["put"]);
  expect(Object.keys(paths["/api/v1/sessions/{session_id}/skills/enabled"]!)).toEqual(["put"]);
  expect(Object.keys(paths["/studio/api/v1/sessions/{session_id}/skills"]!)).toEqual(["post"]);
  expect(Object.keys(paths["/studio/api/v1/sessions/{session_id}/skills/{name}"]!).sort()).toEqual(["get", "put"]);
  expect(Object.keys(paths["/studio/api/v1/skills/validate"]!)).toEqual(["post"]);
});
