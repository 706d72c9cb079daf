/**
 * Small Python value semantics the reference's text relies on: truthiness (`x or ""`), `str(x)`
 * for JSON values (`True`, `None`, float repr) and `int(x)` coercion. Used where our output must
 * match the reference's byte for byte (resume summary, metrics).
 */
import { pythonJsonDumps } from "./python-json.ts";

/** Python truthiness of a JSON value. */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/** Python `str()` of a JSON value (containers approximate `repr` with JSON text). */
export function pyStr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "True" : "False";
  return pythonJsonDumps(value);
}

/** Python's `str(x or "")`. */
export function pyStrOrEmpty(value: unknown): string {
  return pyTruthy(value) ? pyStr(value) : "";
}

/** Python's `int(x)` for a JSON value, or null where Python would raise. */
export function pyInt(value: unknown): number | null {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : null;
  if (typeof value === "string" && /^\s*[+-]?\d+(_\d+)*\s*$/.test(value)) {
    return Number.parseInt(value.replace(/_/g, "").trim(), 10);
  }
  return null;
}

/** `s[:n]` counted in code points, as Python slices strings. */
export function pySlice(text: string, end: number): string {
  // Fast path: no surrogate pairs before `end` means UTF-16 and code point indices agree.
  if (!/[\ud800-\udfff]/.test(text.slice(0, end))) return text.slice(0, end);
  return Array.from(text).slice(0, end).join("");
}

/** `len(s)` in code points. */
export function pyLen(text: string): number {
  let surrogates = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) surrogates += 1;
  }
  return text.length - surrogates;
}
