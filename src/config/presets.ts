/**
 * `sandbox.profile` presets (spec 1.4): baseline values that replace embedded defaults but never
 * a key that an explicit overlay set (an explicit `null` included). `bwrap_path` is never touched.
 */
import { ConfigError } from "../util/errors.ts";
import { SANDBOX_PROFILES, type SandboxProfile } from "./schema.ts";
import { getAtPath, isPlainObject, provenanceOf, setAtPath, type ConfigMap } from "./merge.ts";

export const PERMISSIVE_SEATBELT_PROFILE = "(version 1) (allow default)";
export const PROD_SEATBELT_PROFILE = [
  "(version 1)",
  "(allow default)",
  '(deny file-read* (subpath "/etc"))',
  '(deny file-write* (subpath "/etc"))',
].join("\n");

/** Leaf path -> preset value, for each profile. */
export const SANDBOX_PRESETS: Record<SandboxProfile, Record<string, unknown>> = {
  dev: {
    "sandbox.default_policy": "none",
    "sandbox.os.mode": "auto",
    "sandbox.os.seatbelt.profile": PERMISSIVE_SEATBELT_PROFILE,
    "sandbox.os.bubblewrap.unshare_net": true,
  },
  balanced: {
    "sandbox.default_policy": "restricted",
    "sandbox.os.mode": "auto",
    "sandbox.os.seatbelt.profile": PERMISSIVE_SEATBELT_PROFILE,
    "sandbox.os.bubblewrap.unshare_net": true,
  },
  prod: {
    "sandbox.default_policy": "restricted",
    "sandbox.os.mode": "auto",
    "sandbox.os.seatbelt.profile": PROD_SEATBELT_PROFILE,
    "sandbox.os.bubblewrap.unshare_net": true,
  },
};

export interface PresetOptions {
  /** Label of the layer whose values a preset may replace. */
  baselineLabel: string;
  /** Describe where the profile value came from, for error messages. */
  origin: (path: string) => string;
}

/**
 * Apply the preset named by `sandbox.profile` to `merged` in place, updating `provenance`.
 * Returns the normalised profile name.
 */
export function applySandboxPreset(
  merged: ConfigMap,
  provenance: Map<string, string>,
  options: PresetOptions,
): SandboxProfile {
  const raw = getAtPath(merged, ["sandbox", "profile"]);
  const normalised = typeof raw === "string" ? raw.trim().toLowerCase() : raw;
  if (typeof normalised !== "string" || !(SANDBOX_PROFILES as readonly string[]).includes(normalised)) {
    throw new ConfigError(
      `${options.origin("sandbox.profile")}: sandbox.profile: expected one of ${SANDBOX_PROFILES.join("|")}, got ${JSON.stringify(raw ?? null)}`,
      { code: "CLI_CONFIG_INVALID", details: { path: "sandbox.profile", value: raw ?? null } },
    );
  }
  const profile = normalised as SandboxProfile;
  if (isPlainObject(merged.sandbox)) merged.sandbox.profile = profile;
  const label = `preset:${profile}`;
  for (const [path, value] of Object.entries(SANDBOX_PRESETS[profile])) {
    const setBy = provenanceOf(provenance, path);
    if (setBy !== undefined && setBy !== options.baselineLabel) continue;
    if (getAtPath(merged, path.split(".")) === value) continue; // same as the baseline: nothing to record
    setAtPath(merged, path.split("."), value);
    provenance.set(path, label);
  }
  return profile;
}
