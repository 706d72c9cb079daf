/**
 * Redis skill source (spec 7.13, 7.15). Options: `dsn_env` (the env var holding a redis:// URL)
 * and `key_prefix` (e.g. `skills:`).
 *
 * Key layout (the reference's):
 * - `<key_prefix>meta:<namespace>:<skill_name>`   hash: the skill record (redis-source-meta.ts)
 * - `<key_prefix>body:<namespace>:<skill_name>`   string: the body injected (or the hash's body_key)
 * - `<key_prefix>bundle:<namespace>:<skill_name>` string: a zip of actions/ + references/ (or the
 *   hash's bundle_key), addressed by the hash's `bundle_sha256`
 *
 * `scan` is metadata only: SCAN MATCH over the meta keys of the space's namespace, then HGETALL each
 * (locator `redis://<key>`). Bodies are read on injection; bundles are fetched only on the tool
 * path and extracted into the bundle cache with the zip safety rules (zip-bundle.ts), reused by sha.
 */
import { resolveActionInBundle } from "./actions.ts";
import { resolveReal, type SkillBundle } from "./bundle.ts";
import { isSkillError, skillIssue } from "./issues.ts";
import { readReferenceFile } from "./references.ts";
import { RedisConnection, type RedisLike } from "./redis-source-client.ts";
import { isSkillIssue, recordFromMeta, type RedisSkillHandle } from "./redis-source-meta.ts";
import type { Skill, SkillSource, SourceFactory, SourceScanRequest, SourceScanResult } from "./source.ts";
import { bundleCacheRoot, bundleError, isSha256Hex, resolveBundleLimits } from "./zip-bundle.ts";
import { ensureExtractedBundle } from "./zip-bundle-cache.ts";

const SCAN_COUNT = "500";
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Escape Redis glob metacharacters so a key prefix matches literally in SCAN MATCH. */
export function escapeRedisGlob(text: string): string {
  return text.replace(/[\\*?[\]^]/g, (char) => `\\${char}`);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error("The operation was aborted");
}

async function scanKeys(client: RedisLike, pattern: string, prefix: string, signal: AbortSignal | undefined): Promise<string[]> {
  const keys = new Set<string>();
  let cursor = "0";
  do {
    throwIfAborted(signal);
    const [next, batch] = await client.scan(cursor, "MATCH", pattern, "COUNT", SCAN_COUNT);
    for (const key of batch) if (key.startsWith(prefix)) keys.add(key);
    cursor = String(next);
  } while (cursor !== "0");
  return [...keys].sort();
}

