/**
 * The PostgreSQL skill source against a real server on 127.0.0.1 (SKILLS_RUNTIME_TEST_PG_DSN, set by
 * .ci/run). Each run migrates the reference's catalog into its own throwaway schema and drops it
 * afterwards. The missing-DSN and unreachable-server cases need no server and always run.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SQL } from "bun";
import type { SkillsConfigInput } from "../../src/config/schema.ts";
import { isSkillError, type SkillError } from "../../src/skills/issues.ts";
import { applySkillsCatalogMigration, catalogMigrationSql, revertSkillsCatalogMigration } from "../../src/skills/pgsql-source-migration.ts";
import { SkillsManager } from "../../src/skills/skills-manager.ts";
import { tempDirs } from "../support/fs-tools.ts";

const PG_DSN = process.env.SKILLS_RUNTIME_TEST_PG_DSN;
const SKIP = PG_DSN ? "" : " (skipped: SKILLS_RUNTIME_TEST_PG_DSN is not set)";
const it = (name: string, fn: () => Promise<void>) => test.skipIf(!PG_DSN)(`${name}${SKIP}`, fn);
const dirs = tempDirs("skills-pgsql-");

const SCHEMA = `srt_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
const TABLE = "skills_catalog";
let sql: SQL;

beforeAll(async () => {
  if (!PG_DSN) return;
  sql = new SQL(PG_DSN, { max: 2 });
  await applySkillsCatalogMigration(sql, { schema: SCHEMA, table: TABLE });
});

afterAll(async () => {
  if (!PG_DSN) return;
  await sql.unsafe(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await sql.close();
});

interface Row {
  namespace: string;
  skill_name: string;
  description?: string;
  body?: string;
  enabled?: boolean;
  body_size?: number | null;
  body_etag?: string | null;
  created_at?: string;
  updated_at?: string | null;
  required_env_vars?: unknown;
  metadata?: unknown;
  scope?: string | null;
}

/** Insert a catalog row; JSONB values are passed as JS values (Bun encodes them). Returns its id. */
async function insert(row: Row, table = TABLE): Promise<string> {
  const full = { description: `The ${row.skill_name} skill`, body: `# ${row.skill_name}\n`, ...row };
  const columns = Object.keys(full);
  const values = Object.values(full);
  const placeholders = columns.map((_, index) => `$${index + 1}`).join(", ");
  const [inserted] = await sql.unsafe(`INSERT INTO "${SCHEMA}"."${table}" (${columns.join(", ")}) VALUES (${placeholders}) RETURNING id`, values);
  return String((inserted as { id: string }).id);
}

function pgConfig(namespace: string, options: Record<string, unknown> = {}): SkillsConfigInput {
  return {
    spaces: [{ id: "space1", namespace, sources: ["p1"] }],
    sources: [{ id: "p1", type: "pgsql", options: { dsn_env: "SKILLS_PG_DSN", schema: SCHEMA, table: TABLE, ...options } }],
  };
}

interface ManagerOptions {
  env?: Record<string, string>;
  clients?: Record<string, unknown>;
  inMemory?: Record<string, Array<Record<string, unknown>>>;
}

function manager(config: SkillsConfigInput, options: ManagerOptions = {}) {
  return new SkillsManager({
    workspaceRoot: dirs.make(),
    config,
    env: options.env ?? { SKILLS_PG_DSN: PG_DSN ?? "" },
    sourceClients: options.clients ?? {},
    inMemoryRegistry: options.inMemory ?? {},
  });
}

/** A namespace no other test writes to. */
function freshNamespace(): string {
  return `ns-${crypto.randomUUID().slice(0, 8)}:pg`;
}

async function rejection(promise: Promise<unknown>): Promise<SkillError> {
  try {
    await promise;
  } catch (error) {
    if (isSkillError(error)) return error;
    throw error;
  }
  throw new Error("expected a SkillError");
}

