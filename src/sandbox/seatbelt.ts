/**
 * The seatbelt adapter (macOS, spec 6.3 made deny-by-default as issue 5 asks).
 *
 * The profile is generated from the policy for each command: deny everything, then allow
 * process basics (exec, fork, signals and process info within the sandbox, sysctl reads, the
 * user-lookup service, POSIX semaphores and shared memory, ptys), reads of the system paths
 * (`SEATBELT_SYSTEM_READ`, plus /private/etc except under `prod`), reads and writes of the
 * workspace and the temp directories, reads (never writes) of the extra directories a call names
 * (`readOnlyPaths`, e.g. a skill's bundle root outside the workspace), and the network only when `unshare_net` is false. Under
 * `balanced` and `prod` writes to `.git`, `.skills_runtime_sdk/` and `config/` of the workspace
 * are refused even before they exist. `prod` ends with the preset's visible /etc denies.
 * Home directories are not readable in any profile (unless the workspace is one).
 *
 * `sandbox.os.seatbelt.profile`: the preset texts (`(version 1) (allow default)` and the prod
 * one) select the generated profile; any other text is an operator's own profile and is used
 * verbatim; an empty one is refused.
 *
 * The argv is `[<sandbox-exec>, "-p", <profile>, ...argv]` with the absolute sandbox-exec found
 * at start-up (never a PATH lookup at run time); cwd unchanged (host paths stay the same).
 * Verified here only as text: macOS cannot run in this CI.
 */
import { posix } from "node:path";
import type { SandboxProfile } from "../config/schema.ts";
import { PERMISSIVE_SEATBELT_PROFILE, PROD_SEATBELT_PROFILE } from "../config/presets.ts";
import { RuntimeError } from "../util/errors.ts";
import type { PreparedCommand, SandboxAdapter, SandboxPrepareOptions } from "./adapter.ts";
import { PROTECTED_ENTRIES, hostFs, isInside, protectsWorkspaceMeta, type SandboxFs } from "./paths.ts";
import { sandboxEnv } from "./sandbox-env.ts";

export const SANDBOX_EXEC = "/usr/bin/sandbox-exec";
export const SEATBELT_SYSTEM_READ = [
  "/usr",
  "/bin",
  "/sbin",
  "/System",
  "/Library",
  "/opt/homebrew",
  "/dev",
  "/private/var/db/dyld",
  "/private/var/db/timezone",
  "/private/var/select",
] as const;
export const SEATBELT_TEMP = ["/private/tmp", "/private/var/tmp"] as const;

export interface SeatbeltPolicy {
  profile: SandboxProfile;
  /** Network allowed (the inverse of `sandbox.os.bubblewrap.unshare_net`, the one network switch). */
  allowNetwork: boolean;
  /** Real path of the workspace root. */
  workspaceRoot: string;
  /** Writable temp directories besides SEATBELT_TEMP (the caller's TMPDIR). */
  extraTemp?: readonly string[];
  /** Paths inside the workspace that stay read-only (see `seatbeltProtectedPaths`). */
  protected?: readonly string[];
  /** Real host paths outside the workspace the command may read (see SandboxPrepareOptions). */
  readOnly?: readonly string[];
}

/** `/tmp/x` -> `/private/tmp/x`: seatbelt matches the resolved path and these are symlinks on macOS. */
export function macRealPath(path: string): string {
  const p = posix.normalize(path).replace(/(.)\/+$/, "$1");
  for (const top of ["/tmp", "/var", "/etc"]) if (p === top || p.startsWith(`${top}/`)) return `/private${p}`;
  return p;
}

