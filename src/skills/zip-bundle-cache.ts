/**
 * The content-addressed bundle cache (spec 7.15): `<cache_root>/<sha256>/`.
 *
 * An existing directory for the sha is reused without fetching. Otherwise the bytes are fetched,
 * checked and extracted into `<cache_root>/.tmp.<sha>.<10hex>/`, then renamed into place in one
 * step, so a reader never sees a half-extracted bundle. A concurrent winner of the rename is
 * accepted; the temp dir is always removed. Anything at the final path that is not a real
 * directory (a symlink planted by a tool, a stray file) is removed and the bundle re-extracted.
 */
import { lstat, mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { bundleError, extractZipBundle, isSha256Hex, type BundleLimits } from "./zip-bundle.ts";

export interface ExtractedBundle {
  bundleSha256: string;
  bundleRoot: string;
  /** True when the cache already held the bundle (no fetch happened). */
  reused: boolean;
}

export interface EnsureBundleOptions {
  cacheRoot: string;
  sha256: string;
  limits: BundleLimits;
  /** Fetch the archive bytes; null when the store has no such bundle. Called only on a cache miss. */
  fetch: () => Promise<Uint8Array | null>;
  /** Where the bundle comes from, for messages and details (e.g. `{source_id, locator, bundle_key}`). */
  origin?: Record<string, string>;
}

async function isRealDirectory(path: string): Promise<boolean | null> {
  try {
    return (await lstat(path)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

function randomHex(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(Math.ceil(length / 2)));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("").slice(0, length);
}

/** Return the extracted bundle for `sha256`, extracting it on a cache miss. */
export async function ensureExtractedBundle(options: EnsureBundleOptions): Promise<ExtractedBundle> {
  const { cacheRoot, limits, origin = {} } = options;
  if (!isSha256Hex(options.sha256)) {
    throw bundleError("SKILL_BUNDLE_CONTRACT_INVALID", `Cannot use skill bundle "${options.sha256}": bundle_sha256 is not 64 hex digits`, {
      ...origin,
      field: "bundle_sha256",
    });
  }
  const sha = options.sha256.toLowerCase();
  await mkdir(cacheRoot, { recursive: true });
  const finalDir = join(cacheRoot, sha);
  const state = await isRealDirectory(finalDir);
  if (state === true) return { bundleSha256: sha, bundleRoot: finalDir, reused: true };
  if (state === false) await rm(finalDir, { force: true, recursive: false });

  const bytes = await options.fetch();
  if (bytes === null) {
    const where = origin.bundle_key ? ` at "${origin.bundle_key}"` : "";
    throw bundleError("SKILL_BUNDLE_NOT_FOUND", `Cannot fetch skill bundle "${sha.slice(0, 12)}": no bundle is stored${where}`, {
      ...origin,
    });
  }
  const tempDir = join(cacheRoot, `.tmp.${sha}.${randomHex(10)}`);
  await mkdir(tempDir);
  try {
    await extractZipBundle(bytes, tempDir, { expectedSha256: sha, limits });
    try {
      await rename(tempDir, finalDir);
    } catch (error) {
      // Another extraction of the same sha won the race: its directory is as good as ours.
      if ((await isRealDirectory(finalDir)) !== true) throw error;
    }
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
  return { bundleSha256: sha, bundleRoot: finalDir, reused: false };
}
