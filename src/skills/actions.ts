/**
 * Skill actions (spec 7.11 steps 5-9), shared by every source with a local bundle root.
 *
 * Front matter:
 *   actions:
 *     <action_id>: {kind: shell, argv: [bash, actions/run.sh, --flag], timeout_ms: 60000, env: {K: v}}
 *
 * - Missing action -> `SKILL_ACTION_NOT_FOUND`; not a mapping, a `kind` other than `shell`
 *   (case-insensitive), a bad argv / env / timeout -> `SKILL_ACTION_DEFINITION_INVALID`.
 * - argv[1..] elements that look like paths (contain `/` or start with `.`) must be relative, start
 *   with `actions/`, have no `..` and resolve inside `<root>/actions/` -> else
 *   `SKILL_ACTION_ARGV_PATH_ESCAPE` (permission); they must be existing files -> else
 *   `SKILL_ACTION_ARGV_PATH_INVALID`; they are rewritten to absolute paths. argv[0] is not checked.
 * - `actionEnv()` adds the stable SKILLS_RUNTIME_SDK_* keys, which always win.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { isWithin, resolveReal, type SkillBundle } from "./bundle.ts";
import { SkillError } from "./issues.ts";
import { isPlainObject } from "./skill-md.ts";
import type { ResolvedAction, Skill } from "./source.ts";

function invalid(skill: Skill, actionId: string, rule: string, details: Record<string, unknown> = {}): SkillError {
  return new SkillError("SKILL_ACTION_DEFINITION_INVALID", `Cannot run action "${actionId}" of skill "${skill.skill_name}": ${rule}`, {
    details: { skill_name: skill.skill_name, action_id: actionId, ...details },
  });
}

/** Python's `str()` of a scalar env value (`True`, not `true`). */
function envString(value: string | number | boolean): string {
  if (typeof value === "boolean") return value ? "True" : "False";
  return String(value);
}

function parseTimeout(raw: unknown): number | null | undefined {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === "number" && Number.isFinite(raw)) return Math.trunc(raw);
  if (typeof raw === "string" && /^\s*[+-]?\d+\s*$/.test(raw)) return Number.parseInt(raw, 10);
  return undefined;
}

async function materializeArgv(skill: Skill, actionId: string, bundle: SkillBundle, argv: string[]): Promise<string[]> {
  const out = [...argv];
  const actionsDir = await resolveReal(join(bundle.root, "actions"));
  for (let i = 1; i < out.length; i++) {
    const raw = out[i]!;
    if (raw === "" || !(raw.includes("/") || raw.startsWith("."))) continue;
    const escape = (rule: string, extra: Record<string, unknown> = {}) =>
      new SkillError("SKILL_ACTION_ARGV_PATH_ESCAPE", `Cannot run action "${actionId}" of skill "${skill.skill_name}": argv[${i}] ${JSON.stringify(raw)} ${rule}`, {
        details: { argv_index: i, path: raw, ...extra },
      });
    if (raw.startsWith("/")) throw escape("must be a relative path inside actions/");
    if (!raw.startsWith("actions/")) throw escape("must start with actions/", { required_prefix: "actions/" });
    if (raw.split("/").includes("..")) throw escape("must not contain '..'");
    const resolved = await resolveReal(join(bundle.root, raw));
    if (!isWithin(actionsDir, resolved)) throw escape("resolves outside actions/", { resolved });
    const info = await stat(resolved).catch(() => null);
    if (!info?.isFile()) {
      throw new SkillError(
        "SKILL_ACTION_ARGV_PATH_INVALID",
        `Cannot run action "${actionId}" of skill "${skill.skill_name}": argv[${i}] ${JSON.stringify(raw)} is not a file in the skill bundle`,
        { details: { argv_index: i, path: raw, resolved } },
      );
    }
    out[i] = resolved;
  }
  return out;
}

/** Look up and check `metadata.actions[actionId]` of a skill whose files live in `bundle`. */
export async function resolveActionInBundle(skill: Skill, bundle: SkillBundle, actionId: string): Promise<ResolvedAction> {
  const actions = isPlainObject(skill.metadata.actions) ? skill.metadata.actions : {};
  const definition = Object.hasOwn(actions, actionId) ? actions[actionId] : undefined;
  if (definition === undefined || definition === null) {
    throw new SkillError("SKILL_ACTION_NOT_FOUND", `Cannot run action "${actionId}" of skill "${skill.skill_name}": the skill declares no such action (known: ${Object.keys(actions).join(", ") || "none"})`, {
      details: { skill_name: skill.skill_name, action_id: actionId, known_actions: Object.keys(actions) },
    });
  }
  if (!isPlainObject(definition)) throw invalid(skill, actionId, "the action must be a mapping");
  const kindRaw = definition.kind ?? "shell";
  if (typeof kindRaw !== "string") throw invalid(skill, actionId, "kind must be a string");
  const kind = kindRaw.trim().toLowerCase() || "shell";
  if (kind !== "shell") throw invalid(skill, actionId, `kind ${JSON.stringify(kind)} is not supported (only shell)`, { kind });
  const argv = definition.argv;
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === "string")) {
    throw invalid(skill, actionId, "argv must be a non-empty list of strings", { field: "argv", expected: "string[]" });
  }
  const materialized = await materializeArgv(skill, actionId, bundle, argv as string[]);
  const env: Record<string, string> = {};
  if (definition.env !== undefined && definition.env !== null) {
    const raw = definition.env;
    const scalar = (v: unknown): v is string | number | boolean => ["string", "number", "boolean"].includes(typeof v);
    if (!isPlainObject(raw) || !Object.values(raw).every(scalar)) throw invalid(skill, actionId, "env must map names to strings, numbers or booleans");
    for (const [key, value] of Object.entries(raw)) env[key] = envString(value as string | number | boolean);
  }
  const timeout = parseTimeout(definition.timeout_ms);
  if (timeout === undefined) throw invalid(skill, actionId, "timeout_ms must be an integer number of milliseconds", { timeout_ms: definition.timeout_ms });
  if (timeout !== null && timeout < 1) throw invalid(skill, actionId, "timeout_ms must be >= 1", { timeout_ms: timeout });
  return { action_id: actionId, argv: materialized, timeout_ms: timeout, env, bundle_root: bundle.root, bundle_sha256: bundle.sha256 };
}

/** The env an action runs with: its own env, then the stable keys (which win). */
export function actionEnv(action: ResolvedAction, context: { workspaceRoot: string; mention: string }): Record<string, string> {
  const stable: Record<string, string> = {
    SKILLS_RUNTIME_SDK_WORKSPACE_ROOT: context.workspaceRoot,
    SKILLS_RUNTIME_SDK_SKILL_BUNDLE_ROOT: action.bundle_root,
    SKILLS_RUNTIME_SDK_SKILL_MENTION: context.mention,
    SKILLS_RUNTIME_SDK_SKILL_ACTION_ID: action.action_id,
  };
  if (action.bundle_sha256) stable.SKILLS_RUNTIME_SDK_SKILL_BUNDLE_SHA256 = action.bundle_sha256;
  return { ...action.env, ...stable };
}