/** An SBPL string literal. */
export function sbplString(value: string): string {
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

function subpaths(paths: readonly string[]): string {
  return paths.map((p) => `(subpath ${sbplString(p)})`).join(" ");
}

/** "/", "/Users", "/Users/me" for "/Users/me/proj": metadata reads needed to resolve a path. */
function ancestors(path: string): string[] {
  const out: string[] = [];
  let dir = posix.dirname(path);
  for (;;) {
    out.unshift(dir);
    if (dir === "/") return out;
    dir = posix.dirname(dir);
  }
}

/**
 * What stays read-only in the workspace under `balanced` and `prod`: each protected entry by its
 * real path, or as named when it does not exist yet (so it cannot be created either). An entry
 * that resolves outside the workspace is left out: nothing outside is writable anyway.
 */
export function seatbeltProtectedPaths(root: string, { profile, fs }: { profile: SandboxProfile; fs: SandboxFs }): string[] {
  if (!protectsWorkspaceMeta(profile)) return [];
  const out: string[] = [];
  for (const entry of PROTECTED_ENTRIES) {
    const named = posix.join(root, entry);
    const real = fs.realpath(named) ?? named;
    if (isInside(root, real) && !out.includes(real)) out.push(real);
  }
  return out;
}

/** The generated deny-by-default profile. */
export function seatbeltProfile(policy: SeatbeltPolicy): string {
  const root = policy.workspaceRoot;
  const temp: string[] = [...SEATBELT_TEMP];
  for (const dir of policy.extraTemp ?? []) {
    const real = macRealPath(dir);
    if (!temp.some((t) => isInside(t, real))) temp.push(real);
  }
  const read = [...SEATBELT_SYSTEM_READ, ...(policy.profile === "prod" ? [] : ["/private/etc"])];
  const readOnly = (policy.readOnly ?? []).map(macRealPath);
  const metadata = [...new Set([...ancestors(root), ...temp.flatMap(ancestors), ...readOnly.flatMap(ancestors), "/etc", "/tmp", "/var"])].sort();
  const protectedPaths = policy.protected ?? [];
  const writeRoot =
    protectedPaths.length > 0
      ? `(require-all (subpath ${sbplString(root)}) ${protectedPaths.map((p) => `(require-not (subpath ${sbplString(p)}))`).join(" ")})`
      : `(subpath ${sbplString(root)})`;
  const lines = [
    "(version 1)",
    `; skills-runtime seatbelt profile "${policy.profile}": deny by default`,
    "(deny default)",
    "(allow process-exec process-fork)",
    "(allow signal (target same-sandbox))",
    "(allow process-info* (target same-sandbox))",
    "(allow sysctl-read)",
    '(allow mach-lookup (global-name "com.apple.system.opendirectoryd.libinfo"))',
    "(allow ipc-posix-sem ipc-posix-shm)",
    "(allow pseudo-tty)",
    `(allow file-read-metadata ${metadata.map((p) => `(literal ${sbplString(p)})`).join(" ")})`,
    `(allow file-read* ${subpaths(read)})`,
    '(allow file-read* file-write* file-ioctl (literal "/dev/null") (literal "/dev/zero") (literal "/dev/tty") (literal "/dev/ptmx") (regex #"^/dev/ttys[0-9]+$"))',
    `(allow file-read* file-write* ${subpaths(temp)})`,
    `(allow file-read* (subpath ${sbplString(root)}))`,
    ...(readOnly.length > 0 ? [`(allow file-read* ${subpaths(readOnly)})`] : []),
    `(allow file-write* ${writeRoot})`,
  ];
  if (policy.allowNetwork) lines.push("(allow network* system-socket)");
  if (policy.profile === "prod") {
    lines.push('(deny file-read* (subpath "/etc") (subpath "/private/etc"))', '(deny file-write* (subpath "/etc") (subpath "/private/etc"))');
  }
  return `${lines.join("\n")}\n`;
}

export interface SeatbeltOptions {
  profile: SandboxProfile;
  /** `sandbox.os.seatbelt.profile` */
  profileText: string;
  /** `sandbox.os.bubblewrap.unshare_net` */
  unshareNet: boolean;
  sandboxExecPath?: string;
}

function denied(argv: readonly string[], detail: string): RuntimeError {
  return new RuntimeError("sandbox_denied", `Cannot run "${argv[0] ?? ""}" in the seatbelt sandbox: ${detail}`);
}

export class SeatbeltSandboxAdapter implements SandboxAdapter {
  /** The reference's class name, kept for Studio-compatible evidence. */
  readonly name = "SeatbeltSandboxAdapter";
  readonly options: SeatbeltOptions;
  private readonly fs: SandboxFs;

  constructor(options: SeatbeltOptions, fs: SandboxFs = hostFs) {
    this.options = options;
    this.fs = fs;
  }

  /** True when the configured text is a preset's, i.e. the generated profile applies. */
  get generated(): boolean {
    const text = this.options.profileText.trim();
    return text === PERMISSIVE_SEATBELT_PROFILE || text === PROD_SEATBELT_PROFILE.trim();
  }

  prepare(argv: readonly string[], { cwd, env, workspaceRoot, overlayEnv, readOnlyPaths = [] }: SandboxPrepareOptions): PreparedCommand {
    if (this.options.profileText.trim() === "") throw denied(argv, "sandbox.os.seatbelt.profile is empty");
    const exe = this.options.sandboxExecPath ?? SANDBOX_EXEC;
    if (!this.fs.exists(exe)) throw denied(argv, `"${exe}" not found`);
    const root = this.fs.realpath(workspaceRoot);
    if (root === null) throw denied(argv, `workspace_root "${workspaceRoot}" does not exist`);
    const hostCwd = this.fs.realpath(cwd);
    if (hostCwd === null || !isInside(root, hostCwd)) throw denied(argv, `cwd must be within workspace_root (cwd "${cwd}", workspace_root "${root}")`);
    const readOnly: string[] = [];
    for (const path of readOnlyPaths) {
      const real = this.fs.realpath(path);
      if (real === null) throw denied(argv, `read-only path "${path}" does not exist`);
      if (real === "/") throw denied(argv, `read-only path "${path}" is the host root`);
      if (!isInside(root, real) && !readOnly.includes(real)) readOnly.push(real);
    }
    const tmpdir = env.TMPDIR && posix.isAbsolute(env.TMPDIR) ? env.TMPDIR : "/private/tmp";
    const profile = this.generated
      ? seatbeltProfile({
          profile: this.options.profile,
          allowNetwork: !this.options.unshareNet,
          workspaceRoot: root,
          extraTemp: [tmpdir],
          protected: seatbeltProtectedPaths(root, { profile: this.options.profile, fs: this.fs }),
          readOnly,
        })
      : this.options.profileText;
    return {
      argv: [exe, "-p", profile, ...argv],
      env: sandboxEnv(env, overlayEnv, { home: tmpdir, tmpdir }),
      cwd,
    };
  }
}