describe("pgsql migration", () => {
  it("creates the reference's columns and indexes, idempotently, and reverts cleanly", async () => {
    const schema = `${SCHEMA}_m`;
    try {
      await applySkillsCatalogMigration(sql, { schema, table: "catalog" });
      await applySkillsCatalogMigration(sql, { schema, table: "catalog" });
      const columns = await sql.unsafe(
        "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
        [schema, "catalog"],
      );
      expect(columns.map((c: Record<string, string>) => `${c.column_name} ${c.data_type} ${c.is_nullable}`)).toEqual([
        "id bigint NO",
        "namespace text NO",
        "skill_name text NO",
        "description text NO",
        "body text NO",
        "enabled boolean NO",
        "body_size integer YES",
        "body_etag text YES",
        "created_at timestamp with time zone NO",
        "updated_at timestamp with time zone YES",
        "required_env_vars jsonb YES",
        "metadata jsonb YES",
        "scope text YES",
      ]);
      const indexes = await sql.unsafe("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname", [schema]);
      expect(indexes.map((i: Record<string, string>) => i.indexname)).toEqual(["catalog_namespace_enabled_idx", "catalog_namespace_name_uk", "catalog_pkey"]);
      expect(indexes.find((i: Record<string, string>) => i.indexname === "catalog_namespace_name_uk").indexdef).toContain("UNIQUE");
      await revertSkillsCatalogMigration(sql, { schema, table: "catalog" });
      const left = await sql.unsafe("SELECT 1 FROM information_schema.schemata WHERE schema_name = $1", [schema]);
      expect(left).toHaveLength(0);
    } finally {
      await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });

  test("ships the reference's schema and table by default and refuses unsafe names", () => {
    const up = catalogMigrationSql("up");
    expect(up).toContain('CREATE TABLE IF NOT EXISTS "agent"."skills_catalog"');
    expect(up).toContain('CREATE UNIQUE INDEX IF NOT EXISTS "skills_catalog_namespace_name_uk"');
    expect(catalogMigrationSql("down")).toContain('DROP TABLE IF EXISTS "agent"."skills_catalog"');
    expect(() => catalogMigrationSql("up", { schema: 'x"; DROP TABLE y; --' })).toThrow(/must match/);
    expect(() => catalogMigrationSql("up", { table: "1abc" })).toThrow(/must match/);
  });
});

describe("pgsql source: scan and read", () => {
  it("scans enabled rows of the space's namespace into skills and loads bodies on injection", async () => {
    const ns = freshNamespace();
    const id = await insert({
      namespace: ns,
      skill_name: "report-writer",
      body: "# Report writer\nWrite reports.\n",
      body_size: 31,
      body_etag: "etag-1",
      created_at: "2026-01-02T03:04:05.250Z",
      updated_at: "2026-02-03T04:05:06Z",
      required_env_vars: ["REPORT_TOKEN", "REPORT_TOKEN"],
      metadata: { "short-description": "Reports", level: 2 },
      scope: "team",
    });
    await insert({ namespace: ns, skill_name: "switched-off", enabled: false });
    await insert({ namespace: `${ns}:other`, skill_name: "report-writer" });
    const skills = manager(pgConfig(ns));
    const report = await skills.scan();
    expect(report.errors).toEqual([]);
    expect(report.skills).toHaveLength(1);
    const [skill] = report.skills;
    expect(skill).toMatchObject({
      source_id: "p1",
      namespace: ns,
      skill_name: "report-writer",
      description: "The report-writer skill",
      locator: `${SCHEMA}.${TABLE}#${id}`,
      path: null,
      body_size: 31,
      required_env_vars: ["REPORT_TOKEN"],
      scope: "team",
    });
    expect(skill!.metadata).toEqual({
      "short-description": "Reports",
      level: 2,
      etag: "etag-1",
      created_at: "2026-01-02T03:04:05.250000Z",
      updated_at: "2026-02-03 04:05:06+00:00",
      row_id: Number(id),
    });
    const text = await skills.renderInjectedSkill(skill!);
    expect(text).toBe(`<skill>\n<name>report-writer</name>\n<path>${skill!.locator}</path>\n# Report writer\nWrite reports.\n\n</skill>`);
    await skills.close();
  });

  it("reports malformed rows by field and keeps the good ones", async () => {
    const ns = freshNamespace();
    await insert({ namespace: ns, skill_name: "fine-skill" });
    await insert({ namespace: ns, skill_name: "Bad Name" });
    await insert({ namespace: ns, skill_name: "env-numbers", required_env_vars: [1, 2] });
    await insert({ namespace: ns, skill_name: "meta-list", metadata: ["not", "an", "object"] });
    await insert({ namespace: ns, skill_name: "blank-text", description: "" });
    const skills = manager(pgConfig(ns));
    const report = await skills.scan();
    await skills.close();
    expect(report.skills.map((s) => s.skill_name)).toEqual(["fine-skill"]);
    expect(report.errors.map((issue) => [issue.code, issue.details.field]).sort()).toEqual([
      ["SKILL_SCAN_METADATA_INVALID", "description"],
      ["SKILL_SCAN_METADATA_INVALID", "metadata"],
      ["SKILL_SCAN_METADATA_INVALID", "required_env_vars"],
      ["SKILL_SCAN_METADATA_INVALID", "skill_name"],
    ]);
    const slug = report.errors.find((issue) => issue.details.field === "skill_name")!;
    expect(slug.details).toMatchObject({ source_id: "p1", reason: "invalid_skill_name_slug", actual: "Bad Name" });
    expect(slug.message).toContain(`Cannot load skill row "${SCHEMA}.${TABLE}#`);
  });

  it("a row deleted after the scan fails the injection with SKILL_BODY_READ_FAILED", async () => {
    const ns = freshNamespace();
    const id = await insert({ namespace: ns, skill_name: "vanishing" });
    const skills = manager(pgConfig(ns));
    const [skill] = (await skills.scan()).skills;
    await sql.unsafe(`DELETE FROM "${SCHEMA}"."${TABLE}" WHERE id = $1`, [id]);
    const error = await rejection(skills.renderInjectedSkill(skill!));
    expect(error.code).toBe("SKILL_BODY_READ_FAILED");
    expect(error.details.reason).toBe(`row "${id}" of namespace "${ns}" no longer exists`);
    await skills.close();
  });

  it("the same key from PostgreSQL and from memory is a fatal duplicate naming both", async () => {
    const ns = freshNamespace();
    const id = await insert({ namespace: ns, skill_name: "twin" });
    const config: SkillsConfigInput = {
      spaces: [{ id: "space1", namespace: ns, sources: ["p1", "mem"] }],
      sources: [
        { id: "p1", type: "pgsql", options: { dsn_env: "SKILLS_PG_DSN", schema: SCHEMA, table: TABLE } },
        { id: "mem", type: "in-memory", options: { namespace: "memns" } },
      ],
    };
    const skills = manager(config, { inMemory: { memns: [{ skill_name: "twin", description: "d", body: "b" }] } });
    const error = await rejection(skills.scan());
    expect(error.code).toBe("SKILL_DUPLICATE_NAME");
    const conflicts = (error.details.conflicts as Array<{ source_id: string; locator: string }>).map((c) => `${c.source_id} ${c.locator}`).sort();
    expect(conflicts).toEqual([`mem mem://memns/twin`, `p1 ${SCHEMA}.${TABLE}#${id}`]);
    await skills.close();
  });

  it("uses an injected Bun SQL client without closing it; references and actions are unsupported", async () => {
    const ns = freshNamespace();
    await insert({ namespace: ns, skill_name: "injected" });
    const injected = new SQL(PG_DSN!, { max: 1 });
    const skills = manager(pgConfig(ns), { env: {}, clients: { p1: injected } });
    const [skill] = (await skills.scan()).skills;
    expect(skill?.skill_name).toBe("injected");
    expect((await rejection(skills.readReference(skill!, "references/x.md"))).code).toBe("SKILL_REF_SOURCE_UNSUPPORTED");
    expect((await rejection(skills.resolveAction(skill!, "run"))).code).toBe("SKILL_ACTION_SOURCE_UNSUPPORTED");
    await skills.close();
    expect(await injected.unsafe("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    await injected.close();
  });

  it("a table that does not exist is SKILL_SCAN_SOURCE_UNAVAILABLE with the server's reason", async () => {
    const skills = manager(pgConfig(freshNamespace(), { table: "no_such_table" }));
    const report = await skills.scan();
    await skills.close();
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]!.code).toBe("SKILL_SCAN_SOURCE_UNAVAILABLE");
    expect(String(report.errors[0]!.details.reason)).toContain(`relation "${SCHEMA}.no_such_table" does not exist`);
  });
});

describe("pgsql source: configuration and connection problems (no server needed)", () => {
  test("unsafe schema or table names are refused before any query", async () => {
    let queries = 0;
    const spy = { unsafe: async () => void (queries += 1) };
    for (const [field, value] of [["schema", 'agent"; DROP TABLE x; --'], ["table", "skills-catalog"]] as const) {
      const report = await manager(pgConfig("team:web", { [field]: value }), { clients: { p1: spy } }).scan();
      expect(report.errors).toHaveLength(1);
      expect(report.errors[0]).toMatchObject({ code: "SKILL_SCAN_METADATA_INVALID", details: { source_id: "p1", field } });
    }
    expect(queries).toBe(0);
  });

  test("a missing DSN env var is SKILL_SCAN_SOURCE_UNAVAILABLE naming the variable", async () => {
    const report = await manager(pgConfig("team:web"), { env: {} }).scan();
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({
      code: "SKILL_SCAN_SOURCE_UNAVAILABLE",
      message: 'Cannot scan skill source "p1" (pgsql): environment variable "SKILLS_PG_DSN" is not set',
      details: { source_id: "p1", source_type: "pgsql", dsn_env: "SKILLS_PG_DSN", env_present: false },
    });
  });

  test("a DSN that is not a postgres URL is refused without connecting anywhere", async () => {
    const report = await manager(pgConfig("team:web"), { env: { SKILLS_PG_DSN: "sqlite://./local.db" } }).scan();
    expect(report.errors[0]).toMatchObject({ code: "SKILL_SCAN_SOURCE_UNAVAILABLE", details: { reason: "the DSN is not a postgres:// or postgresql:// URL" } });
    expect(JSON.stringify(report)).not.toContain("local.db");
  });

  test("an unreachable server is a prompt SKILL_SCAN_SOURCE_UNAVAILABLE that never shows the DSN", async () => {
    const dsn = "postgres://postgres:hunter2-secret@127.0.0.1:1/test";
    const skills = manager(pgConfig("team:web"), { env: { SKILLS_PG_DSN: dsn } });
    const started = performance.now();
    const report = await skills.scan();
    expect(performance.now() - started).toBeLessThan(6000);
    const [issue] = report.errors;
    expect(issue).toMatchObject({ code: "SKILL_SCAN_SOURCE_UNAVAILABLE", details: { source_id: "p1", dsn_env: "SKILLS_PG_DSN", env_present: true } });
    expect(issue!.message).toStartWith('Cannot query PostgreSQL for skill source "p1" (DSN from "SKILLS_PG_DSN"): pgsql query failed:');
    const text = JSON.stringify(report);
    expect(text).not.toContain("hunter2-secret");
    expect(text).not.toContain(dsn);
    await skills.close();
  });
});
