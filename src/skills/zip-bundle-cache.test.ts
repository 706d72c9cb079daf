import { describe, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { tempDirs } from "../../test/support/fs-tools.ts";
import { buildZip, sha256Hex } from "../../test/support/zip.ts";
import { isSkillError } from "./issues.ts";
import { bundleCacheRoot, resolveBundleLimits } from "./zip-bundle.ts";
import { ensureExtractedBundle } from "./zip-bundle-cache.ts";

const dirs = tempDirs("zip-bundle-cache-");
const limits = resolveBundleLimits({ max_bytes: 1024 * 1024 });
const good = buildZip([{ name: "references/a.md", data: "alpha" }, { name: "actions/run.sh", data: "echo run" }]);
const goodSha = sha256Hex(good);

function counter(bytes: Uint8Array | null) {
  const state = { calls: 0 };
  return {
    state,
    fetch: async () => {
      state.calls += 1;
      return bytes;
    },
  };
}

describe("ensureExtractedBundle", () => {
  test("extracts into <cache_root>/<sha256>/ and reuses it without fetching again", async () => {
    const cacheRoot = join(dirs.make(), "bundles");
    const source = counter(good);
    const first = await ensureExtractedBundle({ cacheRoot, sha256: goodSha, limits, fetch: source.fetch });
    expect(first).toEqual({ bundleSha256: goodSha, bundleRoot: join(cacheRoot, goodSha), reused: false });
    expect(readFileSync(join(first.bundleRoot, "references/a.md"), "utf8")).toBe("alpha");
    const second = await ensureExtractedBundle({ cacheRoot, sha256: goodSha, limits, fetch: source.fetch });
    expect(second.reused).toBe(true);
    expect(source.state.calls).toBe(1);
    expect(readdirSync(cacheRoot)).toEqual([goodSha]);
  });

  test("leaves neither a final nor a temp directory when extraction fails", async () => {
    const cacheRoot = join(dirs.make(), "bundles");
    const slip = buildZip([{ name: "references/ok.md", data: "ok" }, { name: "../evil", data: "x" }]);
    const sha = sha256Hex(slip);
    const error = await ensureExtractedBundle({ cacheRoot, sha256: sha, limits, fetch: counter(slip).fetch }).catch((e) => e);
    expect(isSkillError(error) && error.code).toBe("SKILL_BUNDLE_INVALID");
    expect(readdirSync(cacheRoot)).toEqual([]);
  });

  test("a fetch that finds nothing is SKILL_BUNDLE_NOT_FOUND naming the key", async () => {
    const cacheRoot = join(dirs.make(), "bundles");
    const origin = { source_id: "r1", bundle_key: "skills:bundle:web:demo" };
    const error = await ensureExtractedBundle({ cacheRoot, sha256: goodSha, limits, fetch: counter(null).fetch, origin }).catch((e) => e);
    expect(isSkillError(error)).toBe(true);
    expect(error.code).toBe("SKILL_BUNDLE_NOT_FOUND");
    expect(error.toolKind).toBe("not_found");
    expect(error.message).toContain('"skills:bundle:web:demo"');
    expect(error.details).toEqual(origin);
  });

  test("refuses a malformed sha before fetching", async () => {
    const source = counter(good);
    const error = await ensureExtractedBundle({ cacheRoot: dirs.make(), sha256: "../x", limits, fetch: source.fetch }).catch((e) => e);
    expect(error.code).toBe("SKILL_BUNDLE_CONTRACT_INVALID");
    expect(source.state.calls).toBe(0);
  });

  test("replaces a symlink planted at the cache path instead of following it", async () => {
    const root = dirs.make();
    const cacheRoot = join(root, "bundles");
    const elsewhere = join(root, "elsewhere");
    mkdirSync(join(elsewhere, "references"), { recursive: true });
    mkdirSync(cacheRoot);
    symlinkSync(elsewhere, join(cacheRoot, goodSha));
    const source = counter(good);
    const result = await ensureExtractedBundle({ cacheRoot, sha256: goodSha, limits, fetch: source.fetch });
    expect(result.reused).toBe(false);
    expect(lstatSync(result.bundleRoot).isDirectory()).toBe(true);
    expect(readFileSync(join(result.bundleRoot, "references/a.md"), "utf8")).toBe("alpha");
    expect(existsSync(join(elsewhere, "references/a.md"))).toBe(false);
  });

  test("concurrent extractions of the same bundle all succeed with one directory", async () => {
    const cacheRoot = join(dirs.make(), "bundles");
    const results = await Promise.all(
      Array.from({ length: 5 }, () => ensureExtractedBundle({ cacheRoot, sha256: goodSha, limits, fetch: counter(good).fetch })),
    );
    expect(new Set(results.map((r) => r.bundleRoot))).toEqual(new Set([join(cacheRoot, goodSha)]));
    expect(readdirSync(cacheRoot)).toEqual([goodSha]);
    expect(readFileSync(join(cacheRoot, goodSha, "actions/run.sh"), "utf8")).toBe("echo run");
  });

  test("resolves a relative cache_dir under the workspace root", () => {
    expect(bundleCacheRoot("/ws", ".skills_runtime_sdk/bundles")).toBe("/ws/.skills_runtime_sdk/bundles");
    expect(bundleCacheRoot("/ws", "/var/cache/b")).toBe("/var/cache/b");
  });
});
