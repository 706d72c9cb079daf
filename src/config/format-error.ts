/**
 * Turn zod issues on a merged config into messages that name the file, the key path and what is
 * allowed, e.g. `config/runtime.yaml: safety.mode: expected one of allow|ask|deny, got "sometimes"`.
 */
import { z } from "zod";
import { getAtPath } from "./merge.ts";

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

export interface ConfigIssue {
  /** Where the offending value came from (a file path, `embedded defaults`, an env var, ...). */
  origin: string;
  /** Dotted key path, with `[i]` for list items. */
  path: string;
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out || "(root)";
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the key is missing)";
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return String(value);
}

/** Follow `path` through wrappers (default, nullable, ...) to the object schema it names. */
function schemaAt(schema: AnySchema, path: readonly PropertyKey[], unwrapLast = true): AnySchema | undefined {
  let current: AnySchema | undefined = schema;
  const unwrap = (s: AnySchema): AnySchema => {
    let inner = s;
    for (;;) {
      const def = inner._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
      if (def.innerType) inner = def.innerType;
      else if (def.type === "pipe" && def.in) inner = def.in;
      else return inner;
    }
  };
  for (const key of path) {
    if (!current) return undefined;
    const def = unwrap(current)._zod.def as { type: string; shape?: Record<string, AnySchema>; element?: AnySchema };
    if (def.type === "object" && def.shape && typeof key === "string") current = def.shape[key];
    else if (def.type === "array" && def.element && typeof key === "number") current = def.element;
    else return undefined;
  }
  return current && unwrapLast ? unwrap(current) : current;
}

function allowedKeys(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  const target = schemaAt(schema, path);
  const def = target?._zod.def as { type?: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

function expectedText(issue: Issue, schema: AnySchema): string {
  switch (issue.code) {
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => String(v)).join("|")}`;
    case "invalid_type": {
      const target = schemaAt(schema, issue.path);
      const wrapped = schemaAt(schema, issue.path, false);
      const nullable = wrapped === undefined ? false : z.safeParse(wrapped, null).success;
      const base = issue.expected === "number" && isIntSchema(target) ? "an integer" : `a ${issue.expected}`;
      return `expected ${base}${nullable ? " or null" : ""}`;
    }
    case "too_small":
      return `expected a value ${issue.inclusive === false ? ">" : ">="} ${String(issue.minimum)}${issue.origin === "string" ? " characters" : ""}`;
    case "too_big":
      return `expected a value ${issue.inclusive === false ? "<" : "<="} ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

function isIntSchema(schema: AnySchema | undefined): boolean {
  if (!schema) return false;
  return z.safeParse(schema, 1).success && !z.safeParse(schema, 1.5).success;
}

export function describeIssues(
  issues: readonly Issue[],
  merged: unknown,
  schema: AnySchema,
  originOf: (path: string) => string,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeys(schema, issue.path);
      for (const key of issue.keys) {
        const keyPath = formatPath([...issue.path, key]);
        const legacy = isLegacySpaceKey(issue.path, key)
          ? ` (legacy skills.spaces key "${key}" is no longer supported: use "namespace", e.g. namespace: "web:mvp")`
          : "";
        out.push({
          origin: originOf(keyPath),
          path: keyPath,
          message: `unknown key${legacy}${allowed.length ? `; allowed keys here: ${allowed.join(", ")}` : ""}`,
        });
      }
      continue;
    }
    const path = formatPath(issue.path);
    const value = getAtPath(merged, issue.path as (string | number)[]);
    const detail =
      issue.code === "custom" ? issue.message : `${expectedText(issue, schema)}, got ${describeValue(value)}`;
    out.push({ origin: originOf(path), path, message: detail });
  }
  return out;
}

function isLegacySpaceKey(parent: readonly PropertyKey[], key: string): boolean {
  return (key === "account" || key === "domain") && parent.length === 3 && parent[0] === "skills" && parent[1] === "spaces";
}

export function renderIssues(issues: readonly ConfigIssue[]): string {
  return issues.map((i) => `${i.origin}: ${i.path}: ${i.message}`).join("\n");
}
