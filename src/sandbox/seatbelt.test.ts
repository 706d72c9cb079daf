import { describe, expect, test } from "bun:test";
import { PERMISSIVE_SEATBELT_PROFILE, PROD_SEATBELT_PROFILE } from "../config/presets.ts";
import type { SandboxFs } from "./paths.ts";
import { SeatbeltSandboxAdapter, macRealPath, sbplString, seatbeltProfile } from "./seatbelt.ts";

const COMMON_HEAD = [
  "(version 1)",
  "(deny default)",
  "(allow process-exec process-fork)",
  "(allow signal (target same-sandbox))",
  "(allow process-info* (target same-sandbox))",
  "(allow sysctl-read)",
  '(allow mach-lookup (global-name "com.apple.system.opendirectoryd.libinfo"))',
  "(allow ipc-posix-sem ipc-posix-shm)",
  "(allow pseudo-tty)",
  '(allow file-read-metadata (literal "/") (literal "/Users") (literal "/Users/me") (literal "/etc") (literal "/private") (literal "/private/var") (literal "/private/var/folders") (literal "/private/var/folders/ab") (literal "/private/var/folders/ab/xyz") (literal "/tmp") (literal "/var"))',
];
const SYSTEM_READ =
  '(subpath "/usr") (subpath "/bin") (subpath "/sbin") (subpath "/System") (subpath "/Library") (subpath "/opt/homebrew") (subpath "/dev") (subpath "/private/var/db/dyld") (subpath "/private/var/db/timezone") (subpath "/private/var/select")';
const DEVICES = '(allow file-read* file-write* file-ioctl (literal "/dev/null") (literal "/dev/zero") (literal "/dev/tty") (literal "/dev/ptmx") (regex #"^/dev/ttys[0-9]+$"))';
const TEMP = '(allow file-read* file-write* (subpath "/private/tmp") (subpath "/private/var/tmp") (subpath "/private/var/folders/ab/xyz/T"))';
const PROTECTED = ["/Users/me/proj/.git", "/Users/me/proj/.skills_runtime_sdk", "/Users/me/proj/config"];
const WRITE_PROTECTED =
  '(allow file-write* (require-all (subpath "/Users/me/proj") (require-not (subpath "/Users/me/proj/.git")) (require-not (subpath "/Users/me/proj/.skills_runtime_sdk")) (require-not (subpath "/Users/me/proj/config"))))';
const base = { workspaceRoot: "/Users/me/proj", extraTemp: ["/var/folders/ab/xyz/T/"] };

function profileLines(text: string): string[] {
  return text.trimEnd().split("\n").filter((line) => !line.startsWith(";"));
}

describe("generated seatbelt profile per preset", () => {
  test("dev: deny by default, system reads incl. /private/etc, workspace and temp writable, network when unshare_net is false", () => {
    expect(profileLines(seatbeltProfile({ ...base, profile: "dev", allowNetwork: true }))).toEqual([
      ...COMMON_HEAD,
      `(allow file-read* ${SYSTEM_READ} (subpath "/private/etc"))`,
      DEVICES,
      TEMP,
      '(allow file-read* (subpath "/Users/me/proj"))',
      '(allow file-write* (subpath "/Users/me/proj"))',
      "(allow network* system-socket)",
    ]);
  });

  test("balanced: no network, and .git, .skills_runtime_sdk and config stay read-only", () => {
    expect(profileLines(seatbeltProfile({ ...base, profile: "balanced", allowNetwork: false, protected: PROTECTED }))).toEqual([
      ...COMMON_HEAD,
      `(allow file-read* ${SYSTEM_READ} (subpath "/private/etc"))`,
      DEVICES,
      TEMP,
      '(allow file-read* (subpath "/Users/me/proj"))',
      WRITE_PROTECTED,
    ]);
  });

  test("prod: /etc is not allowed and the preset's /etc denies close the profile", () => {
    expect(profileLines(seatbeltProfile({ ...base, profile: "prod", allowNetwork: false, protected: PROTECTED }))).toEqual([
      ...COMMON_HEAD,
      `(allow file-read* ${SYSTEM_READ})`,
      DEVICES,
      TEMP,
      '(allow file-read* (subpath "/Users/me/proj"))',
      WRITE_PROTECTED,
      '(deny file-read* (subpath "/etc") (subpath "/private/etc"))',
      '(deny file-write* (subpath "/etc") (subpath "/private/etc"))',
    ]);
  });

  test("the comment line names the profile; home directories are never allowed", () => {
    const text = seatbeltProfile({ ...base, profile: "prod", allowNetwork: false });
    expect(text.split("\n")[1]).toBe('; skills-runtime seatbelt profile "prod": deny by default');
    expect(text).not.toContain('(subpath "/Users")');
  });

  test("paths are SBPL string literals and macOS symlinked tops map to /private", () => {
    expect(sbplString('/Users/a "b"\\c')).toBe('"/Users/a \\"b\\"\\\\c"');
    expect(macRealPath("/tmp/x/")).toBe("/private/tmp/x");
    expect(macRealPath("/var/folders/T")).toBe("/private/var/folders/T");
    expect(macRealPath("/Users/me")).toBe("/Users/me");
  });
});

const fs: SandboxFs = {
  exists: (p) => p === "/usr/bin/sandbox-exec" || p.startsWith("/Users/me/proj"),
  realpath: (p) => (p === "/Users/me/proj" || p === "/Users/me/proj/src" || p === "/Users/me/proj/.git" ? p : null),
};

