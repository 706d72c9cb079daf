import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { tempDirs } from "../../test/support/fs-tools.ts";
import { buildZip, sha256Hex, type ZipEntrySpec } from "../../test/support/zip.ts";
import { isSkillError, type SkillError } from "./issues.ts";
import { extractZipBundle, resolveBundleLimits, type BundleLimitsInput } from "./zip-bundle.ts";

const dirs = tempDirs("zip-bundle-");
const KIB = 1024;
const MIB = 1024 * 1024;

async function extract(bytes: Uint8Array, limits: Partial<BundleLimitsInput> = {}, sha = sha256Hex(bytes)) {
  const dest = join(dirs.make(), "out");
  await mkdir(dest);
  const result = await extractZipBundle(bytes, dest, { expectedSha256: sha, limits: resolveBundleLimits({ max_bytes: MIB, ...limits }) });
  return { dest, result };
}

async function refusal(bytes: Uint8Array, limits: Partial<BundleLimitsInput> = {}, sha?: string): Promise<SkillError & { dest: string }> {
  const dest = join(dirs.make(), "out");
  await mkdir(dest);
  try {
    await extractZipBundle(bytes, dest, { expectedSha256: sha ?? sha256Hex(bytes), limits: resolveBundleLimits({ max_bytes: MIB, ...limits }) });
  } catch (error) {
    if (!isSkillError(error)) throw error;
    return Object.assign(error, { dest });
  }
  throw new Error("expected the bundle to be refused");
}

function zip(...entries: ZipEntrySpec[]): Uint8Array {
  return buildZip(entries);
}

function listTree(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort();
}

describe("extractZipBundle: accepted bundles", () => {
  test("extracts stored and deflated entries and skips directory entries", async () => {
    const bytes = zip(
      { name: "actions/" },
      { name: "actions/run.sh", data: "#!/bin/sh\necho hi\n", method: "store" },
      { name: "references/guide.md", data: "# Guide\n".repeat(50) },
      { name: "./references/sub/./note.txt", data: "note" },
    );
    const { dest, result } = await extract(bytes);
    expect(listTree(dest)).toEqual(["actions/run.sh", "references/guide.md", "references/sub/note.txt"]);
    expect(readFileSync(join(dest, "actions/run.sh"), "utf8")).toBe("#!/bin/sh\necho hi\n");
    expect(readFileSync(join(dest, "references/guide.md"), "utf8")).toBe("# Guide\n".repeat(50));
    expect(result).toEqual({ files: 3, bytes: 18 + 400 + 4 });
    expect(statSync(join(dest, "actions/run.sh")).mode & 0o777).toBe(0o644);
  });

  test("accepts an empty archive", async () => {
    const { dest, result } = await extract(zip());
    expect(result.files).toBe(0);
    expect(listTree(dest)).toEqual([]);
  });
});

describe("extractZipBundle: zip slip", () => {
  const cases: Array<[string, string]> = [
    ["../evil", "dotdot_segment"],
    ["references/../../evil", "dotdot_segment"],
    ["/etc/passwd", "absolute_path"],
    ["C:/Windows/evil", "absolute_path"],
    ["c:evil", "absolute_path"],
    ["references\\..\\..\\evil", "backslash_in_name"],
    ["references/a\u0000b", "control_character_in_name"],
    ["", "empty_name"],
    ["./", "empty_parts"],
    ["secrets/x", "unexpected_top_level"],
    ["SKILL.md", "unexpected_top_level"],
  ];
  for (const [name, reason] of cases) {
    test(`refuses entry ${JSON.stringify(name)} with reason ${reason}`, async () => {
      const error = await refusal(zip({ name: "references/ok.md", data: "ok" }, { name, data: "pwned" }));
      expect(error.code).toBe("SKILL_BUNDLE_INVALID");
      expect(error.toolKind).toBe("validation");
      expect(error.details.reason).toBe(reason);
      expect(listTree(error.dest)).toEqual([]);
      expect(existsSync(join(error.dest, "..", "evil"))).toBe(false);
    });
  }

  test("names the entry in the message", async () => {
    const error = await refusal(zip({ name: "../evil", data: "x" }));
    expect(error.message).toMatch(/^Cannot extract skill bundle "[0-9a-f]{12}": entry "\.\.\/evil" has a "\.\." segment$/);
  });
});

