/**
 * The skills catalog migration of the PostgreSQL source (spec 7.14) and safe identifiers.
 *
 * The SQL files are the reference's (`migrations/0001_skills_catalog.{up,down}.sql`, schema
 * `agent`, table `skills_catalog`), imported as text so they ship inside the binary. The apply
 * functions can retarget them to another schema/table (tests use a throwaway schema); names are
 * validated against `^[A-Za-z_][A-Za-z0-9_]*$` before they are quoted, so no SQL can be injected.
 */
import type { SQL } from "bun";
import downSql from "./migrations/0001_skills_catalog.down.sql" with { type: "text" };
import upSql from "./migrations/0001_skills_catalog.up.sql" with { type: "text" };

export const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const DEFAULT_SCHEMA = "agent";
export const DEFAULT_TABLE = "skills_catalog";

export function isSafeIdentifier(value: unknown): value is string {
  return typeof value === "string" && SQL_IDENTIFIER.test(value);
}

/** `"name"` for a validated identifier; throws for anything else (never quote unchecked input). */
export function quoteIdentifier(name: string): string {
  if (!isSafeIdentifier(name)) throw new Error(`Cannot quote SQL identifier ${JSON.stringify(name)}: it must match ${SQL_IDENTIFIER}`);
  return `"${name}"`;
}

/** `"schema"."table"` for validated names. */
export function tableRef(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}

export interface CatalogTarget {
  schema?: string;
  table?: string;
}

/** The migration text for `target` (default: the reference's "agent"."skills_catalog"). */
export function catalogMigrationSql(direction: "up" | "down", target: CatalogTarget = {}): string {
  const schema = quoteIdentifier(target.schema ?? DEFAULT_SCHEMA);
  const table = target.table ?? DEFAULT_TABLE;
  quoteIdentifier(table);
  const text = direction === "up" ? upSql : downSql;
  return text
    .replaceAll(`"${DEFAULT_TABLE}_`, `"${table}_`)
    .replaceAll(`"${DEFAULT_TABLE}"`, `"${table}"`)
    .replaceAll(`"${DEFAULT_SCHEMA}"`, schema);
}

/** The statements between the file's BEGIN and COMMIT (Bun runs them inside `sql.begin`). */
function body(text: string): string {
  return text
    .split("\n")
    .filter((line) => !/^\s*(BEGIN|COMMIT)\s*;\s*$/i.test(line))
    .join("\n");
}

/** Create the catalog schema, table and indexes (idempotent) in one transaction. */
export async function applySkillsCatalogMigration(sql: SQL, target: CatalogTarget = {}): Promise<void> {
  const statements = body(catalogMigrationSql("up", target));
  await sql.begin(async (tx) => {
    await tx.unsafe(statements);
  });
}

/** Drop the catalog table, then its schema (fails if the schema holds anything else). */
export async function revertSkillsCatalogMigration(sql: SQL, target: CatalogTarget = {}): Promise<void> {
  const statements = body(catalogMigrationSql("down", target));
  await sql.begin(async (tx) => {
    await tx.unsafe(statements);
  });
}
