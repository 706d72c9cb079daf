/**
 * Skill bundles (spec 7.15): zip archives holding `actions/**` and `references/**`, fetched only
 * on the tool path and extracted into a content-addressed cache `<cache_root>/<sha256>/`.
 *
 * Checks, in the reference's order: archive bytes > `max_bytes`; sha256 mismatch; not a zip; per
 * entry: unsafe name (empty, backslash, absolute or drive letter, `..`), unexpected top level,
 * symlink (or other special file) mode; directory entries skipped; file count; declared size
 * against the per-file and total caps. We add: duplicate entries (also case-insensitive and
 * file-vs-directory clashes), overlapping entries, encrypted entries, CRC/size mismatches and a
 * compression-ratio cap. Declared sizes are never trusted: every entry inflates under a hard byte
 * budget = min(per-file cap, remaining total, ratio cap), so a forged header cannot exceed a budget.
 *
 * Extraction goes to `.tmp.<sha>.<10hex>` and is renamed into place; a concurrent winner is
 * accepted and the temp dir is always removed. An existing cache dir is reused without fetching.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { isAbsolute, join, resolve, sep } from "node:path";
import { SkillError } from "./issues.ts";
import { readEntryData, readZipEntries, ZipBudgetError, ZipFormatError, type ZipEntry } from "./zip-bundle-reader.ts";

export const BUNDLE_TOP_LEVEL_DIRS = ["actions", "references"] as const;
const DEFAULT_MAX_FILES = 4096;
const EXTRACTED_MULTIPLIER = 16;
const SINGLE_FILE_MULTIPLIER = 8;
/** Default cap on uncompressed/compressed size, applied to entries larger than the floor below. */
export const DEFAULT_MAX_COMPRESSION_RATIO = 200;
const RATIO_FLOOR_BYTES = 64 * 1024;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** The `skills.bundles` config keys that bound an extraction (null = the reference's default). */
export interface BundleLimitsInput {
  max_bytes: number;
  max_extracted_bytes?: number | null;
  max_files?: number | null;
  max_single_file_bytes?: number | null;
  /** Not a config key of the reference: ours, default `DEFAULT_MAX_COMPRESSION_RATIO`. */
  max_compression_ratio?: number | null;
}

export interface BundleLimits {
  maxBytes: number;
  maxExtractedBytes: number;
  maxFiles: number;
  maxSingleFileBytes: number;
  maxCompressionRatio: number;
}

export function resolveBundleLimits(input: BundleLimitsInput): BundleLimits {
  const maxBytes = Math.max(1, Math.trunc(input.max_bytes));
  return {
    maxBytes,
    maxExtractedBytes: Math.max(1, input.max_extracted_bytes ?? maxBytes * EXTRACTED_MULTIPLIER),
    maxFiles: Math.max(1, input.max_files ?? DEFAULT_MAX_FILES),
    maxSingleFileBytes: Math.max(1, input.max_single_file_bytes ?? maxBytes * SINGLE_FILE_MULTIPLIER),
    maxCompressionRatio: Math.max(1, input.max_compression_ratio ?? DEFAULT_MAX_COMPRESSION_RATIO),
  };
}

export function isSha256Hex(value: unknown): value is string {
  return typeof value === "string" && SHA256_HEX.test(value);
}

export function sha256Hex(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

/** The bundle cache root: `skills.bundles.cache_dir`, relative paths under the workspace root. */
export function bundleCacheRoot(workspaceRoot: string, cacheDir: string): string {
  return isAbsolute(cacheDir) ? resolve(cacheDir) : resolve(workspaceRoot, cacheDir);
}

export type BundleErrorCode =
  | "SKILL_BUNDLE_CONTRACT_INVALID"
  | "SKILL_BUNDLE_FINGERPRINT_MISSING"
  | "SKILL_BUNDLE_FINGERPRINT_MISMATCH"
  | "SKILL_BUNDLE_NOT_FOUND"
  | "SKILL_BUNDLE_INVALID"
  | "SKILL_BUNDLE_TOO_LARGE";

/** A `SKILL_BUNDLE_*` failure (its tool kind follows spec 7.11: not_found / permission / validation). */
export function bundleError(code: BundleErrorCode, message: string, details: Record<string, unknown> = {}): SkillError {
  return new SkillError(code, message, { details });
}

function shortSha(sha: string): string {
  return sha.slice(0, 12);
}

interface PlannedEntry {
  entry: ZipEntry;
  /** Normalised relative POSIX path. */
  path: string;
}

/** Validate one entry name; returns its normalised path segments. Throws SKILL_BUNDLE_INVALID. */
export function validateEntryName(name: string, sha = ""): string[] {
  const refuse = (reason: string, detail: string): never => {
    throw bundleError("SKILL_BUNDLE_INVALID", `Cannot extract skill bundle "${shortSha(sha)}": entry "${name}" ${detail}`, {
      reason,
      name,
    });
  };
  if (name === "" || name === "." || name === "/") refuse("empty_name", "has an empty name");
  if (name.includes("\\")) refuse("backslash_in_name", "contains a backslash");
  if (/[\u0000-\u001f\u007f]/.test(name)) refuse("control_character_in_name", "contains a control character");
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) refuse("absolute_path", "is an absolute path");
  const parts = name.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.length === 0) refuse("empty_parts", "has no path segments");
  if (parts.includes("..")) refuse("dotdot_segment", 'has a ".." segment');
  const top = parts[0] as string;
  if (!(BUNDLE_TOP_LEVEL_DIRS as readonly string[]).includes(top)) {
    throw bundleError(
      "SKILL_BUNDLE_INVALID",
      `Cannot extract skill bundle "${shortSha(sha)}": entry "${name}" is outside actions/ and references/`,
      { reason: "unexpected_top_level", name, top_level: top, allowed: [...BUNDLE_TOP_LEVEL_DIRS] },
    );
  }
  return parts;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

function checkMode(entry: ZipEntry, sha: string): void {
  const type = entry.unixMode & S_IFMT;
  if (type === S_IFLNK) {
    throw bundleError("SKILL_BUNDLE_INVALID", `Cannot extract skill bundle "${shortSha(sha)}": entry "${entry.name}" is a symlink`, {
      reason: "symlink_entry",
      name: entry.name,
    });
  }
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) {
    throw bundleError(
      "SKILL_BUNDLE_INVALID",
      `Cannot extract skill bundle "${shortSha(sha)}": entry "${entry.name}" is a special file (mode ${type.toString(8)})`,
      { reason: "special_file_entry", name: entry.name },
    );
  }
}