describe("extractZipBundle: entry types and duplicates", () => {
  test("refuses a symlink entry", async () => {
    const error = await refusal(zip({ name: "references/link", data: "/etc/passwd", unixMode: 0o120777 }));
    expect(error.code).toBe("SKILL_BUNDLE_INVALID");
    expect(error.details).toMatchObject({ reason: "symlink_entry", name: "references/link" });
    expect(error.message).toContain('"references/link" is a symlink');
  });

  test("refuses a FIFO entry", async () => {
    const error = await refusal(zip({ name: "references/fifo", unixMode: 0o010644 }));
    expect(error.details.reason).toBe("special_file_entry");
  });

  test.each([
    ["an exact duplicate", "references/a.md", "references/a.md"],
    ["a duplicate after normalisation", "references/a.md", "references/./a.md"],
    ["a case-insensitive duplicate", "references/a.md", "references/A.md"],
    ["a file that is also a directory", "references/a", "references/a/b.md"],
  ])("refuses %s", async (_label, first, second) => {
    const error = await refusal(zip({ name: first, data: "1" }, { name: second, data: "2" }));
    expect(error.code).toBe("SKILL_BUNDLE_INVALID");
    expect(error.details.reason).toBe("duplicate_entry");
  });
});

describe("extractZipBundle: zip bombs and budgets", () => {
  const zeros = (size: number) => new Uint8Array(size);

  test("refuses an archive larger than max_bytes before reading it", async () => {
    const bytes = zip({ name: "references/a.md", data: "x".repeat(2000), method: "store" });
    const error = await refusal(bytes, { max_bytes: 1000 });
    expect(error.code).toBe("SKILL_BUNDLE_TOO_LARGE");
    expect(error.toolKind).toBe("permission");
    expect(error.details).toMatchObject({ reason: "max_bytes", max_bytes: 1000, bundle_bytes: bytes.byteLength });
  });

  test("refuses a bomb whose header declares its real size (max_single_file_bytes)", async () => {
    const bytes = zip({ name: "references/bomb.bin", data: zeros(20 * MIB) });
    expect(bytes.byteLength).toBeLessThan(64 * KIB);
    const error = await refusal(bytes);
    expect(error.code).toBe("SKILL_BUNDLE_TOO_LARGE");
    expect(error.details).toMatchObject({ reason: "max_single_file_bytes", file_bytes: 20 * MIB, max_single_file_bytes: 8 * MIB });
  });

  test("stops a bomb with a forged small header while inflating", async () => {
    const bytes = zip({ name: "references/bomb.bin", data: zeros(20 * MIB), declaredSize: 10 });
    const error = await refusal(bytes, { max_compression_ratio: 10_000 });
    expect(error.code).toBe("SKILL_BUNDLE_TOO_LARGE");
    expect(error.details).toMatchObject({ reason: "max_single_file_bytes", max_bytes: 8 * MIB });
    expect(listTree(error.dest)).toEqual([]);
  });

  test("the running total budget stops forged headers across files (max_extracted_bytes)", async () => {
    const honest = Array.from({ length: 3 }, (_, index) => ({ name: `references/${index}.bin`, data: zeros(3 * MIB) }));
    const forged = { name: "references/forged.bin", data: zeros(3 * MIB), declaredSize: 1 };
    const limits = { max_extracted_bytes: 10 * MIB, max_single_file_bytes: 4 * MIB, max_compression_ratio: 10_000 };
    const error = await refusal(zip(...honest, forged), limits);
    expect(error.details.reason).toBe("max_extracted_bytes");
    // Three files fit (9 MiB); the forged fourth has 1 MiB of budget left, whatever its header says.
    expect(error.details.max_bytes).toBe(1 * MIB);
    // A forged header within budget is caught by the size check instead.
    expect((await refusal(zip(forged), limits)).details.reason).toBe("size_mismatch");
  });

  test("refuses declared totals over max_extracted_bytes", async () => {
    const entries = Array.from({ length: 3 }, (_, index) => ({ name: `references/${index}.txt`, data: "y".repeat(600) }));
    const error = await refusal(zip(...entries), { max_extracted_bytes: 1000 });
    expect(error.details).toMatchObject({ reason: "max_extracted_bytes", extracted_bytes: 600, next_file_bytes: 600, max_extracted_bytes: 1000 });
  });

  test("refuses more files than max_files", async () => {
    const entries = Array.from({ length: 4 }, (_, index) => ({ name: `references/${index}.txt`, data: "z" }));
    const error = await refusal(zip({ name: "references/" }, ...entries), { max_files: 3 });
    expect(error.details).toMatchObject({ reason: "max_files", files: 4, max_files: 3 });
    const ok = await extract(zip(...entries.slice(0, 3)), { max_files: 3 });
    expect(ok.result.files).toBe(3);
  });

  test("refuses an entry that expands past the compression-ratio cap", async () => {
    const bytes = zip({ name: "references/zeros.bin", data: zeros(2 * MIB) });
    const error = await refusal(bytes, { max_compression_ratio: 100 });
    expect(error.details).toMatchObject({ reason: "max_compression_ratio", max_compression_ratio: 100 });
    // Small entries are exempt from the ratio cap, and a generous cap lets the same entry through.
    expect((await extract(zip({ name: "references/z.bin", data: zeros(60 * KIB) }), { max_compression_ratio: 2 })).result.files).toBe(1);
    expect((await extract(bytes, { max_compression_ratio: 2000 })).result.bytes).toBe(2 * MIB);
  });
});

