/**
 * Canonical JSON: object keys sorted recursively, compact separators, non-ASCII kept as is.
 * This is the serialisation behind approval keys and fingerprints; it must match the reference
 * byte for byte (Python `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`).
 *
 * Python compatibility details:
 * - keys sort by Unicode code point (Python), not by UTF-16 code unit (JavaScript `<`); the two
 *   differ for keys mixing astral characters with characters in U+E000..U+FFFF;
 * - integer-valued numbers print as Python ints (`1`, `1000000000000000000000`), never `1.0` or
 *   `1e+21` (JavaScript cannot tell `1.0` from `1`, so an integral float prints as an int);
 * - other numbers print as Python's float repr (`1e-05`, not `0.00001`);
 * - string escaping of `JSON.stringify` equals Python's with `ensure_ascii=False` (`\"`, `\\`,
 *   `\n`, `\r`, `\t`, `\b`, `\f`, other controls as lowercase `\u00XX`).
 */

export interface CanonicalOptions {
  /** `compact` gives `,` and `:`; `python` gives Python's default `, ` and `: `. */
  separators?: "compact" | "python";
}

/** Compare two strings by Unicode code point, as Python's `sorted()` does. */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const na = ia.next();
    const nb = ib.next();
    if (na.done || nb.done) return na.done === nb.done ? 0 : na.done ? -1 : 1;
    const ca = na.value.codePointAt(0) as number;
    const cb = nb.value.codePointAt(0) as number;
    if (ca !== cb) return ca < cb ? -1 : 1;
  }
}

/** A finite number as Python's `json.dumps` prints it (ints as digits, floats as `repr`). */
export function pythonNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`Cannot serialise non-finite number ${n} as canonical JSON`);
  if (Number.isInteger(n)) {
    if (Object.is(n, -0)) return "0";
    return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
  }
  const abs = Math.abs(n);
  // Non-integral doubles are all below 2**53, so only the small-exponent form differs from JS.
  if (abs >= 1e-4) return String(n);
  const [mantissa, exponent] = n.toExponential().split("e") as [string, string];
  const sign = exponent.startsWith("-") ? "-" : "+";
  return `${mantissa}e${sign}${exponent.replace(/^[+-]/, "").padStart(2, "0")}`;
}

export function canonicalJson(value: unknown, options: CanonicalOptions = {}): string {
  const itemSep = options.separators === "python" ? ", " : ",";
  const keySep = options.separators === "python" ? ": " : ":";
  const walk = (v: unknown): string => {
    if (v === null || v === undefined) return "null";
    if (typeof v === "number") return pythonNumber(v);
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "string" || typeof v === "boolean") return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map(walk).join(itemSep)}]`;
    if (typeof v === "object") {
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, item]) => item !== undefined)
        .sort(([a], [b]) => compareCodePoints(a, b));
      return `{${entries.map(([k, item]) => `${JSON.stringify(k)}${keySep}${walk(item)}`).join(itemSep)}}`;
    }
    throw new TypeError(`Cannot serialise a ${typeof v} as canonical JSON`);
  };
  return walk(value);
}

/** Hex sha256 of a string (UTF-8). */
export function sha256Hex(text: string | Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(text).digest("hex");
}
