/**
 * The Redis client of one Redis skill source (spec 7.13, 7.16).
 *
 * An injected client (`sourceClients[source_id]`) is used as is and never closed. Otherwise a
 * Bun `RedisClient` is created from the DSN in `options.dsn_env`, connected once with a bounded
 * timeout and no automatic reconnect loop (an unreachable server fails fast with a clear issue),
 * cached, and closed by `close()`. A cached client that lost its connection is replaced on the
 * next use. Failures are `SkillError`s carrying the `SKILL_SCAN_SOURCE_UNAVAILABLE` issue.
 */
import { RedisClient } from "bun";
import { withDeadline } from "../util/deadline.ts";
import { SkillError } from "./issues.ts";
import { describeBackendError, lookupDsn, unavailableIssue } from "./source-dsn.ts";
import type { SkillSourceConfig } from "../config/schema.ts";
import type { SourceDeps } from "./source.ts";

/** The commands the source needs; Bun's `RedisClient` has them, and so can a test double. */
export interface RedisLike {
  scan(cursor: string, ...options: string[]): Promise<[string, string[]]>;
  hgetall(key: string): Promise<Record<string, string> | null>;
  getBuffer(key: string): Promise<Uint8Array | null>;
  /** Optional: lets the source refuse an oversized bundle before downloading it. */
  strlen?(key: string): Promise<number>;
}

export function isRedisLike(value: unknown): value is RedisLike {
  const candidate = value as Partial<RedisLike> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.scan === "function" &&
    typeof candidate.hgetall === "function" &&
    typeof candidate.getBuffer === "function"
  );
}

/** Milliseconds allowed to open a connection. */
export const REDIS_CONNECT_TIMEOUT_MS = 5000;
/** Milliseconds allowed for one command (a stalled server fails the scan instead of hanging it). */
export const REDIS_COMMAND_TIMEOUT_MS = 15_000;

/** `client` with every command bounded by `timeoutMs` (a DeadlineError names the command). */
export function boundedRedis(client: RedisLike, timeoutMs = REDIS_COMMAND_TIMEOUT_MS): RedisLike {
  const bounded: RedisLike = {
    scan: (cursor, ...options) => withDeadline(client.scan(cursor, ...options), timeoutMs, "redis SCAN"),
    hgetall: (key) => withDeadline(client.hgetall(key), timeoutMs, "redis HGETALL"),
    getBuffer: (key) => withDeadline(client.getBuffer(key), timeoutMs, "redis GET"),
  };
  const strlen = client.strlen?.bind(client);
  if (strlen) bounded.strlen = (key) => withDeadline(strlen(key), timeoutMs, "redis STRLEN");
  return bounded;
}

export class RedisConnection {
  private readonly config: SkillSourceConfig;
  private readonly deps: SourceDeps;
  private own: RedisClient | null = null;
  private connecting: Promise<RedisClient> | null = null;
  /** The DSN in use (for redacting backend errors), null for an injected client. */
  dsn: string | null = null;
  dsnEnv: string | null = null;

  constructor(config: SkillSourceConfig, deps: SourceDeps) {
    this.config = config;
    this.deps = deps;
  }

  /** The client to use now; throws a SkillError (SKILL_SCAN_SOURCE_UNAVAILABLE / METADATA_INVALID). */
  async client(): Promise<RedisLike> {
    const injected = this.deps.sourceClients[this.config.id];
    if (injected !== undefined && injected !== null) {
      if (isRedisLike(injected)) return boundedRedis(injected);
      const reason = "the injected client lacks scan/hgetall/getBuffer";
      throw SkillError.fromIssue(unavailableIssue(this.config, { dsnEnv: null, what: "use the Redis client", reason }));
    }
    if (this.own?.connected) return boundedRedis(this.own);
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return boundedRedis(await this.connecting);
  }

  private async open(): Promise<RedisClient> {
    this.closeOwn();
    const lookup = lookupDsn(this.config, this.deps.env);
    this.dsnEnv = lookup.dsnEnv;
    if (lookup.issue || lookup.dsn === null) throw SkillError.fromIssue(lookup.issue!);
    this.dsn = lookup.dsn;
    let client: RedisClient | null = null;
    try {
      client = new RedisClient(lookup.dsn, {
        connectionTimeout: REDIS_CONNECT_TIMEOUT_MS,
        autoReconnect: false,
        enableOfflineQueue: false,
      });
      await client.connect();
    } catch (error) {
      client?.close();
      const reason = `redis connect failed: ${describeBackendError(error, lookup.dsn)}`;
      throw SkillError.fromIssue(unavailableIssue(this.config, { dsnEnv: lookup.dsnEnv, what: "connect to Redis", reason }));
    }
    this.own = client;
    return client;
  }

  /** An issue for a command that failed after connecting (the error text is DSN-free). */
  commandFailed(what: string, error: unknown, extra: Record<string, unknown> = {}): SkillError {
    const reason = `redis ${what} failed: ${describeBackendError(error, this.dsn)}`;
    return SkillError.fromIssue(unavailableIssue(this.config, { dsnEnv: this.dsnEnv, what: `run ${what}`, reason, extra }));
  }

  private closeOwn(): void {
    const own = this.own;
    this.own = null;
    if (own) {
      try {
        own.close();
      } catch {
        // Already closed.
      }
    }
  }

  /** Close the client this source created (never an injected one). Idempotent. */
  close(): void {
    this.closeOwn();
  }
}
