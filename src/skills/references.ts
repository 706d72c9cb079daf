/**
 * Reading a skill's reference files from its bundle (spec 7.12 steps 5-7), shared by every source
 * that has a local bundle root.
 *
 * - `ref_path` (trimmed) must be relative, without `..`, and its first segment must be
 *   `references` (or `assets` when allowed; Redis bundles never allow assets) -> otherwise
 *   `SKILL_REF_PATH_INVALID` (permission).
 * - The resolved path must stay inside `<root>/<references|assets>` (symlinks included) ->
 *   `SKILL_REF_PATH_ESCAPE` (permission); it must be a file -> `SKILL_REF_NOT_FOUND` (not_found).
 * - At most `maxBytes` bytes are returned; a longer file is cut, decoded with replacement and gets
 *   `\n<truncated>` appended.
 */
import { open, stat } from "node:fs/promises";
import { join } from "node:path";
import { isWithin, resolveReal, type SkillBundle } from "./bundle.ts";
import { SkillError } from "./issues.ts";
import type { ReferenceRead } from "./source.ts";

export interface ReferenceFileRequest {
  refPath: string;
  maxBytes: number;
  allowAssets: boolean;
}

/** Check a ref_path; returns the allowed top-level directory and the normalised segments. */
export function checkRefPath(refPath: string, allowAssets: boolean): { top: "references" | "assets"; segments: string[] } {
  const raw = refPath.trim();
  if (raw === "" || raw.startsWith("/")) {
    throw new SkillError("SKILL_REF_PATH_INVALID", `Cannot read skill reference ${JSON.stringify(raw)}: ref_path must be a relative path`, {
      details: { ref_path: raw },
    });
  }
  const segments = raw.split("/").filter((part) => part !== "" && part !== ".");
  if (segments.includes("..")) {
    throw new SkillError("SKILL_REF_PATH_INVALID", `Cannot read skill reference ${JSON.stringify(raw)}: ref_path must not contain '..' segments`, {
      details: { ref_path: raw },
    });
  }
  const top = segments[0];
  if (top === "references" || (top === "assets" && allowAssets)) return { top, segments };
  throw new SkillError(
    "SKILL_REF_PATH_INVALID",
    `Cannot read skill reference ${JSON.stringify(raw)}: ref_path must start with 'references/'${allowAssets ? " or 'assets/'" : ""}`,
    { details: { ref_path: raw, allow_assets: allowAssets } },
  );
}

/** Read a reference file from a bundle with the checks above. */
export async function readReferenceFile(bundle: SkillBundle, request: ReferenceFileRequest): Promise<ReferenceRead> {
  const { top, segments } = checkRefPath(request.refPath, request.allowAssets);
  const allowedDir = await resolveReal(join(bundle.root, top));
  const candidate = await resolveReal(join(bundle.root, ...segments));
  if (!isWithin(allowedDir, candidate)) {
    throw new SkillError("SKILL_REF_PATH_ESCAPE", `Cannot read skill reference ${JSON.stringify(request.refPath)}: it resolves outside ${top}/`, {
      details: { ref_path: request.refPath, resolved: candidate, allowed_dir: allowedDir },
    });
  }
  const info = await stat(candidate).catch(() => null);
  if (!info?.isFile()) {
    throw new SkillError("SKILL_REF_NOT_FOUND", `Cannot read skill reference ${JSON.stringify(request.refPath)}: no such file in the skill bundle`, {
      details: { ref_path: request.refPath, resolved: candidate },
    });
  }
  const maxBytes = Math.max(1, Math.floor(request.maxBytes));
  const handle = await open(candidate, "r");
  try {
    const buffer = new Uint8Array(maxBytes + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const truncated = filled > maxBytes;
    const text = new TextDecoder("utf-8").decode(buffer.subarray(0, Math.min(filled, maxBytes)));
    return { path: candidate, text: truncated ? `${text}\n<truncated>` : text, truncated };
  } finally {
    await handle.close();
  }
}
