/**
 * Which WAL `runs metrics` reads (spec 11.4): `--run-id <id>` is
 * `<ws>/.skills_runtime_sdk/runs/<id>/events.jsonl`; `--wal-locator <loc>` without `://` is a
 * filesystem path (relative to the workspace root, `~` expanded) and with `://` is passed on as is
 * (the summary then reports `not_supported`). Paths are made absolute with symlinks resolved, as
 * the reference's `Path.resolve()` does.
 */
import { existsSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { RuntimeError } from "../util/errors.ts";
import { walPath } from "./paths.ts";

/** `str(Path(p))`: repeated slashes collapsed, `.` segments and a trailing slash removed. */
export function pythonPathString(path: string): string {
  const leading = path.startsWith("//") && !path.startsWith("///") ? "//" : path.startsWith("/") ? "/" : "";
  const parts = path.split("/").filter((part) => part !== "" && part !== ".");
  const joined = leading + parts.join("/");
  return joined === "" ? "." : joined;
}

/** Absolute path with symlinks resolved for the part that exists (Python's `Path.resolve()`). */
export function resolvePathLikePython(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const parent = dirname(absolute);
  if (parent === absolute) return absolute;
  return join(resolvePathLikePython(parent), basename(absolute));
}

export interface MetricsTarget {
  runId?: string;
  walLocator?: string;
}

/** The locator to pass to `computeRunMetricsSummary` for `runs metrics` flags. */
export function resolveMetricsLocator(workspaceRoot: string, target: MetricsTarget): string {
  const hasRunId = target.runId !== undefined;
  const hasLocator = target.walLocator !== undefined;
  if (hasRunId === hasLocator) {
    throw new RuntimeError("validation", "Cannot compute run metrics: give exactly one of --run-id or --wal-locator");
  }
  const root = resolvePathLikePython(workspaceRoot);
  if (hasLocator) {
    const raw = String(target.walLocator);
    if (raw.includes("://")) return raw;
    const expanded = raw === "~" || raw.startsWith("~/") ? homedir() + raw.slice(1) : raw;
    return resolvePathLikePython(isAbsolute(expanded) ? expanded : join(root, expanded));
  }
  return resolvePathLikePython(walPath(root, String(target.runId).trim()));
}
