/**
 * JSON text as Python's `json.dumps(value, ensure_ascii=False)` writes it: keys in insertion
 * order, default separators `", "` / `": "` (or compact `","` / `":"`), non-ASCII kept as is.
 * This is the format of the reference's WAL lines and tool messages.
 *
 * Numbers: integers print as digits; other numbers follow Python's float repr (shortest
 * round-trip digits, exponent form below 1e-4 as `1e-05`). JavaScript cannot tell `1.0` from `1`,
 * so a float with an integral value prints as `1` (readers do not care). Non-finite numbers print
 * as `null` (Python would write `NaN`, which JSON readers reject). `undefined` object entries are
 * skipped and become `null` in arrays, as with `JSON.stringify`.
 */
import { pythonNumber } from "../util/canonical-json.ts";

export interface PythonJsonOptions {
  /** `compact` gives `separators=(",", ":")`; the default is Python's `", "` / `": "`. */
  compact?: boolean;
}

/** Like Python's json.dumps for numbers; NaN and Infinity become null (the reference never writes them). */
function pythonNumberOrNull(n: number): string {
  return Number.isFinite(n) ? pythonNumber(n) : "null";
}

/** Serialise a JSON-like value the way Python's `json.dumps(..., ensure_ascii=False)` does. */
export function pythonJsonDumps(value: unknown, options: PythonJsonOptions = {}): string {
  const itemSep = options.compact ? "," : ", ";
  const keySep = options.compact ? ":" : ": ";
  const walk = (v: unknown, inArray: boolean): string | undefined => {
    if (v === null) return "null";
    switch (typeof v) {
      case "string":
        return JSON.stringify(v);
      case "number":
        return pythonNumberOrNull(v);
      case "boolean":
        return v ? "true" : "false";
      case "bigint":
        return v.toString();
      case "undefined":
      case "function":
      case "symbol":
        return inArray ? "null" : undefined;
    }
    if (Array.isArray(v)) return `[${v.map((item) => walk(item, true) ?? "null").join(itemSep)}]`;
    const maybeJson = v as { toJSON?: () => unknown };
    if (typeof maybeJson.toJSON === "function") return walk(maybeJson.toJSON(), inArray);
    const parts: string[] = [];
    for (const [key, item] of Object.entries(v as Record<string, unknown>)) {
      const text = walk(item, false);
      if (text !== undefined) parts.push(`${JSON.stringify(key)}${keySep}${text}`);
    }
    return `{${parts.join(itemSep)}}`;
  };
  return walk(value, false) ?? "null";
}