export const createRedisSource: SourceFactory = (config, deps): SkillSource => {
  const connection = new RedisConnection(config, deps);
  const keyPrefixOption = config.options.key_prefix;
  const keyPrefix = typeof keyPrefixOption === "string" && keyPrefixOption !== "" ? keyPrefixOption : null;

  async function scan(request: SourceScanRequest): Promise<SourceScanResult> {
    const result: SourceScanResult = { skills: [], errors: [], warnings: [] };
    if (keyPrefix === null) {
      result.errors.push(
        skillIssue("SKILL_SCAN_METADATA_INVALID", `Cannot scan skill source "${config.id}" (redis): options.key_prefix must be a non-empty string`, {
          source_id: config.id,
          field: "key_prefix",
        }),
      );
      return result;
    }
    const namespace = request.space.namespace;
    const metaPrefix = `${keyPrefix}meta:${namespace}:`;
    let client: RedisLike;
    let keys: string[];
    try {
      client = await connection.client();
      keys = await scanKeys(client, `${escapeRedisGlob(metaPrefix)}*`, metaPrefix, request.signal).catch((error) => {
        throw request.signal?.aborted ? error : connection.commandFailed("SCAN", error);
      });
    } catch (error) {
      if (!isSkillError(error)) throw error;
      result.errors.push(error.toIssue());
      return result;
    }
    for (const key of keys) {
      throwIfAborted(request.signal);
      let hash: Record<string, string> | null;
      try {
        hash = await client.hgetall(key);
      } catch (error) {
        result.errors.push(connection.commandFailed("HGETALL", error, { locator: `redis://${key}` }).toIssue());
        continue;
      }
      // A hash cannot be empty in Redis: an empty reply means the key vanished since SCAN.
      if (hash === null || Object.keys(hash).length === 0) continue;
      const record = recordFromMeta({ ...hash }, { sourceId: config.id, keyPrefix, namespace, key });
      if (isSkillIssue(record)) result.errors.push(record);
      else result.skills.push(record);
    }
    return result;
  }

  async function readBody(skill: Skill): Promise<string> {
    const handle = skill.handle as RedisSkillHandle | undefined;
    const bodyKey = handle?.bodyKey ?? skill.metadata.body_key;
    if (typeof bodyKey !== "string" || bodyKey === "") throw new Error("the record has no body key");
    const client = await connection.client();
    const raw = await client.getBuffer(bodyKey).catch((error) => {
      throw connection.commandFailed("GET", error, { locator: skill.locator });
    });
    if (raw === null) throw new Error(`body key "${bodyKey}" does not exist`);
    try {
      return utf8.decode(raw);
    } catch {
      throw new Error(`body key "${bodyKey}" does not hold UTF-8 text`);
    }
  }

  /** Spec 7.15 preconditions, then the cached or freshly extracted bundle. */
  async function bundleOf(skill: Skill): Promise<SkillBundle> {
    const origin = { source_id: config.id, locator: skill.locator };
    if (keyPrefix === null) {
      throw bundleError("SKILL_BUNDLE_CONTRACT_INVALID", `Cannot fetch the bundle of skill "${skill.locator}": options.key_prefix is not set`, {
        ...origin,
        field: "key_prefix",
      });
    }
    const sha = skill.metadata.bundle_sha256;
    if (typeof sha !== "string" || sha === "") {
      throw bundleError("SKILL_BUNDLE_FINGERPRINT_MISSING", `Cannot fetch the bundle of skill "${skill.locator}": the record has no bundle_sha256`, {
        ...origin,
        field: "bundle_sha256",
      });
    }
    if (!isSha256Hex(sha)) {
      throw bundleError("SKILL_BUNDLE_CONTRACT_INVALID", `Cannot fetch the bundle of skill "${skill.locator}": bundle_sha256 is not 64 hex digits`, {
        ...origin,
        field: "bundle_sha256",
      });
    }
    const format = skill.metadata.bundle_format ?? "zip";
    if (typeof format !== "string" || format.trim().toLowerCase() !== "zip") {
      throw bundleError("SKILL_BUNDLE_CONTRACT_INVALID", `Cannot fetch the bundle of skill "${skill.locator}": bundle_format must be "zip"`, {
        ...origin,
        field: "bundle_format",
      });
    }
    const keyRaw = skill.metadata.bundle_key ?? `${keyPrefix}bundle:${skill.namespace}:${skill.skill_name}`;
    if (typeof keyRaw !== "string" || keyRaw === "") {
      throw bundleError("SKILL_BUNDLE_CONTRACT_INVALID", `Cannot fetch the bundle of skill "${skill.locator}": bundle_key must be a non-empty string`, {
        ...origin,
        field: "bundle_key",
      });
    }
    const bundleKey = keyRaw;
    const limits = resolveBundleLimits(deps.bundles);
    const extracted = await ensureExtractedBundle({
      cacheRoot: bundleCacheRoot(deps.workspaceRoot, deps.bundles.cache_dir),
      sha256: sha,
      limits,
      origin: { ...origin, bundle_key: bundleKey },
      fetch: async () => {
        const client = await connection.client();
        const failed = (command: string) => (error: unknown) => {
          throw connection.commandFailed(command, error, { ...origin, bundle_key: bundleKey });
        };
        // Refuse an oversized value before pulling it into memory (GET has no size limit).
        const size = client.strlen ? await client.strlen(bundleKey).catch(failed("STRLEN")) : 0;
        if (size > limits.maxBytes) {
          const message = `Cannot fetch the bundle of skill "${skill.locator}": it is ${size} bytes, over the ${limits.maxBytes}-byte cap`;
          throw bundleError("SKILL_BUNDLE_TOO_LARGE", message, {
            ...origin,
            bundle_key: bundleKey,
            reason: "max_bytes",
            bundle_bytes: size,
            max_bytes: limits.maxBytes,
          });
        }
        return client.getBuffer(bundleKey).catch(failed("GET"));
      },
    });
    return { root: await resolveReal(extracted.bundleRoot), sha256: extracted.bundleSha256 };
  }

  return {
    id: config.id,
    type: config.type,
    scan,
    readBody,
    async readReference(skill, request) {
      // Redis bundles never expose assets/ (spec 7.15).
      return readReferenceFile(await bundleOf(skill), { refPath: request.refPath, maxBytes: request.maxBytes, allowAssets: false });
    },
    async resolveAction(skill, request) {
      return resolveActionInBundle(skill, await bundleOf(skill), request.actionId);
    },
    async close() {
      connection.close();
    },
  };
};
