/**
 * Skills config preflight (spec 7.5): `preflightSkillsConfig` is pure (no filesystem, no network,
 * no env reads) and returns issues `{code, message, details{path, ...}}`; an issue is an error
 * unless `details.level === "warning"`.
 *
 * `checkSkillRoots` is the one deliberate exception (decisions.md item 8): it only asks whether
 * each filesystem source's root is a directory and warns when it is not, so a typo in a root is not
 * silently "no skills". It takes the probe as a parameter so callers decide about I/O.
 */
import type { SkillsConfig } from "../config/schema.ts";
import { resolveInWorkspace } from "../config/paths.ts";
import { skillIssue, type SkillIssue } from "./issues.ts";
import { isValidNamespace, NAMESPACE_RULE } from "./mentions.ts";
import { isPlainObject } from "./skill-md.ts";
import { SUPPORTED_SOURCE_TYPES } from "./source-factories.ts";

const ENV_VAR_NAME = /^[A-Z_][A-Z0-9_]*$/;
const REQUIRED_OPTIONS: Record<string, readonly string[]> = {
  filesystem: ["root"],
  "in-memory": ["namespace"],
  redis: ["dsn_env", "key_prefix"],
  pgsql: ["dsn_env", "schema", "table"],
};

type PreflightConfig = Pick<SkillsConfig, "versioning" | "spaces" | "sources">;

function issue(code: string, message: string, path: string, details: Record<string, unknown> = {}): SkillIssue {
  return skillIssue(code, message, { path, ...details });
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  return typeof value;
}

function versioningIssues(config: PreflightConfig): SkillIssue[] {
  const out: SkillIssue[] = [];
  const { enabled, strategy } = config.versioning;
  if (enabled || strategy) {
    out.push(
      issue("SKILL_CONFIG_VERSIONING_IGNORED", "skills.versioning is a placeholder and has no runtime effect.", "skills.versioning", {
        level: "warning",
        enabled: Boolean(enabled),
        strategy: strategy || "(empty)",
      }),
    );
  }
  const unknown = Object.keys(config.versioning).filter((key) => key !== "enabled" && key !== "strategy").sort();
  if (unknown.length) {
    out.push(issue("SKILL_CONFIG_VERSIONING_UNKNOWN_KEYS", `Unknown keys under skills.versioning: ${unknown.join(", ")}.`, "skills.versioning", { unknown_keys: unknown }));
  }
  return out;
}

function sourceIssues(config: PreflightConfig): SkillIssue[] {
  const out: SkillIssue[] = [];
  const firstIndex = new Map<string, number>();
  config.sources.forEach((source, idx) => {
    const first = firstIndex.get(source.id);
    if (first !== undefined) {
      out.push(
        issue("SKILL_CONFIG_DUPLICATE_SOURCE_ID", `Skills source id "${source.id}" is used twice (skills.sources[${first}] and skills.sources[${idx}]).`, `skills.sources[${idx}].id`, {
          source_id: source.id,
          first_index: first,
        }),
      );
    } else firstIndex.set(source.id, idx);
  });
  config.spaces.forEach((space, sidx) => {
    space.sources.forEach((ref, ridx) => {
      if (firstIndex.has(ref)) return;
      out.push(
        issue("SKILL_CONFIG_SPACE_SOURCE_NOT_FOUND", `Skills space "${space.id}" lists source "${ref}", which is not in skills.sources.`, `skills.spaces[${sidx}].sources[${ridx}]`, {
          space_id: space.id,
          source_id: ref,
        }),
      );
    });
  });
  config.sources.forEach((source, idx) => {
    const at = `skills.sources[${idx}]`;
    const required = REQUIRED_OPTIONS[source.type];
    if (!required) {
      out.push(
        issue("SKILL_CONFIG_UNKNOWN_SOURCE_TYPE", `Skills source "${source.id}" has unknown type "${source.type}" (supported: ${SUPPORTED_SOURCE_TYPES.join(", ")}).`, `${at}.type`, {
          source_id: source.id,
          actual: source.type,
          supported: [...SUPPORTED_SOURCE_TYPES].sort(),
        }),
      );
      return;
    }
    const options: unknown = source.options;
    if (!isPlainObject(options)) {
      out.push(issue("SKILL_CONFIG_INVALID_OPTION", `Skills source "${source.id}" options must be a mapping.`, `${at}.options`, { source_id: source.id, expected: "object", actual: typeName(options) }));
      return;
    }
    for (const key of required) {
      const value = options[key];
      const path = `${at}.options.${key}`;
      const base = { source_id: source.id, source_type: source.type, option: key };
      if (value === undefined || value === null) {
        out.push(issue("SKILL_CONFIG_MISSING_REQUIRED_OPTION", `Skills source "${source.id}" (${source.type}) needs options.${key}.`, path, base));
      } else if (typeof value !== "string" || value.trim() === "") {
        out.push(
          issue("SKILL_CONFIG_INVALID_OPTION", `Skills source "${source.id}" (${source.type}) options.${key} must be a non-empty string.`, path, {
            ...base,
            expected: "non-empty string",
            actual: typeName(value),
          }),
        );
      }
    }
    const dsnEnv = options.dsn_env;
    if (typeof dsnEnv === "string" && dsnEnv.trim() !== "" && !ENV_VAR_NAME.test(dsnEnv)) {
      out.push(
        issue("SKILL_CONFIG_INVALID_ENV_VAR_NAME", `Skills source "${source.id}" options.dsn_env "${dsnEnv}" is not an environment variable name (expected ${ENV_VAR_NAME.source}).`, `${at}.options.dsn_env`, {
          source_id: source.id,
          source_type: source.type,
          option: "dsn_env",
          actual: dsnEnv,
          expected: ENV_VAR_NAME.source,
        }),
      );
    }
  });
  return out;
}

