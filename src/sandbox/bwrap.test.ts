import { describe, expect, test } from "bun:test";
import { isRuntimeError } from "../util/errors.ts";
import { BubblewrapSandboxAdapter, bubblewrapArgv, mapHostPath } from "./bwrap.ts";
import type { SandboxFs } from "./paths.ts";

/** A host with the given paths (symlinks as `link -> target`), for exact argv tests on any machine. */
function fakeFs(paths: string[], links: Record<string, string> = {}): SandboxFs {
  const set = new Set(paths);
  const realpath = (p: string): string | null => (p in links ? realpath(links[p]!) : set.has(p) ? p : null);
  return { exists: (p) => realpath(p) !== null, realpath };
}

const SYSTEM = ["/usr", "/bin", "/lib", "/lib64", "/etc", "/etc/passwd", "/etc/group", "/etc/ld.so.cache", "/etc/alternatives", "/etc/ssl/certs", "/usr/bin/bwrap"];
const WS = ["/ws", "/ws/sub", "/ws/.git", "/ws/config"];
const host = fakeFs([...SYSTEM, ...WS]);
const plan = { bwrapPath: "/usr/bin/bwrap", unshareNet: true, root: "/ws", cwd: "/ws" };
const HEAD = ["/usr/bin/bwrap", "--die-with-parent", "--new-session", "--unshare-net", "--unshare-pid", "--unshare-ipc", "--cap-drop", "ALL", "--proc", "/proc", "--dev", "/dev"];
const SYSTEM_BINDS = ["--ro-bind", "/usr", "/usr", "--ro-bind", "/bin", "/bin", "--ro-bind", "/lib", "/lib", "--ro-bind", "/lib64", "/lib64"];

describe("bubblewrap argv per preset", () => {
  test("dev: read-only system with all of /etc, private /tmp, writable workspace at /work", () => {
    expect(bubblewrapArgv(["echo", "hi"], { ...plan, profile: "dev", fs: host })).toEqual([
      ...HEAD,
      ...SYSTEM_BINDS,
      "--ro-bind", "/etc", "/etc",
      "--tmpfs", "/tmp", "--dir", "/tmp/home",
      "--bind", "/ws", "/work",
      "--chdir", "/work", "--", "echo", "hi",
    ]);
  });

  test("balanced: as dev, plus .git and config/ read-only over the workspace (only those that exist)", () => {
    expect(bubblewrapArgv(["echo", "hi"], { ...plan, profile: "balanced", fs: host })).toEqual([
      ...HEAD,
      ...SYSTEM_BINDS,
      "--ro-bind", "/etc", "/etc",
      "--tmpfs", "/tmp", "--dir", "/tmp/home",
      "--bind", "/ws", "/work",
      "--ro-bind", "/ws/.git", "/work/.git",
      "--ro-bind", "/ws/config", "/work/config",
      "--chdir", "/work", "--", "echo", "hi",
    ]);
  });

  test("prod: only the allowlisted entries of /etc that exist, and the protected entries", () => {
    const withState = fakeFs([...SYSTEM, ...WS, "/ws/.skills_runtime_sdk"]);
    expect(bubblewrapArgv(["id"], { ...plan, profile: "prod", cwd: "/ws/sub", fs: withState })).toEqual([
      ...HEAD,
      ...SYSTEM_BINDS,
      "--ro-bind", "/etc/alternatives", "/etc/alternatives",
      "--ro-bind", "/etc/group", "/etc/group",
      "--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache",
      "--ro-bind", "/etc/passwd", "/etc/passwd",
      "--ro-bind", "/etc/ssl/certs", "/etc/ssl/certs",
      "--tmpfs", "/tmp", "--dir", "/tmp/home",
      "--bind", "/ws", "/work",
      "--ro-bind", "/ws/.git", "/work/.git",
      "--ro-bind", "/ws/.skills_runtime_sdk", "/work/.skills_runtime_sdk",
      "--ro-bind", "/ws/config", "/work/config",
      "--chdir", "/work/sub", "--", "id",
    ]);
  });

  test("without unshare_net the network namespace is shared; missing system dirs are skipped", () => {
    const noLib64 = fakeFs(["/usr", "/bin", "/lib", "/etc", ...WS]);
    const argv = bubblewrapArgv(["true"], { ...plan, unshareNet: false, profile: "dev", fs: noLib64 });
    expect(argv.slice(0, 4)).toEqual(["/usr/bin/bwrap", "--die-with-parent", "--new-session", "--unshare-pid"]);
    expect(argv).not.toContain("--unshare-net");
    expect(argv).not.toContain("/lib64");
  });

  test("a protected entry that is a symlink binds its target inside the workspace, and nothing outside", () => {
    const fs = fakeFs([...SYSTEM, "/ws", "/ws/repo.git", "/home/me/shared-config"], { "/ws/.git": "/ws/repo.git", "/ws/config": "/home/me/shared-config" });
    const argv = bubblewrapArgv(["true"], { ...plan, profile: "balanced", fs });
    expect(argv.join(" ")).toContain("--bind /ws /work --ro-bind /ws/repo.git /work/repo.git --chdir /work");
    expect(argv).not.toContain("/home/me/shared-config");
  });
});

