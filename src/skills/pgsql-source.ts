/**
 * PostgreSQL skill source (spec 7.14). Options: `dsn_env` (env var holding a postgres:// URL),
 * `schema`, `table` (identifiers checked against `^[A-Za-z_][A-Za-z0-9_]*$`, then quoted). The
 * table is the reference's skills catalog (pgsql-source-migration.ts).
 *
 * `scan` runs one parameterised SELECT of the metadata columns for `enabled AND namespace = $1`;
 * the body is loaded on injection by id + namespace. Rows are validated by pgsql-source-rows.ts.
 *
 * Clients (spec 7.14, 7.16): an injected Bun `SQL` instance (anything with `unsafe`) is used as is
 * and never closed; an injected function is a factory whose result is closed after each use;
 * otherwise a small `Bun.SQL` pool is created from the DSN on first use (postgres:// URLs only, so
 * a DSN can never select another adapter or a local SQLite file) and closed by `close()`.
 * PostgreSQL skills have no files: references and actions are unsupported.
 */
import { SQL } from "bun";
import { withDeadline } from "../util/deadline.ts";
import { SkillError, skillIssue, type SkillIssue } from "./issues.ts";
import { isSafeIdentifier, tableRef } from "./pgsql-source-migration.ts";
import { recordFromRow, type PgsqlSkillHandle } from "./pgsql-source-rows.ts";
import { describeBackendError, lookupDsn, unavailableIssue } from "./source-dsn.ts";
import type { Skill, SkillSource, SourceFactory, SourceScanRequest, SourceScanResult } from "./source.ts";

/** The one method the source needs from a client: Bun's `sql.unsafe(text, params)`. */
export interface SqlLike {
  unsafe(query: string, params?: unknown[]): PromiseLike<unknown>;
}

type SqlFactory = () => SqlLike | Promise<SqlLike>;

function isSqlLike(value: unknown): value is SqlLike {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as SqlLike).unsafe === "function";
}

async function closeQuietly(client: unknown): Promise<void> {
  const close = (client as { close?: unknown } | null)?.close;
  if (typeof close !== "function") return;
  try {
    await close.call(client);
  } catch {
    // Closing is best effort.
  }
}

/** Milliseconds allowed for one query (a stalled server fails the scan instead of hanging it). */
export const PGSQL_QUERY_TIMEOUT_MS = 15_000;

const SCAN_COLUMNS =
  "id, namespace, skill_name, description, body_size, body_etag, created_at, updated_at, required_env_vars, metadata, scope";

