/**
 * Sandbox availability probe, shared by `doctor` and run start-up. It fails closed: a sandbox is
 * "available" only when a real trial run inside it succeeded. When it is not, the result says why
 * and what to do about it. The trial run is made once per process per binary; locating the binary
 * (never inside the workspace) is cheap and redone for each call.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { hostFs, isInside } from "./paths.ts";
import { runProcess } from "./spawn.ts";

export type SandboxAdapterName = "bubblewrap" | "seatbelt";

export interface SandboxProbeInput {
  platform: NodeJS.Platform;
  /** `sandbox.os.mode` */
  mode: "auto" | "none" | "seatbelt" | "bubblewrap";
  /** `sandbox.os.bubblewrap.bwrap_path` */
  bwrapPath: string;
  /** PATH used to look up a relative bwrap path. */
  pathEnv: string;
  /** A binary found inside the workspace is never trusted. */
  workspaceRoot: string;
  /** Read a /proc file (injectable for tests). */
  readProc?: (path: string) => string | undefined;
}

export interface SandboxProbe {
  /** Adapter that `mode` selects on this platform, or null when none applies. */
  adapter: SandboxAdapterName | null;
  available: boolean;
  binary: string | null;
  version: string | null;
  /** Why the adapter is unusable; null when available or when no adapter applies. */
  reason: string | null;
  /** What to do about it. */
  fix: string | null;
}

export function selectAdapter(platform: NodeJS.Platform, mode: SandboxProbeInput["mode"]): SandboxAdapterName | null {
  if (mode === "none") return null;
  if (mode === "bubblewrap" || mode === "seatbelt") return mode;
  if (platform === "linux") return "bubblewrap";
  if (platform === "darwin") return "seatbelt";
  return null;
}