describe("BubblewrapSandboxAdapter.prepare", () => {
  const adapter = new BubblewrapSandboxAdapter({ bwrapPath: "/usr/bin/bwrap", profile: "balanced", unshareNet: true }, host);

  test("maps the host cwd to /work/..., runs bwrap from the workspace root and clears the env to an allowlist", () => {
    const prepared = adapter.prepare(["make"], {
      cwd: "/ws/sub",
      workspaceRoot: "/ws",
      env: { PATH: "/usr/bin:/bin", LANG: "C.UTF-8", LC_ALL: "C", TERM: "xterm", TZ: "UTC", HOME: "/root", AWS_SECRET_ACCESS_KEY: "x", SSH_AUTH_SOCK: "/run/ssh", SKILL_TOKEN: "t", MODE: "fast" },
      overlayEnv: { SKILL_TOKEN: "t", MODE: "fast" },
    });
    expect(prepared.cwd).toBe("/ws");
    expect(prepared.argv.slice(-4)).toEqual(["--chdir", "/work/sub", "--", "make"]);
    expect(prepared.env).toEqual({ PATH: "/usr/bin:/bin", LANG: "C.UTF-8", LC_ALL: "C", TERM: "xterm", TZ: "UTC", HOME: "/tmp/home", TMPDIR: "/tmp", SKILL_TOKEN: "t", MODE: "fast" });
  });

  test("a variable the call sets explicitly wins over the sandbox's own HOME", () => {
    const prepared = adapter.prepare(["true"], { cwd: "/ws", workspaceRoot: "/ws", env: { HOME: "/work" }, overlayEnv: { HOME: "/work" } });
    expect(prepared.env.HOME).toBe("/work");
  });

  test("a cwd outside the workspace is sandbox_denied", () => {
    let error: unknown;
    try {
      adapter.prepare(["ls"], { cwd: "/usr", workspaceRoot: "/ws", env: {} });
    } catch (e) {
      error = e;
    }
    expect(isRuntimeError(error) && error.kind).toBe("sandbox_denied");
    expect((error as Error).message).toBe('Cannot run "ls" in the bubblewrap sandbox: cwd must be within workspace_root (cwd "/usr", workspace_root "/ws")');
  });

  test("the root directory as workspace is refused", () => {
    const rooted = new BubblewrapSandboxAdapter({ bwrapPath: "/usr/bin/bwrap", profile: "dev", unshareNet: true }, fakeFs(["/", "/usr/bin/bwrap"]));
    expect(() => rooted.prepare(["ls"], { cwd: "/", workspaceRoot: "/", env: {} })).toThrow('workspace_root "/" would make the whole host writable');
  });

  test("a bwrap that disappeared after start-up is sandbox_denied", () => {
    const gone = new BubblewrapSandboxAdapter({ bwrapPath: "/opt/bwrap", profile: "dev", unshareNet: true }, host);
    expect(() => gone.prepare(["ls"], { cwd: "/ws", workspaceRoot: "/ws", env: {} })).toThrow('bwrap executable "/opt/bwrap" is gone');
  });

  test("reports the reference's class name", () => {
    expect(adapter.name).toBe("BubblewrapSandboxAdapter");
  });
});

describe("host paths in the command", () => {
  test("a host path under the workspace names the same file at /work; other paths are untouched", () => {
    const roots = ["/home/u/ws", "/real/ws"];
    expect(mapHostPath("/home/u/ws", roots)).toBe("/work");
    expect(mapHostPath("/home/u/ws/skills/a/run.sh", roots)).toBe("/work/skills/a/run.sh");
    expect(mapHostPath("/real/ws/x", roots)).toBe("/work/x");
    expect(mapHostPath("/home/u/wsx/run.sh", roots)).toBe("/home/u/wsx/run.sh");
    expect(mapHostPath("--flag=/home/u/ws/a", roots)).toBe("--flag=/home/u/ws/a");
    expect(mapHostPath("relative/path", roots)).toBe("relative/path");
  });
});

describe("read-only paths outside the workspace", () => {
  const fs = fakeFs(["/", ...SYSTEM, ...WS, "/opt/skills/greeter", "/tmp/skills/a", "/work/x"], { "/srv/link": "/opt/skills/greeter" });
  const adapter = new BubblewrapSandboxAdapter({ bwrapPath: "/usr/bin/bwrap", profile: "balanced", unshareNet: true }, fs);
  const prepare = (readOnlyPaths: string[]) => adapter.prepare(["sh", "/opt/skills/greeter/actions/run.sh"], { cwd: "/ws", workspaceRoot: "/ws", env: {}, readOnlyPaths });

  test("each is bound read-only at its real host path after the workspace binds, so absolute paths into it resolve", () => {
    const argv = prepare(["/srv/link", "/tmp/skills/a", "/ws/sub"]).argv;
    expect(argv.join(" ")).toContain("--ro-bind /ws/config /work/config --ro-bind /opt/skills/greeter /opt/skills/greeter --ro-bind /tmp/skills/a /tmp/skills/a --chdir /work");
    expect(argv.slice(-2)).toEqual(["sh", "/opt/skills/greeter/actions/run.sh"]);
    // A path inside the workspace is already visible at /work: no bind of its own.
    expect(argv).not.toContain("/ws/sub");
  });

  test("a missing path, the host root and a path the /work mount would hide are sandbox_denied", () => {
    for (const [paths, message] of [
      [["/opt/gone"], 'read-only path "/opt/gone" does not exist'],
      [["/"], 'read-only path "/" is the host root'],
      [["/work/x"], 'read-only path "/work/x" would be hidden by the workspace mount /work'],
    ] as const) {
      let error: unknown;
      try {
        prepare([...paths]);
      } catch (e) {
        error = e;
      }
      expect(isRuntimeError(error) && error.kind).toBe("sandbox_denied");
      expect((error as Error).message).toContain(message);
    }
  });
});
