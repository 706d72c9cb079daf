/**
 * Atomic file writes for Studio storage (spec 12.2): the data goes to a temp file
 * `.<name>.<hex>.tmp` in the target's directory, is fsynced (best effort), then renamed over the
 * target, so a reader sees the old content or the new one, never a mix. A failed write removes its
 * temp file. Reads tell "missing" apart from "corrupt".
 */
import { randomBytes } from "node:crypto";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { syncDirectory } from "../../tools/atomic-write.ts";

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(8).toString("hex")}.tmp`);
}

/** Atomically replace (or create) `target` with `text`. The directory must exist. */
export async function writeTextAtomic(target: string, text: string): Promise<void> {
  const temp = tempPathFor(target);
  try {
    const handle = await open(temp, "wx");
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync().catch(() => undefined);
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(target));
}

/** Atomically write `value` as pretty JSON (UTF-8, trailing newline). */
export function writeJsonAtomic(target: string, value: unknown): Promise<void> {
  return writeTextAtomic(target, `${JSON.stringify(value, null, 2)}\n`);
}

export type JsonRead = { state: "missing" } | { state: "corrupt"; error: string } | { state: "ok"; value: unknown };

/** Read and parse a JSON file without throwing for a missing or unparsable file. */
export async function readJsonFile(path: string): Promise<JsonRead> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { state: "missing" };
    return { state: "corrupt", error: (error as Error).message };
  }
  try {
    return { state: "ok", value: JSON.parse(text) };
  } catch (error) {
    return { state: "corrupt", error: (error as Error).message };
  }
}