/** Zero-I/O preflight of the skills config. */
export function preflightSkillsConfig(config: PreflightConfig): SkillIssue[] {
  const out = versioningIssues(config);
  const firstIndex = new Map<string, number>();
  config.spaces.forEach((space, idx) => {
    const first = firstIndex.get(space.id);
    if (first !== undefined) {
      out.push(
        issue("SKILL_CONFIG_DUPLICATE_SPACE_ID", `Skills space id "${space.id}" is used twice (skills.spaces[${first}] and skills.spaces[${idx}]).`, `skills.spaces[${idx}].id`, {
          space_id: space.id,
          first_index: first,
        }),
      );
    } else firstIndex.set(space.id, idx);
  });
  config.spaces.forEach((space, idx) => {
    if (isValidNamespace(space.namespace)) return;
    out.push(
      issue("SKILL_CONFIG_INVALID_SPACE_NAMESPACE", `Skills space "${space.id}" has an invalid namespace "${space.namespace}".`, `skills.spaces[${idx}].namespace`, {
        space_id: space.id,
        field: "namespace",
        actual: space.namespace,
        expected: `namespace: ${NAMESPACE_RULE}`,
      }),
    );
  });
  out.push(...sourceIssues(config));
  return out;
}

export type DirectoryProbe = (path: string) => "directory" | "missing" | "not_a_directory";

/** Warnings for filesystem sources whose root is missing or not a directory (decisions.md item 8). */
export function checkSkillRoots(
  config: Pick<SkillsConfig, "sources">,
  context: { workspaceRoot: string; env: Readonly<Record<string, string | undefined>>; probe: DirectoryProbe },
): SkillIssue[] {
  const out: SkillIssue[] = [];
  config.sources.forEach((source, idx) => {
    const root = source.type === "filesystem" && isPlainObject(source.options) ? source.options.root : undefined;
    if (typeof root !== "string" || root.trim() === "") return;
    const resolved = resolveInWorkspace(context.workspaceRoot, root, context.env);
    const state = context.probe(resolved);
    if (state === "directory") return;
    const what = state === "missing" ? "does not exist" : "is not a directory";
    out.push(
      issue("SKILL_CONFIG_FILESYSTEM_ROOT_MISSING", `Skills source "${source.id}" root "${root}" ${what} (${resolved}); it will contribute no skills.`, `skills.sources[${idx}].options.root`, {
        level: "warning",
        source_id: source.id,
        root,
        resolved,
        reason: state,
      }),
    );
  });
  return out;
}
