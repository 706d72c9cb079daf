/**
 * Canonical JSON: object keys sorted recursively, compact separators, non-ASCII kept as is.
 * This is the serialisation behind approval keys and fingerprints; it must match the reference
 * byte for byte (Python `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`).
 */

export interface CanonicalOptions {
  /** `compact` gives `,` and `:`; `python` gives Python's default `, ` and `: `. */
  separators?: "compact" | "python";
}

export function canonicalJson(value: unknown, options: CanonicalOptions = {}): string {
  const itemSep = options.separators === "python" ? ", " : ",";
  const keySep = options.separators === "python" ? ": " : ":";
  const walk = (v: unknown): string => {
    if (v === null || v === undefined) return "null";
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new TypeError(`Cannot serialise non-finite number ${v} as canonical JSON`);
      return JSON.stringify(v);
    }
    if (typeof v === "string" || typeof v === "boolean") return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map(walk).join(itemSep)}]`;
    if (typeof v === "object") {
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, item]) => item !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
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
