/**
 * DSN handling shared by the DSN-based sources (Redis, spec 7.13; PostgreSQL, spec 7.14).
 *
 * The DSN comes from the environment variable named by `options.dsn_env`, read from the env map
 * the manager passes in (never `process.env`). A DSN can hold a password, so it never appears in a
 * message or in issue details: backend error texts go through `redactDsn` before they are kept.
 */
import { skillIssue, type SkillIssue } from "./issues.ts";
import type { SkillSourceConfig } from "../config/schema.ts";

export const REDACTED_DSN = "<redacted>";

export interface DsnLookup {
  /** The env var name from `options.dsn_env`, or null when the option is missing/blank. */
  dsnEnv: string | null;
  /** The DSN, or null when it could not be read (then `issue` says why). */
  dsn: string | null;
  issue: SkillIssue | null;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Read the DSN of a source; a missing option or an unset variable becomes a scan issue. */
export function lookupDsn(config: SkillSourceConfig, env: Env): DsnLookup {
  const option = config.options.dsn_env;
  if (typeof option !== "string" || option.trim() === "") {
    const issue = skillIssue(
      "SKILL_SCAN_METADATA_INVALID",
      `Cannot scan skill source "${config.id}" (${config.type}): options.dsn_env must name an environment variable`,
      { source_id: config.id, source_type: config.type, field: "dsn_env" },
    );
    return { dsnEnv: null, dsn: null, issue };
  }
  const dsnEnv = option.trim();
  const dsn = env[dsnEnv]?.trim();
  if (!dsn) {
    const issue = skillIssue(
      "SKILL_SCAN_SOURCE_UNAVAILABLE",
      `Cannot scan skill source "${config.id}" (${config.type}): environment variable "${dsnEnv}" is not set`,
      { source_id: config.id, source_type: config.type, dsn_env: dsnEnv, env_present: false },
    );
    return { dsnEnv, dsn: null, issue };
  }
  return { dsnEnv, dsn, issue: null };
}

/** The secret parts of a DSN worth hiding: the DSN itself and its password (raw and decoded). */
function secretsOf(dsn: string | null): string[] {
  if (!dsn) return [];
  const out = [dsn];
  try {
    const password = new URL(dsn).password;
    if (password) out.push(password, decodeURIComponent(password));
  } catch {
    // Not a URL: a password cannot be told apart, so only the whole DSN is hidden.
  }
  return [...new Set(out)].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
}

/** `text` with the DSN, its password and any `scheme://user:password@` credentials replaced. */
export function redactDsn(text: string, dsn: string | null): string {
  let out = text;
  for (const secret of secretsOf(dsn)) out = out.split(secret).join(REDACTED_DSN);
  return out.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, `$1${REDACTED_DSN}@`);
}

/** A one-line, DSN-free description of a backend error: its message plus its code when it has one. */
export function describeBackendError(error: unknown, dsn: string | null): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const withCode = typeof code === "string" && code !== "" && !message.includes(code) ? `${message} (${code})` : message;
  return redactDsn(withCode.replace(/\s+/g, " ").trim(), dsn);
}

export interface UnavailableOptions {
  /** The env var the DSN came from; null for an injected client. */
  dsnEnv: string | null;
  /** The failed action, e.g. "connect to Redis". */
  what: string;
  /** A DSN-free reason (see `describeBackendError`). */
  reason: string;
  extra?: Record<string, unknown>;
}

/** `SKILL_SCAN_SOURCE_UNAVAILABLE` for a source whose DSN was set but whose backend failed. */
export function unavailableIssue(config: SkillSourceConfig, options: UnavailableOptions): SkillIssue {
  const { dsnEnv, what, reason, extra = {} } = options;
  const from = dsnEnv ? ` (DSN from "${dsnEnv}")` : "";
  return skillIssue("SKILL_SCAN_SOURCE_UNAVAILABLE", `Cannot ${what} for skill source "${config.id}"${from}: ${reason}`, {
    source_id: config.id,
    source_type: config.type,
    ...(dsnEnv ? { dsn_env: dsnEnv, env_present: true } : {}),
    reason,
    ...extra,
  });
}
