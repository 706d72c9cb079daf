BEGIN;

-- Skills catalog for the PostgreSQL skill source (spec 7.14), identical to the reference's
-- assets/migrations/pgsql/0001_skills_catalog.up.sql: metadata-only scan, body loaded on injection.
-- `applySkillsCatalogMigration` can retarget "agent"."skills_catalog" to another schema/table.

CREATE SCHEMA IF NOT EXISTS "agent";

CREATE TABLE IF NOT EXISTS "agent"."skills_catalog" (
  id BIGSERIAL PRIMARY KEY,

  namespace TEXT NOT NULL,
  skill_name TEXT NOT NULL,
  description TEXT NOT NULL,

  body TEXT NOT NULL,
  enabled BOOLEAN NOT NULL DEFAULT TRUE,

  body_size INTEGER NULL,
  body_etag TEXT NULL,

  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NULL,

  required_env_vars JSONB NULL,
  metadata JSONB NULL,
  scope TEXT NULL
);

-- One skill name per namespace.
CREATE UNIQUE INDEX IF NOT EXISTS "skills_catalog_namespace_name_uk"
  ON "agent"."skills_catalog" (namespace, skill_name);

-- The scan filters on namespace and enabled.
CREATE INDEX IF NOT EXISTS "skills_catalog_namespace_enabled_idx"
  ON "agent"."skills_catalog" (namespace, enabled);

COMMIT;
