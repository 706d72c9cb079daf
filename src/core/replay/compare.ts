/**
 * Where a replayed run departs from its record. Events are compared in order by type, turn and step
 * ids and payload, leaving out what always differs between two runs (time, run id, seq, paths under
 * the run directory, the start-up summary) and what the WAL does not record (the raw text of
 * invalid tool arguments).
 */
import type { AgentEvent } from "../../events/schema.ts";
import { canonicalJson } from "../../util/canonical-json.ts";

export interface Divergence {
  /** Position in the segment (0 = run_started). */
  index: number;
  recorded: AgentEvent | null;
  replayed: AgentEvent | null;
  /** Dotted path of the first differing field ("type", "payload.arguments.argv.1", ...). */
  field: string;
  expected: unknown;
  actual: unknown;
}

const IGNORED_PAYLOAD_FIELDS: Record<string, readonly string[]> = {
  run_started: ["config_summary", "workspace_root", "resume"],
  tool_call_requested: ["raw_arguments_len", "raw_arguments_sha256", "raw_arguments_error"],
  context_compacted: ["artifact_path"],
  compaction_finished: ["artifact_path"],
  run_completed: ["wal_locator"],
  run_failed: ["wal_locator"],
  run_cancelled: ["wal_locator"],
  run_waiting_human: ["wal_locator"],
};

/** Artifact paths live under each run's own directory: compare them from `artifacts/` on. */
function relativeArtifact(path: unknown): unknown {
  if (typeof path !== "string") return path;
  const at = path.lastIndexOf("/artifacts/");
  return at >= 0 ? path.slice(at + 1) : path;
}

/** The comparable part of an event. */
export function comparable(event: AgentEvent): Record<string, unknown> {
  const payload = { ...(event.payload as Record<string, unknown>) };
  for (const key of IGNORED_PAYLOAD_FIELDS[event.type] ?? []) delete payload[key];
  if (Array.isArray(payload.artifacts)) payload.artifacts = payload.artifacts.map(relativeArtifact);
  return { type: event.type, turn_id: event.turn_id ?? null, step_id: event.step_id ?? null, payload };
}

function firstDifference(a: unknown, b: unknown, path: string): { field: string; expected: unknown; actual: unknown } | null {
  if (canonicalJson(a) === canonicalJson(b)) return null;
  const bothObjects = a !== null && b !== null && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) return { field: path, expected: a, actual: b };
  const keys = Array.isArray(a)
    ? Array.from({ length: Math.max(a.length, (b as unknown[]).length) }, (_, i) => String(i))
    : [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])];
  for (const key of keys) {
    const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return { field: path, expected: a, actual: b };
}

/** The first divergence between a record and its replay, and how many positions differ. */
export function compareRuns(recorded: readonly AgentEvent[], replayed: readonly AgentEvent[]): { divergence: Divergence | null; differing: number } {
  let divergence: Divergence | null = null;
  let differing = 0;
  const length = Math.max(recorded.length, replayed.length);
  for (let index = 0; index < length; index++) {
    const r = recorded[index] ?? null;
    const n = replayed[index] ?? null;
    const diff = r && n ? firstDifference(comparable(r), comparable(n), "") : { field: "(event)", expected: r?.type ?? null, actual: n?.type ?? null };
    if (!diff) continue;
    differing += 1;
    divergence ??= { index, recorded: r, replayed: n, ...diff };
  }
  return { divergence, differing };
}
