/**
 * Deep merge of config layers with leaf-level provenance (spec 1.2 and 1.6).
 * mapping + mapping merges recursively; any other value (lists and null included) replaces wholesale.
 * The provenance map records, for every leaf path written, the label of the last layer that wrote it.
 */

export type ConfigMap = Record<string, unknown>;

export interface ConfigLayer {
  /** `embedded_default`, `overlay:<absolute path>`, `preset:<name>`, `env:<VAR>`, `session_settings:<key>`. */
  label: string;
  data: ConfigMap | null | undefined;
}

export interface MergeResult {
  merged: ConfigMap;
  /** dotted leaf path (`safety.mode`, `skills.spaces`) -> layer label */
  provenance: Map<string, string>;
}

export function isPlainObject(value: unknown): value is ConfigMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function deepCopy<T>(value: T): T {
  return structuredClone(value);
}

function recordLeaves(value: unknown, path: string, label: string, provenance: Map<string, string>): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, item] of Object.entries(value)) recordLeaves(item, joinPath(path, key), label, provenance);
    return;
  }
  provenance.set(path, label);
}

function clearSubtree(path: string, provenance: Map<string, string>): void {
  const prefix = `${path}.`;
  for (const key of [...provenance.keys()]) if (key === path || key.startsWith(prefix)) provenance.delete(key);
}

export function joinPath(parent: string, key: string): string {
  return parent === "" ? key : `${parent}.${key}`;
}

function mergeInto(target: ConfigMap, overlay: ConfigMap, path: string, label: string, provenance: Map<string, string>): void {
  for (const [key, value] of Object.entries(overlay)) {
    const childPath = joinPath(path, key);
    const current = target[key];
    if (isPlainObject(current) && isPlainObject(value)) {
      mergeInto(current, value, childPath, label, provenance);
      continue;
    }
    clearSubtree(childPath, provenance);
    target[key] = deepCopy(value);
    recordLeaves(value, childPath, label, provenance);
  }
}

/** Merge layers left to right. Empty or null layers are skipped. */
export function mergeLayers(layers: readonly ConfigLayer[]): MergeResult {
  const merged: ConfigMap = {};
  const provenance = new Map<string, string>();
  for (const layer of layers) {
    if (!layer.data || Object.keys(layer.data).length === 0) continue;
    mergeInto(merged, layer.data, "", layer.label, provenance);
  }
  return { merged, provenance };
}

/** The label that last wrote `path` or its nearest ancestor. */
export function provenanceOf(provenance: Map<string, string>, path: string): string | undefined {
  let current = path;
  for (;;) {
    const label = provenance.get(current);
    if (label !== undefined) return label;
    const cut = Math.max(current.lastIndexOf("."), current.lastIndexOf("["));
    if (cut <= 0) return undefined;
    current = current.slice(0, cut);
  }
}

/** Read a value at a dotted path (`a.b.c`); `undefined` when absent. */
export function getAtPath(root: unknown, path: readonly (string | number)[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** Set a value at a dotted path, creating objects on the way. */
export function setAtPath(root: ConfigMap, path: readonly string[], value: unknown): void {
  let current: ConfigMap = root;
  for (const key of path.slice(0, -1)) {
    const next = current[key];
    if (!isPlainObject(next)) current[key] = {};
    current = current[key] as ConfigMap;
  }
  const last = path[path.length - 1];
  if (last !== undefined) current[last] = value;
}
