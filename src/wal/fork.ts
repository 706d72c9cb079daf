/**
 * Fork a run (spec 3.7): copy the first lines of one run's WAL into a new run's WAL, so that the
 * new run can resume (typically with `resume_strategy: replay`) from that point.
 *
 * Physical lines 0..N inclusive are read (blank lines count toward N but are not copied); each
 * JSON object gets the new `run_id`, and a string `payload.wal_locator` becomes the new WAL path.
 * Lines that are JSON but not objects are dropped, as the reference does; a line that is not JSON
 * fails the fork (the reference raises too). A `seq` the line carries is renumbered to its new
 * position, so forked WALs keep `seq` equal to the line index. The destination is replaced
 * atomically (temporary file + rename).
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { RuntimeError } from "../util/errors.ts";
import { runDir, WAL_FILE_NAME } from "./paths.ts";
import { pythonJsonDumps } from "./python-json.ts";

function checkForkArguments(newRunId: string, upToIndexInclusive: number): void {
  if (!Number.isInteger(upToIndexInclusive) || upToIndexInclusive < 0) {
    throw new RuntimeError("validation", `Cannot fork run: up_to_index_inclusive must be an integer >= 0, got ${JSON.stringify(upToIndexInclusive)}`);
  }
  if (String(newRunId ?? "").trim() === "") {
    throw new RuntimeError("validation", "Cannot fork run: the new run id is empty");
  }
}

/** Copy lines 0..`upToIndexInclusive` of `srcWalPath` into `dstWalPath` (overwritten) under `newRunId`. */
export function forkRunEventsJsonl(
  srcWalPath: string,
  dstWalPath: string,
  options: { newRunId: string; upToIndexInclusive: number },
): void {
  const { newRunId, upToIndexInclusive } = options;
  checkForkArguments(newRunId, upToIndexInclusive);
  if (!existsSync(srcWalPath)) {
    throw new RuntimeError("not_found", `Cannot fork run: source WAL "${srcWalPath}" does not exist`, {
      details: { path: srcWalPath },
    });
  }
  const text = readFileSync(srcWalPath, "utf8");
  const lines = text.split("\n");
  if (text.endsWith("\n")) lines.pop();
  const out: string[] = [];
  for (let index = 0; index < lines.length && index <= upToIndexInclusive; index++) {
    const line = (lines[index] ?? "").trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new RuntimeError("validation", `Cannot fork run: line ${index + 1} of "${srcWalPath}" is not valid JSON (${(error as Error).message})`, {
        details: { path: srcWalPath, line: index + 1 },
      });
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) continue;
    const event = value as Record<string, unknown>;
    event.run_id = String(newRunId);
    const payload = event.payload;
    if (payload !== null && typeof payload === "object" && !Array.isArray(payload)) {
      const record = payload as Record<string, unknown>;
      if (typeof record.wal_locator === "string") record.wal_locator = dstWalPath;
    }
    if ("seq" in event) event.seq = out.length;
    out.push(pythonJsonDumps(event));
  }
  mkdirSync(dirname(dstWalPath), { recursive: true });
  const temporary = `${dstWalPath}.fork-${process.pid}-${crypto.randomUUID()}.tmp`;
  writeFileSync(temporary, out.map((line) => line + "\n").join(""));
  renameSync(temporary, dstWalPath);
}

export interface ForkRunOptions {
  srcRunId: string;
  dstRunId: string;
  /** Last physical line index (0-based) to copy. */
  upToIndexInclusive: number;
}

/**
 * Fork `srcRunId` into `dstRunId` under `workspaceRoot` (both run ids validated); returns the
 * absolute path of the new WAL.
 */
export function forkRun(workspaceRoot: string, options: ForkRunOptions): string {
  checkForkArguments(options.dstRunId, options.upToIndexInclusive);
  const root = existsSync(workspaceRoot) ? realpathSync(workspaceRoot) : resolve(workspaceRoot);
  const src = join(runDir(root, options.srcRunId), WAL_FILE_NAME);
  const dst = join(runDir(root, options.dstRunId), WAL_FILE_NAME);
  forkRunEventsJsonl(src, dst, { newRunId: options.dstRunId, upToIndexInclusive: options.upToIndexInclusive });
  return dst;
}
