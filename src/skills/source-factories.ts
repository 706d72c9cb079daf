/**
 * Source type -> factory (spec 7.2, 7.16). A static table, so every source is bundled into the
 * binary (Redis and PostgreSQL through Bun's built-in clients).
 */
import { createFilesystemSource } from "./filesystem-source.ts";
import { createMemorySource } from "./memory-source.ts";
import { createPgsqlSource } from "./pgsql-source.ts";
import { createRedisSource } from "./redis-source.ts";
import type { SourceFactory } from "./source.ts";

export const SUPPORTED_SOURCE_TYPES = ["filesystem", "in-memory", "redis", "pgsql"] as const;

export const SOURCE_FACTORIES: Readonly<Record<string, SourceFactory>> = {
  filesystem: createFilesystemSource,
  "in-memory": createMemorySource,
  redis: createRedisSource,
  pgsql: createPgsqlSource,
};
