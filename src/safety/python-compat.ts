/**
 * The few Python built-in behaviours the reference's safety code relies on, so that sanitized
 * requests (hence approval keys) and summaries come out identical: truthiness, `str()`,
 * `str.strip()`, `str.splitlines()` and `sorted()` of strings.
 */
import { compareCodePoints, pythonNumber } from "../util/canonical-json.ts";

/** Python truthiness of a JSON value (`0`, `""`, `[]`, `{}`, `None`, `False` are false). */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "") return false;
  if (Number.isNaN(value)) return true;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

function reprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (ch === "\\" || ch === quote) out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + quote;
}

/** Python `repr()` of a JSON value. */
export function pyRepr(value: unknown): string {
  if (typeof value === "string") return reprString(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value).map(([k, v]) => `${reprString(k)}: ${pyRepr(v)}`).join(", ")}}`;
  }
  return pyStr(value);
}

/** Python `str()` of a JSON value. */
export function pyStr(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return Number.isFinite(value) ? pythonNumber(value) : Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  if (typeof value === "bigint") return value.toString();
  return pyRepr(value);
}

/** Characters Python's `str.isspace()` accepts (what `str.strip()` removes). */
const PY_SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "g");

/** Python `str.strip()` with no argument. */
export function pyStrip(text: string): string {
  return text.replace(STRIP, "");
}

/** Python `str.splitlines()` (no trailing empty line for a final line break). */
export function pySplitlines(text: string): string[] {
  const lines = text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Python `sorted()` of strings (code point order). */
export function pySorted(items: Iterable<string>): string[] {
  return [...items].sort(compareCodePoints);
}

/** True for a JSON object (a Python dict), not an array or null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