export const createPgsqlSource: SourceFactory = (config, deps): SkillSource => {
  let pool: SQL | null = null;
  let dsn: string | null = null;
  let dsnEnv: string | null = null;

  function identifiers(): { schema: string; table: string } | SkillIssue {
    for (const field of ["schema", "table"] as const) {
      const value = config.options[field];
      if (!isSafeIdentifier(value)) {
        return skillIssue(
          "SKILL_SCAN_METADATA_INVALID",
          `Cannot scan skill source "${config.id}" (pgsql): options.${field} ${JSON.stringify(value ?? null)} must match ^[A-Za-z_][A-Za-z0-9_]*$`,
          { source_id: config.id, field },
        );
      }
    }
    return { schema: config.options.schema as string, table: config.options.table as string };
  }

  function runtimePool(): SQL {
    if (pool) return pool;
    const lookup = lookupDsn(config, deps.env);
    dsnEnv = lookup.dsnEnv;
    if (lookup.issue || lookup.dsn === null) throw SkillError.fromIssue(lookup.issue!);
    if (!/^postgres(ql)?:\/\//i.test(lookup.dsn)) {
      const reason = "the DSN is not a postgres:// or postgresql:// URL";
      throw SkillError.fromIssue(unavailableIssue(config, { dsnEnv, what: "connect to PostgreSQL", reason }));
    }
    dsn = lookup.dsn;
    try {
      pool = new SQL(lookup.dsn, { adapter: "postgres", max: 2, connectionTimeout: 5, idleTimeout: 30 });
    } catch (error) {
      const reason = `pgsql connect failed: ${describeBackendError(error, dsn)}`;
      throw SkillError.fromIssue(unavailableIssue(config, { dsnEnv, what: "connect to PostgreSQL", reason }));
    }
    return pool;
  }

  /** Run one query with the right client, closing a factory-made client afterwards. */
  async function query(text: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    const injected = deps.sourceClients[config.id];
    let client: SqlLike;
    let dispose: unknown = null;
    if (injected !== undefined && injected !== null) {
      if (isSqlLike(injected)) client = injected;
      else if (typeof injected === "function") {
        const made = await (injected as SqlFactory)();
        if (!isSqlLike(made)) throw new TypeError("the injected factory did not return a client with unsafe()");
        client = made;
        dispose = made;
      } else throw new TypeError("the injected client has no unsafe() method");
    } else client = runtimePool();
    try {
      const rows = await withDeadline(client.unsafe(text, params), PGSQL_QUERY_TIMEOUT_MS, "PostgreSQL query");
      if (!Array.isArray(rows)) throw new TypeError("the query did not return a list of rows");
      return rows as Record<string, unknown>[];
    } finally {
      if (dispose) await closeQuietly(dispose);
    }
  }

  function failed(what: string, error: unknown, extra: Record<string, unknown> = {}): SkillError {
    if (error instanceof SkillError) return error;
    const reason = `pgsql ${what} failed: ${describeBackendError(error, dsn)}`;
    return SkillError.fromIssue(unavailableIssue(config, { dsnEnv, what: "query PostgreSQL", reason, extra }));
  }

  async function scan(request: SourceScanRequest): Promise<SourceScanResult> {
    const result: SourceScanResult = { skills: [], errors: [], warnings: [] };
    const names = identifiers();
    if ("code" in names) {
      result.errors.push(names);
      return result;
    }
    if (request.signal?.aborted) throw request.signal.reason;
    const namespace = request.space.namespace;
    const text = `SELECT ${SCAN_COLUMNS} FROM ${tableRef(names.schema, names.table)} WHERE enabled = TRUE AND namespace = $1`;
    let rows: Record<string, unknown>[];
    try {
      rows = await query(text, [namespace]);
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      result.errors.push(failed("query", error).toIssue());
      return result;
    }
    for (const row of rows) {
      const record = recordFromRow(row, { sourceId: config.id, schema: names.schema, table: names.table, namespace });
      if ("code" in record) result.errors.push(record);
      else result.skills.push(record);
    }
    return result;
  }

  async function readBody(skill: Skill): Promise<string> {
    const names = identifiers();
    if ("code" in names) throw SkillError.fromIssue(names);
    const handle = skill.handle as PgsqlSkillHandle | undefined;
    const rowId = handle?.rowId ?? skill.metadata.row_id;
    const namespace = handle?.namespace ?? skill.namespace;
    const text = `SELECT body FROM ${tableRef(names.schema, names.table)} WHERE id = $1 AND namespace = $2`;
    const rows = await query(text, [rowId, namespace]).catch((error) => {
      throw failed("body query", error, { locator: skill.locator });
    });
    const body = rows[0]?.body;
    if (rows.length === 0) throw new Error(`row ${JSON.stringify(String(rowId))} of namespace "${namespace}" no longer exists`);
    if (typeof body !== "string") throw new Error(`the body of row ${JSON.stringify(String(rowId))} is not text`);
    return body;
  }

  const unsupported = (code: string, what: string) => (skill: Skill) => {
    throw new SkillError(code, `Cannot ${what} of skill "${skill.skill_name}": PostgreSQL skills have no files`, {
      details: { skill_name: skill.skill_name, source_id: config.id, source_type: config.type },
    });
  };
  const noReferences = unsupported("SKILL_REF_SOURCE_UNSUPPORTED", "read references");
  const noActions = unsupported("SKILL_ACTION_SOURCE_UNSUPPORTED", "run actions");

  return {
    id: config.id,
    type: config.type,
    scan,
    readBody,
    readReference: async (skill) => noReferences(skill),
    resolveAction: async (skill) => noActions(skill),
    async close() {
      const own = pool;
      pool = null;
      if (own) await closeQuietly(own);
    },
  };
};
