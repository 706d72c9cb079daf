/**
 * One WAL line: serialising an event the way the reference writes it, and parsing a line back
 * tolerantly (unknown top-level keys dropped, null `turn_id`/`step_id` treated as absent).
 */
import { AgentEvent, ENVELOPE_KEYS } from "../events/schema.ts";
import { pythonJsonDumps } from "./python-json.ts";

/** The JSON text of one WAL line (without the newline): envelope nulls omitted, `seq` last. */
export function serializeWalEvent(event: AgentEvent, seq?: number): string {
  const envelope: Record<string, unknown> = { type: event.type, timestamp: event.timestamp, run_id: event.run_id };
  if (event.turn_id != null) envelope.turn_id = event.turn_id;
  if (event.step_id != null) envelope.step_id = event.step_id;
  envelope.payload = event.payload;
  const finalSeq = seq ?? event.seq;
  if (finalSeq != null) envelope.seq = finalSeq;
  return pythonJsonDumps(envelope);
}

export type SkipReason = "invalid_json" | "not_object" | "invalid_event";

export type LineParse =
  | { ok: true; event: AgentEvent }
  | { ok: false; reason: SkipReason; message: string };

const OPTIONAL_ENVELOPE_KEYS = new Set(["turn_id", "step_id", "seq"]);

/**
 * Parse one non-blank WAL line. `seq`, when given, is the line's position in the WAL and
 * replaces whatever `seq` the line carries (the position is what `append` returned).
 */
export function parseWalLine(text: string, seq?: number): LineParse {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: "invalid_json", message: `not valid JSON (${(error as Error).message})` };
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return { ok: false, reason: "not_object", message: "not a JSON object" };
  }
  const source = raw as Record<string, unknown>;
  const envelope: Record<string, unknown> = {};
  for (const key of ENVELOPE_KEYS) {
    if (!(key in source)) continue;
    const value = source[key];
    if (value === null && OPTIONAL_ENVELOPE_KEYS.has(key)) continue;
    if (key === "seq" && !(Number.isSafeInteger(value) && (value as number) >= 0)) continue;
    envelope[key] = value;
  }
  if (seq !== undefined) envelope.seq = seq;
  const parsed = AgentEvent.safeParse(envelope);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    return { ok: false, reason: "invalid_event", message: `not a valid event${where}: ${issue?.message ?? "invalid"}` };
  }
  return { ok: true, event: parsed.data };
}