function defaultReadProc(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Neither the path nor (through symlinks) the file it names is in the workspace. */
function outsideWorkspace(path: string, workspaceRoot: string): boolean {
  const real = hostFs.realpath(path);
  const realRoot = hostFs.realpath(workspaceRoot) ?? workspaceRoot;
  return real !== null && !isInside(workspaceRoot, path) && !isInside(realRoot, real);
}

/** Find an executable on PATH without consulting the workspace (a symlink into it counts as inside). */
export function whichOutside(name: string, pathEnv: string, workspaceRoot: string): string | null {
  if (name.includes("/")) {
    const abs = resolve(name);
    return outsideWorkspace(abs, workspaceRoot) ? abs : null;
  }
  for (const dir of pathEnv.split(":")) {
    if (!dir || !isAbsolute(dir) || isInside(workspaceRoot, dir)) continue;
    const candidate = resolve(dir, name);
    if (existsSync(candidate) && outsideWorkspace(candidate, workspaceRoot)) return candidate;
  }
  return null;
}

/** Explain a failed bwrap trial run from its stderr and the kernel's user-namespace switches. */
export function diagnoseBwrapFailure(stderr: string, readProc: (p: string) => string | undefined): { reason: string; fix: string } {
  const text = stderr.trim().split("\n").slice(-3).join(" ").trim();
  if (readProc("/proc/sys/kernel/unprivileged_userns_clone") === "0") {
    return {
      reason: `unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone=0); bwrap said: ${text}`,
      fix: "Run `sudo sysctl -w kernel.unprivileged_userns_clone=1` (persist it in /etc/sysctl.d/), or install bwrap setuid.",
    };
  }
  if (readProc("/proc/sys/user/max_user_namespaces") === "0") {
    return {
      reason: `user namespaces are disabled (user.max_user_namespaces=0); bwrap said: ${text}`,
      fix: "Run `sudo sysctl -w user.max_user_namespaces=15000` (persist it in /etc/sysctl.d/).",
    };
  }
  if (readProc("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") === "1") {
    return {
      reason: `AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1); bwrap said: ${text}`,
      fix: "Add an AppArmor profile that allows userns for bwrap (see /etc/apparmor.d/ for bwrap-userns-restrict), or run `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`.",
    };
  }
  return {
    reason: `a trial run of bwrap failed: ${text || "no error output"}`,
    fix: "Check that bwrap can create namespaces here (containers often need --privileged or a seccomp profile that allows clone/unshare), or set sandbox.default_policy: none to run without the fence.",
  };
}

type Trial = Pick<SandboxProbe, "available" | "version" | "reason" | "fix">;
/** Trial runs by binary: the expensive part of a probe happens once per process per binary. */
const trials = new Map<string, Promise<Trial>>();

function once(key: string, run: () => Promise<Trial>): Promise<Trial> {
  let trial = trials.get(key);
  if (!trial) {
    trial = run();
    trials.set(key, trial);
  }
  return trial;
}

/**
 * Probe the adapter `input` selects. Finding the binary (outside this workspace) is redone per
 * call; the trial run inside the sandbox is made once per process for each binary.
 */
export function probeSandbox(input: SandboxProbeInput): Promise<SandboxProbe> {
  return runProbe(input);
}

async function bwrapTrial(binary: string, readProc: (p: string) => string | undefined): Promise<Trial> {
  const env = { PATH: "/usr/bin:/bin" };
  const versionRun = await runProcess([binary, "--version"], { env, timeoutMs: 5000 });
  const version = versionRun.exitCode === 0 ? versionRun.stdout.trim().replace(/^bubblewrap\s+/, "") : null;
  const trial = await runProcess(
    [binary, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-all", "--die-with-parent", "--", "true"],
    { env, timeoutMs: 5000 },
  );
  if (trial.exitCode === 0) return { available: true, version, reason: null, fix: null };
  return { available: false, version, ...diagnoseBwrapFailure(trial.stderr, readProc) };
}

async function seatbeltTrial(binary: string): Promise<Trial> {
  const trial = await runProcess([binary, "-p", "(version 1) (allow default)", "/usr/bin/true"], { env: {}, timeoutMs: 5000 });
  return trial.exitCode === 0
    ? { available: true, version: null, reason: null, fix: null }
    : { available: false, version: null, reason: `a trial run of sandbox-exec failed: ${trial.stderr.trim()}`, fix: "Check that sandbox-exec is allowed for this user." };
}

async function runProbe(input: SandboxProbeInput): Promise<SandboxProbe> {
  const adapter = selectAdapter(input.platform, input.mode);
  const readProc = input.readProc ?? defaultReadProc;
  const none = { binary: null, version: null };
  if (adapter === null) {
    if (input.mode === "none") {
      return {
        adapter,
        available: false,
        ...none,
        reason: "sandbox.os.mode is none: no OS sandbox adapter is configured",
        fix: "Set sandbox.os.mode to auto (or bubblewrap on Linux, seatbelt on macOS), or set sandbox.default_policy: none and stop asking for restricted calls.",
      };
    }
    const reason = `no OS sandbox adapter exists for platform ${input.platform}`;
    return { adapter, available: false, ...none, reason, fix: "Use Linux (bubblewrap) or macOS (seatbelt) for restricted tool calls." };
  }
  if (adapter === "seatbelt") {
    if (input.platform !== "darwin") {
      return { adapter, available: false, ...none, reason: "seatbelt (sandbox-exec) only exists on macOS", fix: "Set sandbox.os.mode to auto or bubblewrap on Linux." };
    }
    const binary = "/usr/bin/sandbox-exec";
    if (!existsSync(binary)) {
      return { adapter, available: false, ...none, reason: `${binary} not found`, fix: "sandbox-exec ships with macOS; check that /usr/bin is intact." };
    }
    return { adapter, binary, ...(await once(`seatbelt:${binary}`, () => seatbeltTrial(binary))) };
  }
  if (input.platform !== "linux") {
    return { adapter, available: false, ...none, reason: "bubblewrap only exists on Linux", fix: "Set sandbox.os.mode to auto or seatbelt on macOS." };
  }
  const binary = whichOutside(input.bwrapPath, input.pathEnv, input.workspaceRoot);
  if (binary === null) {
    return {
      adapter,
      available: false,
      ...none,
      reason: `bwrap executable "${input.bwrapPath}" not found on PATH (a bwrap inside the workspace is never used)`,
      fix: "Install bubblewrap: `sudo apt-get install -y bubblewrap` (Debian/Ubuntu), `sudo dnf install bubblewrap` (Fedora), or set sandbox.os.bubblewrap.bwrap_path.",
    };
  }
  return { adapter, binary, ...(await once(`bubblewrap:${binary}`, () => bwrapTrial(binary, readProc))) };
}
