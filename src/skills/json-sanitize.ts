/**
 * Make any value JSON-safe, as the reference's scan report does (spec 7.5 "Sanitisation"):
 * NaN -> "NaN", +/-Infinity -> "Infinity"/"-Infinity", bytes -> `{__type__: "bytes", len, sha256}`,
 * errors -> `{__type__: "exception", class, message}`, sets -> lists sorted by the sha256 of each
 * item's string form, mapping keys stringified and sorted (collisions get `__dup__<n>`), cycles ->
 * "<cycle>", depth >= 8 -> "<max_depth_reached>", anything else -> its string form.
 * Dates become ISO strings (the reference would print a Python repr).
 */
import { createHash } from "node:crypto";
import { compareCodePoints } from "../util/canonical-json.ts";

const MAX_DEPTH = 8;

function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

function stringForm(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function isMapping(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function sanitizeEntries(entries: Iterable<[unknown, unknown]>, depth: number, stack: Set<object>): Record<string, unknown> {
  const out = new Map<string, unknown>();
  const collisions = new Map<string, number>();
  for (const [rawKey, item] of entries) {
    let key = String(rawKey);
    if (out.has(key)) {
      const n = (collisions.get(key) ?? 0) + 1;
      collisions.set(key, n);
      key = `${key}__dup__${n}`;
    }
    out.set(key, sanitizeJson(item, depth + 1, stack));
  }
  const sorted: Record<string, unknown> = {};
  for (const key of [...out.keys()].sort(compareCodePoints)) sorted[key] = out.get(key);
  return sorted;
}

/** A JSON-safe copy of `value`. Never throws. */
export function sanitizeJson(value: unknown, depth = 0, stack: Set<object> = new Set()): unknown {
  if (depth >= MAX_DEPTH) return "<max_depth_reached>";
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "boolean":
    case "string":
      return value;
    case "number":
      if (Number.isFinite(value)) return value;
      return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
    case "bigint":
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    case "function":
      return `<function ${value.name || "anonymous"}>`;
    case "symbol":
      return value.toString();
  }
  const object = value as object;
  if (object instanceof Uint8Array || object instanceof ArrayBuffer) {
    const bytes = object instanceof ArrayBuffer ? new Uint8Array(object) : object;
    return { __type__: "bytes", len: bytes.length, sha256: sha256Hex(bytes) };
  }
  if (object instanceof Error) return { __type__: "exception", class: object.name, message: object.message };
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? "Invalid Date" : object.toISOString();
  if (stack.has(object)) return "<cycle>";
  stack.add(object);
  try {
    if (Array.isArray(object)) return object.map((item) => sanitizeJson(item, depth + 1, stack));
    if (object instanceof Set) {
      const items = [...object].map((item) => sanitizeJson(item, depth + 1, stack));
      const keyed = items.map((item) => ({ item, key: sha256Hex(stringForm(item)) }));
      return keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((k) => k.item);
    }
    if (object instanceof Map) return sanitizeEntries(object.entries(), depth, stack);
    if (isMapping(object)) return sanitizeEntries(Object.entries(object), depth, stack);
    return String(object);
  } finally {
    stack.delete(object);
  }
}
