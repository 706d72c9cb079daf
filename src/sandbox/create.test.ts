import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeToolContext, registryWith, tempDirs, testConfig } from "../../test/support/tool-context.ts";
import { shellExecTool } from "../tools/shell-exec.ts";
import { BubblewrapSandboxAdapter } from "./bwrap.ts";
import { createSandboxAdapter } from "./create.ts";
import type { SandboxProbe, SandboxProbeInput } from "./detect.ts";
import { SeatbeltSandboxAdapter } from "./seatbelt.ts";

const newDir = tempDirs("sr-create-");

function fakeProbe(result: Partial<SandboxProbe>) {
  const seen: SandboxProbeInput[] = [];
  const probe = async (input: SandboxProbeInput): Promise<SandboxProbe> => {
    seen.push(input);
    return { adapter: "bubblewrap", available: true, binary: "/usr/bin/bwrap", version: "0.8.0", reason: null, fix: null, ...result };
  };
  return { probe, seen };
}

describe("createSandboxAdapter", () => {
  test("a usable bubblewrap gives the bubblewrap adapter with the profile, unshare_net and the probed binary", async () => {
    const { probe, seen } = fakeProbe({});
    const config = testConfig({ sandbox: { profile: "prod", os: { bubblewrap: { bwrap_path: "my-bwrap", unshare_net: false } } } });
    const selection = await createSandboxAdapter(config, { workspaceRoot: "/ws", pathEnv: "/usr/bin", platform: "linux", probe });
    expect(selection.unavailable).toBeNull();
    expect(selection.adapter).toBeInstanceOf(BubblewrapSandboxAdapter);
    expect((selection.adapter as BubblewrapSandboxAdapter).policy).toEqual({ bwrapPath: "/usr/bin/bwrap", profile: "prod", unshareNet: false });
    expect(seen).toEqual([{ platform: "linux", mode: "auto", bwrapPath: "my-bwrap", pathEnv: "/usr/bin", workspaceRoot: "/ws" }]);
  });

  test("a usable seatbelt gives the seatbelt adapter with the configured profile text", async () => {
    const { probe } = fakeProbe({ adapter: "seatbelt", binary: "/usr/bin/sandbox-exec" });
    const config = testConfig({ sandbox: { profile: "balanced", os: { seatbelt: { profile: "(version 1) (allow default)" } } } });
    const selection = await createSandboxAdapter(config, { workspaceRoot: "/ws", pathEnv: "", platform: "darwin", probe });
    expect(selection.adapter).toBeInstanceOf(SeatbeltSandboxAdapter);
    expect((selection.adapter as SeatbeltSandboxAdapter).options).toEqual({
      profile: "balanced",
      profileText: "(version 1) (allow default)",
      unshareNet: true,
      sandboxExecPath: "/usr/bin/sandbox-exec",
    });
  });

  test("an unusable adapter gives no adapter, with the probe's reason and fix", async () => {
    const { probe } = fakeProbe({ available: false, reason: "AppArmor restricts unprivileged user namespaces", fix: "Add an AppArmor profile." });
    const selection = await createSandboxAdapter(testConfig(), { workspaceRoot: "/ws", pathEnv: "", platform: "linux", probe });
    expect(selection.adapter).toBeNull();
    expect(selection.unavailable).toEqual({ reason: "AppArmor restricts unprivileged user namespaces", fix: "Add an AppArmor profile." });
  });

  test("a probe that throws is reported as the reason, not thrown", async () => {
    const probe = async (): Promise<SandboxProbe> => {
      throw new Error("EACCES: permission denied, posix_spawn '/usr/bin/bwrap'");
    };
    const selection = await createSandboxAdapter(testConfig(), { workspaceRoot: "/ws", pathEnv: "", platform: "linux", probe });
    expect(selection.adapter).toBeNull();
    expect(selection.unavailable?.reason).toBe("the bubblewrap sandbox probe failed: EACCES: permission denied, posix_spawn '/usr/bin/bwrap'");
  });

  test("mode none, seatbelt on linux and a bwrap only inside the workspace each say why (real probe)", async () => {
    const ws = newDir();
    mkdirSync(join(ws, "bin"));
    writeFileSync(join(ws, "bin", "bwrap"), "#!/bin/sh\nexit 0\n");
    chmodSync(join(ws, "bin", "bwrap"), 0o755);
    const none = await createSandboxAdapter(testConfig({ sandbox: { os: { mode: "none" } } }), { workspaceRoot: ws, pathEnv: "/usr/bin", platform: "linux" });
    expect(none.unavailable?.reason).toBe("sandbox.os.mode is none: no OS sandbox adapter is configured");
    expect(none.unavailable?.fix).toContain("Set sandbox.os.mode to auto");
    const seatbelt = await createSandboxAdapter(testConfig({ sandbox: { os: { mode: "seatbelt" } } }), { workspaceRoot: ws, pathEnv: "/usr/bin", platform: "linux" });
    expect(seatbelt.unavailable?.reason).toBe("seatbelt (sandbox-exec) only exists on macOS");
    const planted = await createSandboxAdapter(testConfig({ sandbox: { os: { bubblewrap: { bwrap_path: join(ws, "bin", "bwrap") } } } }), {
      workspaceRoot: ws,
      pathEnv: "/usr/bin",
      platform: "linux",
    });
    expect(planted.adapter).toBeNull();
    expect(planted.unavailable?.reason).toContain("a bwrap inside the workspace is never used");
  });

  test("the reason reaches a restricted shell_exec result as sandbox_denied, and nothing runs", async () => {
    const ws = newDir();
    const config = testConfig({ sandbox: { profile: "balanced", default_policy: "restricted", os: { bubblewrap: { bwrap_path: "sr-no-such-bwrap" } } } });
    const selection = await createSandboxAdapter(config, { workspaceRoot: ws, pathEnv: "/usr/bin:/bin", platform: "linux" });
    const { ctx } = makeToolContext({ workspaceRoot: ws, config, sandboxAdapter: selection.adapter, sandboxUnavailable: selection.unavailable });
    const r = await registryWith(shellExecTool).dispatch("shell_exec", { argv: ["touch", "ran"] }, ctx);
    expect(r).toMatchObject({ ok: false, error_kind: "sandbox_denied" });
    expect(r.stderr).toContain('cannot run "touch" under sandbox "restricted" because bwrap executable "sr-no-such-bwrap" not found on PATH');
    expect(r.stderr).toContain("Fix: Install bubblewrap");
    expect(r.data?.sandbox).toEqual({ requested: "inherit", effective: "restricted", adapter: null, active: false, profile: "balanced" });
    expect(existsSync(join(ws, "ran"))).toBe(false);
  });
});
