import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, chmodSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diagnoseBwrapFailure, probeSandbox, selectAdapter, whichOutside } from "./detect.ts";

const hasBwrap = Bun.which("bwrap") !== null;

describe("adapter selection", () => {
  test("auto picks bubblewrap on linux, seatbelt on darwin, nothing elsewhere", () => {
    expect(selectAdapter("linux", "auto")).toBe("bubblewrap");
    expect(selectAdapter("darwin", "auto")).toBe("seatbelt");
    expect(selectAdapter("win32", "auto")).toBeNull();
    expect(selectAdapter("linux", "none")).toBeNull();
    expect(selectAdapter("linux", "seatbelt")).toBe("seatbelt");
  });
});

describe("binary lookup", () => {
  test("never trusts a bwrap inside the workspace", () => {
    const ws = mkdtempSync(join(tmpdir(), "sr-detect-"));
    const bin = join(ws, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "bwrap"), "#!/bin/sh\nexit 0\n");
    chmodSync(join(bin, "bwrap"), 0o755);
    expect(whichOutside("bwrap", bin, ws)).toBeNull();
    expect(whichOutside(join(bin, "bwrap"), "", ws)).toBeNull();
    const outside = mkdtempSync(join(tmpdir(), "sr-detect-bin-"));
    writeFileSync(join(outside, "bwrap"), "#!/bin/sh\nexit 0\n");
    expect(whichOutside("bwrap", `${bin}:${outside}`, ws)).toBe(join(outside, "bwrap"));
  });

  test("never trusts a bwrap outside the workspace that is a symlink into it", () => {
    const ws = mkdtempSync(join(tmpdir(), "sr-detect-"));
    writeFileSync(join(ws, "bwrap"), "#!/bin/sh\nexit 0\n");
    chmodSync(join(ws, "bwrap"), 0o755);
    const outside = mkdtempSync(join(tmpdir(), "sr-detect-bin-"));
    symlinkSync(join(ws, "bwrap"), join(outside, "bwrap"));
    expect(whichOutside("bwrap", outside, ws)).toBeNull();
    expect(whichOutside(join(outside, "bwrap"), "", ws)).toBeNull();
  });
});

describe("diagnosis", () => {
  test("names disabled user namespaces and the sysctl that fixes it", () => {
    const d = diagnoseBwrapFailure("bwrap: No permissions to creating new namespace", (p) =>
      p.endsWith("unprivileged_userns_clone") ? "0" : undefined,
    );
    expect(d.reason).toContain("unprivileged user namespaces are disabled");
    expect(d.fix).toContain("kernel.unprivileged_userns_clone=1");
  });
  test("names the AppArmor restriction", () => {
    const d = diagnoseBwrapFailure("bwrap: setting up uid map: Permission denied", (p) =>
      p.endsWith("apparmor_restrict_unprivileged_userns") ? "1" : undefined,
    );
    expect(d.reason).toContain("AppArmor");
    expect(d.fix).toContain("apparmor");
  });
});

describe("probe", () => {
  test("a missing bwrap is unavailable with an install hint", async () => {
    const probe = await probeSandbox({ platform: "linux", mode: "auto", bwrapPath: "bwrap-missing-xyz", pathEnv: "/usr/bin:/bin", workspaceRoot: "/nonexistent-ws" });
    expect(probe).toMatchObject({ adapter: "bubblewrap", available: false, binary: null });
    expect(probe.reason).toContain('"bwrap-missing-xyz" not found');
    expect(probe.fix).toContain("apt-get install -y bubblewrap");
  });

  test.skipIf(!hasBwrap)(`a real bwrap trial run succeeds here${hasBwrap ? "" : " (skipped: bwrap is not installed)"}`, async () => {
    const probe = await probeSandbox({ platform: "linux", mode: "auto", bwrapPath: "bwrap", pathEnv: "/usr/bin:/bin", workspaceRoot: "/nonexistent-ws" });
    expect(probe.available).toBe(true);
    expect(probe.binary).toMatch(/\/bwrap$/);
    expect(probe.version).toMatch(/^\d+\.\d+/);
  });

  test("the trial run happens once per process per binary, whatever the workspace", async () => {
    const bin = mkdtempSync(join(tmpdir(), "sr-detect-fake-"));
    const log = join(bin, "calls.log");
    writeFileSync(join(bin, "bwrap"), `#!/bin/sh\necho "$1" >> "${log}"\n[ "$1" = --version ] && echo "bubblewrap 9.9.9"\nexit 0\n`);
    chmodSync(join(bin, "bwrap"), 0o755);
    for (const ws of ["/nonexistent-ws-a", "/nonexistent-ws-b", "/nonexistent-ws-a"]) {
      const probe = await probeSandbox({ platform: "linux", mode: "auto", bwrapPath: "bwrap", pathEnv: bin, workspaceRoot: ws });
      expect(probe).toMatchObject({ available: true, binary: join(bin, "bwrap"), version: "9.9.9" });
    }
    expect(readFileSync(log, "utf8")).toBe("--version\n--ro-bind\n");
  });

  test("mode none selects no adapter", async () => {
    const probe = await probeSandbox({ platform: "linux", mode: "none", bwrapPath: "bwrap", pathEnv: "", workspaceRoot: "/x" });
    expect(probe.adapter).toBeNull();
    expect(probe.available).toBe(false);
  });
});