function tooLarge(sha: string, reason: string, detail: string, details: Record<string, unknown>): SkillError {
  return bundleError("SKILL_BUNDLE_TOO_LARGE", `Cannot extract skill bundle "${shortSha(sha)}": ${detail}`, { reason, ...details });
}

/** Validate every entry (names, modes, duplicates, declared budgets) before writing anything. */
function planEntries(entries: ZipEntry[], limits: BundleLimits, sha: string): PlannedEntry[] {
  const planned: PlannedEntry[] = [];
  const seen = new Map<string, string>();
  const dirs = new Set<string>();
  let declaredTotal = 0;
  for (const entry of entries) {
    const parts = validateEntryName(entry.name, sha);
    checkMode(entry, sha);
    for (let depth = 1; depth < parts.length; depth++) dirs.add(parts.slice(0, depth).join("/").toLowerCase());
    if (entry.name.endsWith("/")) {
      dirs.add(parts.join("/").toLowerCase());
      continue;
    }
    const path = parts.join("/");
    const previous = seen.get(path.toLowerCase());
    if (previous !== undefined) {
      throw bundleError(
        "SKILL_BUNDLE_INVALID",
        `Cannot extract skill bundle "${shortSha(sha)}": entry "${entry.name}" duplicates "${previous}"`,
        { reason: "duplicate_entry", name: entry.name, duplicate_of: previous },
      );
    }
    seen.set(path.toLowerCase(), entry.name);
    if (planned.length + 1 > limits.maxFiles) {
      throw tooLarge(sha, "max_files", `it holds more than ${limits.maxFiles} files`, {
        files: planned.length + 1,
        max_files: limits.maxFiles,
      });
    }
    if (entry.declaredSize > limits.maxSingleFileBytes) {
      const detail = `entry "${entry.name}" declares ${entry.declaredSize} bytes, over the ${limits.maxSingleFileBytes}-byte file cap`;
      throw tooLarge(sha, "max_single_file_bytes", detail, {
        name: entry.name,
        file_bytes: entry.declaredSize,
        max_single_file_bytes: limits.maxSingleFileBytes,
      });
    }
    if (declaredTotal + entry.declaredSize > limits.maxExtractedBytes) {
      throw tooLarge(sha, "max_extracted_bytes", `its entries declare more than ${limits.maxExtractedBytes} bytes in total`, {
        name: entry.name,
        extracted_bytes: declaredTotal,
        next_file_bytes: entry.declaredSize,
        max_extracted_bytes: limits.maxExtractedBytes,
      });
    }
    declaredTotal += entry.declaredSize;
    planned.push({ entry, path });
  }
  for (const { entry, path } of planned) {
    if (dirs.has(path.toLowerCase())) {
      throw bundleError(
        "SKILL_BUNDLE_INVALID",
        `Cannot extract skill bundle "${shortSha(sha)}": entry "${entry.name}" is both a file and a directory`,
        { reason: "duplicate_entry", name: entry.name },
      );
    }
  }
  return planned;
}

