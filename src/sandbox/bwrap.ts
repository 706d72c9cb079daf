/**
 * The bubblewrap adapter (Linux, spec 6.4 plus the fence of issue 5).
 *
 * The command sees a new root built from scratch:
 * - read-only system directories: /usr, /bin, /lib, /lib64 (each only if it exists) and /etc —
 *   all of /etc under `dev` and `balanced`, only `PROD_ETC_ENTRIES` under `prod` (no shadow
 *   files, SSH host keys or private TLS keys). Nothing else of the host: no /home, /root, /var,
 *   /run, /opt, /srv, /mnt, /media, and not the host's /tmp;
 * - the workspace, writable, at /work, with `.git`, `.skills_runtime_sdk/` and `config/` bound
 *   read-only over it under `balanced` and `prod` (when they exist);
 * - a private /tmp (tmpfs) holding HOME=/tmp/home; fresh /proc and /dev;
 * - read-only binds, at their host paths, of the extra directories a call names
 *   (`readOnlyPaths`: a skill action's bundle root when the skill lives outside the workspace);
 * - new pid and IPC namespaces (host processes are invisible; when bwrap dies, the kernel kills
 *   everything left in the pid namespace), no network with `unshare_net`, a new session (no
 *   TIOCSTI into the caller's terminal), `--die-with-parent`, and every capability dropped
 *   (`--cap-drop ALL`): run as root without it, a command could remount the read-only binds
 *   writable.
 * - an env allowlist (see sandbox-env.ts); it is passed as bwrap's own environment, not as
 *   `--setenv` arguments, so values never show in the host's process list.
 *
 * A symlink in the workspace that points outside resolves inside the new root, where its target
 * is absent, read-only, or on the private /tmp: it cannot be used to write to the host.
 */
import { posix } from "node:path";
import type { SandboxProfile } from "../config/schema.ts";
import { RuntimeError } from "../util/errors.ts";
import type { PreparedCommand, SandboxAdapter, SandboxPrepareOptions } from "./adapter.ts";
import { hostFs, isInside, protectedPaths, type SandboxFs } from "./paths.ts";
import { sandboxEnv } from "./sandbox-env.ts";

/** Where the workspace appears inside the sandbox. */
export const SANDBOX_WORKDIR = "/work";
export const SANDBOX_TMP = "/tmp";
export const SANDBOX_HOME = "/tmp/home";
export const SYSTEM_DIRS = ["/usr", "/bin", "/lib", "/lib64"] as const;
/** What of /etc `prod` shows: name resolution, users, dynamic linker, time zone, certificates. */
export const PROD_ETC_ENTRIES = [
  "alternatives",
  "ca-certificates",
  "ca-certificates.conf",
  "gitconfig",
  "group",
  "host.conf",
  "hosts",
  "ld.so.cache",
  "ld.so.conf",
  "ld.so.conf.d",
  "localtime",
  "mime.types",
  "nsswitch.conf",
  "os-release",
  "passwd",
  "resolv.conf",
  "ssl/certs",
  "timezone",
] as const;

export interface BubblewrapPolicy {
  bwrapPath: string;
  profile: SandboxProfile;
  unshareNet: boolean;
}

export interface BubblewrapPlan extends BubblewrapPolicy {
  /** Real path of the workspace root. */
  root: string;
  /** Real path of the host cwd, inside `root`. */
  cwd: string;
  /** Existence checks (default the host's). */
  fs?: SandboxFs;
  /** Real host paths outside the workspace bound read-only at their own path (see SandboxPrepareOptions). */
  readOnly?: readonly string[];
}

/** The in-sandbox path of a host path inside the workspace. */
export function toSandboxPath(root: string, hostPath: string): string {
  const rel = posix.relative(root, hostPath);
  return rel === "" ? SANDBOX_WORKDIR : posix.join(SANDBOX_WORKDIR, rel);
}

function roBind(path: string): string[] {
  return ["--ro-bind", path, path];
}