describe("SeatbeltSandboxAdapter.prepare", () => {
  const options = { cwd: "/Users/me/proj/src", workspaceRoot: "/Users/me/proj", env: { PATH: "/usr/bin:/bin", HOME: "/Users/me", TMPDIR: "/var/folders/ab/xyz/T/", GITHUB_TOKEN: "x" } };

  test("argv is sandbox-exec -p <generated profile> argv, cwd unchanged, env allowlisted", () => {
    const adapter = new SeatbeltSandboxAdapter({ profile: "balanced", profileText: PERMISSIVE_SEATBELT_PROFILE, unshareNet: true }, fs);
    const prepared = adapter.prepare(["make", "test"], options);
    const profile = seatbeltProfile({
      profile: "balanced",
      allowNetwork: false,
      workspaceRoot: "/Users/me/proj",
      extraTemp: ["/var/folders/ab/xyz/T/"],
      protected: PROTECTED,
    });
    expect(prepared.argv).toEqual(["/usr/bin/sandbox-exec", "-p", profile, "make", "test"]);
    expect(profileLines(profile)).toContain(WRITE_PROTECTED);
    expect(prepared.cwd).toBe("/Users/me/proj/src");
    expect(prepared.env).toEqual({ PATH: "/usr/bin:/bin", HOME: "/var/folders/ab/xyz/T/", TMPDIR: "/var/folders/ab/xyz/T/" });
    expect(adapter.name).toBe("SeatbeltSandboxAdapter");
  });

  test("the prod preset text selects the generated prod profile", () => {
    const adapter = new SeatbeltSandboxAdapter({ profile: "prod", profileText: PROD_SEATBELT_PROFILE, unshareNet: true }, fs);
    const profile = adapter.prepare(["ls"], options).argv[2]!;
    expect(profile).toContain("(deny default)");
    expect(profile).toContain('(deny file-read* (subpath "/etc") (subpath "/private/etc"))');
  });

  test("an operator's own profile text is used verbatim", () => {
    const custom = '(version 1)\n(deny default)\n(allow process-exec)\n(allow file-read* (subpath "/usr"))';
    const adapter = new SeatbeltSandboxAdapter({ profile: "dev", profileText: custom, unshareNet: true }, fs);
    expect(adapter.prepare(["ls"], options).argv).toEqual(["/usr/bin/sandbox-exec", "-p", custom, "ls"]);
  });

  test("an empty profile, a missing sandbox-exec or a cwd outside the workspace is sandbox_denied", () => {
    const empty = new SeatbeltSandboxAdapter({ profile: "dev", profileText: "  ", unshareNet: true }, fs);
    expect(() => empty.prepare(["ls"], options)).toThrow('Cannot run "ls" in the seatbelt sandbox: sandbox.os.seatbelt.profile is empty');
    const missing = new SeatbeltSandboxAdapter({ profile: "dev", profileText: PERMISSIVE_SEATBELT_PROFILE, unshareNet: true, sandboxExecPath: "/nope/sandbox-exec" }, fs);
    expect(() => missing.prepare(["ls"], options)).toThrow('"/nope/sandbox-exec" not found');
    const adapter = new SeatbeltSandboxAdapter({ profile: "dev", profileText: PERMISSIVE_SEATBELT_PROFILE, unshareNet: true }, fs);
    expect(() => adapter.prepare(["ls"], { ...options, cwd: "/Users/me" })).toThrow("cwd must be within workspace_root");
  });
});

describe("seatbelt read-only paths outside the workspace", () => {
  const withSkills: SandboxFs = {
    exists: (p) => fs.exists(p) || p === "/Users/me/skills/greeter",
    realpath: (p) => (p === "/Users/me/skills/greeter" ? p : fs.realpath(p)),
  };
  const adapter = new SeatbeltSandboxAdapter({ profile: "balanced", profileText: PERMISSIVE_SEATBELT_PROFILE, unshareNet: true }, withSkills);
  const options = { cwd: "/Users/me/proj", workspaceRoot: "/Users/me/proj", env: { TMPDIR: "/private/tmp" } };

  test("are readable (never writable), with their ancestors' metadata, and paths inside the workspace add nothing", () => {
    const profile = adapter.prepare(["sh"], { ...options, readOnlyPaths: ["/Users/me/skills/greeter", "/Users/me/proj/src"] }).argv[2]!;
    const lines = profileLines(profile);
    expect(lines).toContain('(allow file-read* (subpath "/Users/me/skills/greeter"))');
    expect(lines.find((l) => l.startsWith("(allow file-read-metadata"))).toContain('(literal "/Users/me/skills")');
    expect(lines.filter((l) => l.startsWith("(allow file-write*")).join("\n")).not.toContain("/Users/me/skills");
    expect(profile).not.toContain('(subpath "/Users/me/proj/src")');
  });

  test("a missing path or the host root is sandbox_denied", () => {
    expect(() => adapter.prepare(["sh"], { ...options, readOnlyPaths: ["/Users/me/gone"] })).toThrow('read-only path "/Users/me/gone" does not exist');
    const rooted = new SeatbeltSandboxAdapter({ profile: "dev", profileText: PERMISSIVE_SEATBELT_PROFILE, unshareNet: true }, { ...withSkills, realpath: (p) => (p === "/" ? "/" : withSkills.realpath(p)) });
    expect(() => rooted.prepare(["sh"], { ...options, readOnlyPaths: ["/"] })).toThrow('read-only path "/" is the host root');
  });
});