function ratioBudget(entry: ZipEntry, limits: BundleLimits): number {
  return Math.max(RATIO_FLOOR_BYTES, entry.compressedSize * limits.maxCompressionRatio);
}

function inflateWithinBudget(bytes: Uint8Array, item: PlannedEntry, remaining: number, limits: BundleLimits, sha: string): Uint8Array {
  const byRatio = ratioBudget(item.entry, limits);
  const budget = Math.min(limits.maxSingleFileBytes, remaining, byRatio);
  try {
    return readEntryData(bytes, item.entry, budget);
  } catch (error) {
    if (!(error instanceof ZipBudgetError)) throw error;
    const name = item.entry.name;
    if (budget === byRatio && byRatio < Math.min(limits.maxSingleFileBytes, remaining)) {
      throw tooLarge(sha, "max_compression_ratio", `entry "${name}" expands more than ${limits.maxCompressionRatio} times`, {
        name,
        max_compression_ratio: limits.maxCompressionRatio,
      });
    }
    const reason = remaining <= limits.maxSingleFileBytes ? "max_extracted_bytes" : "max_single_file_bytes";
    throw tooLarge(sha, reason, `entry "${name}" inflates past its ${budget}-byte budget`, { name, max_bytes: budget });
  }
}

export interface ExtractOptions {
  expectedSha256: string;
  limits: BundleLimits;
}

/** Check and extract a bundle into `destDir` (an existing, empty, runtime-owned directory). */
export async function extractZipBundle(bytes: Uint8Array, destDir: string, options: ExtractOptions): Promise<{ files: number; bytes: number }> {
  const { expectedSha256: sha, limits } = options;
  if (!isSha256Hex(sha)) {
    throw bundleError("SKILL_BUNDLE_CONTRACT_INVALID", `Cannot extract skill bundle "${sha}": bundle_sha256 is not 64 hex digits`, {
      field: "bundle_sha256",
    });
  }
  if (bytes.byteLength > limits.maxBytes) {
    throw tooLarge(sha, "max_bytes", `the archive is ${bytes.byteLength} bytes, over the ${limits.maxBytes}-byte cap`, {
      bundle_bytes: bytes.byteLength,
      max_bytes: limits.maxBytes,
    });
  }
  const actual = sha256Hex(bytes);
  if (actual !== sha.toLowerCase()) {
    throw bundleError("SKILL_BUNDLE_FINGERPRINT_MISMATCH", `Cannot extract skill bundle "${shortSha(sha)}": its bytes hash to "${actual}"`, {
      expected: sha,
      actual,
    });
  }
  const root = resolve(destDir);
  let written = 0;
  let files = 0;
  try {
    const planned = planEntries(readZipEntries(bytes), limits, sha);
    for (const item of planned) {
      const data = inflateWithinBudget(bytes, item, limits.maxExtractedBytes - written, limits, sha);
      const target = join(root, ...item.path.split("/"));
      if (!target.startsWith(root + sep)) {
        throw bundleError("SKILL_BUNDLE_INVALID", `Cannot extract skill bundle "${shortSha(sha)}": entry "${item.entry.name}" escapes the destination`, {
          reason: "path_escape",
          name: item.entry.name,
        });
      }
      await mkdir(join(target, ".."), { recursive: true });
      await writeFile(target, data, { flag: "wx", mode: 0o644 });
      written += data.byteLength;
      files += 1;
    }
  } catch (error) {
    if (error instanceof ZipFormatError) {
      throw bundleError("SKILL_BUNDLE_INVALID", `Cannot extract skill bundle "${shortSha(sha)}": ${error.message}`, {
        reason: error.reason,
        ...(error.entry === undefined ? {} : { name: error.entry }),
      });
    }
    throw error;
  }
  return { files, bytes: written };
}
