/**
 * The environment of a sandboxed command: an allowlist, not the host's environment.
 *
 * Kept from the host: PATH, LANG, LANGUAGE, LC_*, TERM, TZ, COLORTERM, NO_COLOR. Set by the
 * sandbox: HOME and TMPDIR (a private directory). Everything given explicitly for the command
 * (the run's env store and the call's own `env`) passes as given, and wins over all of the above:
 * a caller that names a variable wants it. Anything else the runtime inherited (tokens, proxies,
 * cloud credentials, SSH_AUTH_SOCK, ...) never reaches the command.
 */
const KEPT = new Set(["PATH", "LANG", "LANGUAGE", "TERM", "TZ", "COLORTERM", "NO_COLOR"]);
const KEPT_PATTERN = /^LC_[A-Z_]+$/;
export const DEFAULT_SANDBOX_PATH = "/usr/local/bin:/usr/bin:/bin";

export interface SandboxEnvOptions {
  home: string;
  tmpdir: string;
}

export function sandboxEnv(
  env: Readonly<Record<string, string>>,
  overlay: Readonly<Record<string, string>> | undefined,
  { home, tmpdir }: SandboxEnvOptions,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (KEPT.has(key) || KEPT_PATTERN.test(key)) out[key] = value;
  }
  out.PATH ??= DEFAULT_SANDBOX_PATH;
  out.HOME = home;
  out.TMPDIR = tmpdir;
  return { ...out, ...(overlay ?? {}) };
}
