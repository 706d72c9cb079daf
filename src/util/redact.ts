/**
 * Secret redaction: every occurrence of a known secret value inside any string of a JSON-like value
 * is replaced by `<redacted>`. Values shorter than 4 characters are not treated as secrets (spec 3.5).
 */

export const REDACTED = "<redacted>";
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|DSN|CREDENTIAL|AUTH|COOKIE|PRIVATE)/i;

/** Values of environment variables whose names look secret, plus the explicitly named ones. */
export function secretValuesFromEnv(env: Readonly<Record<string, string | undefined>>, alsoNames: readonly string[] = []): string[] {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (SECRET_NAME.test(name) || alsoNames.includes(name)) {
      const trimmed = value.trim();
      if (trimmed.length >= 4) out.add(trimmed);
    }
  }
  // Longest first so that a secret containing another is replaced whole.
  return [...out].sort((a, b) => b.length - a.length);
}

export function redactString(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redactString(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item)]));
    return v;
  };
  return walk(value) as T;
}