describe("extractZipBundle: integrity", () => {
  test("refuses bytes whose sha256 differs from the record", async () => {
    const bytes = zip({ name: "references/a.md", data: "a" });
    const error = await refusal(bytes, {}, "0".repeat(64));
    expect(error.code).toBe("SKILL_BUNDLE_FINGERPRINT_MISMATCH");
    expect(error.details).toEqual({ expected: "0".repeat(64), actual: sha256Hex(bytes) });
  });

  test("refuses a malformed sha256", async () => {
    const error = await refusal(zip(), {}, "abc");
    expect(error.code).toBe("SKILL_BUNDLE_CONTRACT_INVALID");
  });

  test("refuses data that is not a zip", async () => {
    const error = await refusal(new TextEncoder().encode("this is not a zip archive at all"));
    expect(error.code).toBe("SKILL_BUNDLE_INVALID");
    expect(error.details.reason).toBe("not_a_zip");
  });

  test.each([
    ["a CRC-32 mismatch", { name: "references/a.md", data: "abc", crc32: 1 }, "crc_mismatch"],
    ["a local name that disagrees with the directory", { name: "references/a.md", localName: "references/b.md", data: "a" }, "local_header_mismatch"],
    ["an encrypted entry", { name: "references/a.md", data: "a", flags: 0x0801 }, "encrypted_entry"],
    ["a declared size larger than the data", { name: "references/a.md", data: "abc", declaredSize: 4 }, "size_mismatch"],
    ["a corrupt deflate stream", { name: "references/a.md", data: "abc", raw: new Uint8Array([0xff, 0xff, 0xff]) }, "bad_deflate_stream"],
  ] as Array<[string, ZipEntrySpec, string]>)("refuses %s", async (_label, spec, reason) => {
    const error = await refusal(zip(spec));
    expect(error.code).toBe("SKILL_BUNDLE_INVALID");
    expect(error.details.reason).toBe(reason);
  });

  test("refuses entries that share compressed bytes (overlapping-entry bomb)", async () => {
    const bytes = zip({ name: "references/a.bin", data: "shared payload" }, { name: "references/b.bin", data: "other" });
    const view = new DataView(bytes.buffer);
    const central = view.getUint32(bytes.byteLength - 22 + 16, true);
    const second = central + 46 + "references/a.bin".length;
    // Point the second central record at the first local header, under the first entry's name.
    bytes.set(new TextEncoder().encode("references/a.bin"), second + 46);
    view.setUint32(second + 42, 0, true);
    const error = await refusal(bytes);
    expect(error.code).toBe("SKILL_BUNDLE_INVALID");
    expect(error.details.reason).toBe("overlapping_entries");
  });

  test("refuses a central record whose local header names another file", async () => {
    const bytes = zip({ name: "references/a.bin", data: "a" }, { name: "references/b.bin", data: "b" });
    const view = new DataView(bytes.buffer);
    const central = view.getUint32(bytes.byteLength - 22 + 16, true);
    view.setUint32(central + 46 + "references/a.bin".length + 42, 0, true);
    expect((await refusal(bytes)).details.reason).toBe("local_header_mismatch");
  });
});