/** The full bwrap argv for `argv` (pure apart from the existence checks made through `fs`). */
export function bubblewrapArgv(argv: readonly string[], plan: BubblewrapPlan): string[] {
  const fs = plan.fs ?? hostFs;
  const out = [plan.bwrapPath, "--die-with-parent", "--new-session"];
  if (plan.unshareNet) out.push("--unshare-net");
  out.push("--unshare-pid", "--unshare-ipc", "--cap-drop", "ALL", "--proc", "/proc", "--dev", "/dev");
  for (const dir of SYSTEM_DIRS) if (fs.exists(dir)) out.push(...roBind(dir));
  if (plan.profile === "prod") {
    for (const entry of PROD_ETC_ENTRIES) if (fs.exists(`/etc/${entry}`)) out.push(...roBind(`/etc/${entry}`));
  } else if (fs.exists("/etc")) {
    out.push(...roBind("/etc"));
  }
  out.push("--tmpfs", SANDBOX_TMP, "--dir", SANDBOX_HOME);
  out.push("--bind", plan.root, SANDBOX_WORKDIR);
  for (const path of protectedPaths(plan.root, { profile: plan.profile, fs })) out.push("--ro-bind", path, toSandboxPath(plan.root, path));
  for (const path of plan.readOnly ?? []) out.push(...roBind(path));
  out.push("--chdir", toSandboxPath(plan.root, plan.cwd), "--", ...argv);
  return out;
}

function denied(argv: readonly string[], detail: string, details: Record<string, unknown> = {}): RuntimeError {
  return new RuntimeError("sandbox_denied", `Cannot run "${argv[0] ?? ""}" in the bubblewrap sandbox: ${detail}`, { details });
}

export class BubblewrapSandboxAdapter implements SandboxAdapter {
  /** The reference's class name, kept for Studio-compatible evidence. */
  readonly name = "BubblewrapSandboxAdapter";
  readonly policy: BubblewrapPolicy;
  private readonly fs: SandboxFs;

  constructor(policy: BubblewrapPolicy, fs: SandboxFs = hostFs) {
    this.policy = policy;
    this.fs = fs;
  }

  prepare(argv: readonly string[], { cwd, env, workspaceRoot, overlayEnv, readOnlyPaths = [] }: SandboxPrepareOptions): PreparedCommand {
    const root = this.fs.realpath(workspaceRoot);
    if (root === null) throw denied(argv, `workspace_root "${workspaceRoot}" does not exist`);
    if (root === "/") throw denied(argv, 'workspace_root "/" would make the whole host writable');
    const hostCwd = this.fs.realpath(cwd);
    if (hostCwd === null || !isInside(root, hostCwd)) {
      throw denied(argv, `cwd must be within workspace_root (cwd "${cwd}", workspace_root "${root}")`, { cwd, workspace_root: root });
    }
    if (!this.fs.exists(this.policy.bwrapPath)) {
      throw denied(argv, `bwrap executable "${this.policy.bwrapPath}" is gone (it was found when the run started)`);
    }
    const readOnly = readOnlyBinds(readOnlyPaths, root, this.fs, (detail) => denied(argv, detail));
    // Host paths under the workspace (a skill action's script, SKILLS_RUNTIME_SDK_WORKSPACE_ROOT, ...)
    // name the same files at /work inside the sandbox.
    const inside = (value: string) => mapHostPath(value, [workspaceRoot, root]);
    const mappedOverlay = overlayEnv ? Object.fromEntries(Object.entries(overlayEnv).map(([k, v]) => [k, inside(v)])) : overlayEnv;
    return {
      argv: bubblewrapArgv(argv.map(inside), { ...this.policy, root, cwd: hostCwd, fs: this.fs, readOnly }),
      env: sandboxEnv(env, mappedOverlay, { home: SANDBOX_HOME, tmpdir: SANDBOX_TMP }),
      cwd: root,
    };
  }
}

/**
 * The real paths of `paths` to bind read-only: each must exist and must not be `/`; a path inside
 * the workspace needs no bind of its own (it is visible under /work); one under /work on the host
 * would clash with the workspace mount, so it is refused. Binds come after the private /tmp, so a
 * host path under /tmp stays visible.
 */
export function readOnlyBinds(paths: readonly string[], root: string, fs: SandboxFs, fail: (detail: string) => Error): string[] {
  const out: string[] = [];
  for (const path of paths) {
    const real = fs.realpath(path);
    if (real === null) throw fail(`read-only path "${path}" does not exist`);
    if (real === "/") throw fail(`read-only path "${path}" is the host root`);
    if (isInside(root, real) || out.includes(real)) continue;
    if (isInside(SANDBOX_WORKDIR, real)) throw fail(`read-only path "${path}" would be hidden by the workspace mount ${SANDBOX_WORKDIR}`);
    out.push(real);
  }
  return out;
}

/** `value` with a leading host workspace path (`root` or `root/...`) replaced by the sandbox's /work. */
export function mapHostPath(value: string, roots: readonly string[]): string {
  for (const root of roots) {
    if (value === root || value.startsWith(`${root}/`)) return toSandboxPath(root, value);
  }
  return value;
}
