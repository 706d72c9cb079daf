import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../../../test/support/cli.ts";
import { goneWithin, killLeftovers } from "../../../test/support/processes.ts";
import { updateExecRegistry } from "../../runtime/exec-registry.ts";
import { runtimePaths } from "../../runtime/paths.ts";
import { MARKER_ENV } from "../../runtime/reaper.ts";
import { spawnDetached } from "../../sandbox/spawn.ts";

const dirs: string[] = [];
const pids: number[] = [];
function ws(): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), "sr-runtime-cli-")));
  dirs.push(d);
  return d;
}
afterEach(() => {
  killLeftovers(pids.splice(0));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ENV = { PATH: "/usr/bin:/bin", HOME: "/nonexistent-home" };

describe("runtime command", () => {
  test("--help lists status, stop and cleanup, not the internal daemon", async () => {
    const r = await cli(["runtime", "--help"], { cwd: ws() });
    expect(r.code).toBe(0);
    for (const name of ["status", "stop", "cleanup"]) expect(r.stdout).toMatch(new RegExp(`\\n  ${name}\\s`));
    expect(r.stdout).not.toMatch(/\n  daemon\s/);
  });

  for (const name of ["status", "stop", "cleanup", "daemon"]) {
    test(`runtime ${name} --help answers with usage, flags and an example`, async () => {
      const r = await cli(["runtime", name, "--help"], { cwd: ws() });
      expect(r.code).toBe(0);
      expect(r.stdout).toStartWith(`Usage: skills-runtime runtime ${name} `);
      expect(r.stdout).toContain("Flags:");
      expect(r.stdout).toMatch(/Example:\n  skills-runtime runtime /);
    });
  }

  test("the top-level help lists the runtime command", async () => {
    expect((await cli(["--help"], { cwd: ws() })).stdout).toMatch(/\n  runtime\s/);
  });

  test("an unknown subcommand is a usage error (exit 2)", async () => {
    const r = await cli(["runtime", "frob"], { cwd: ws() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frob"');
  });

  test("status and stop start nothing when no server runs", async () => {
    const root = ws();
    const status = await cli(["runtime", "status"], { cwd: root, env: ENV });
    expect(status.code).toBe(1);
    expect(status.stderr).toContain(`No runtime server is running for workspace "${root}"`);
    const stop = await cli(["runtime", "stop"], { cwd: root, env: ENV });
    expect(stop.code).toBe(0);
    expect(existsSync(join(root, ".skills_runtime_sdk/runtime/server.json"))).toBe(false);
  });

  test("cleanup with no server running kills the orphans a crashed server registered", async () => {
    const root = ws();
    const paths = runtimePaths(root);
    const marker = "0123456789abcdef";
    const orphan = spawnDetached(["sleep", "30"], { cwd: root, env: { PATH: ENV.PATH, [MARKER_ENV]: marker }, stdoutPath: "/dev/null", stderrPath: "/dev/null" });
    pids.push(orphan.pid);
    await Bun.sleep(50);
    updateExecRegistry({ path: paths.execRegistry, tmpPath: paths.execRegistryTmp, workspaceRoot: root }, (r) => {
      r.exec_sessions["3"] = { pid: orphan.pid, pgid: orphan.pid, created_at_ms: 1, argv: ["sleep", "30"], cwd: root, marker };
    });
    const r = await cli(["runtime", "cleanup"], { cwd: root, env: ENV });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ server: "not_running", ok: true, orphan_cleanup: { ok: true, killed: 1, skipped: 0, kept: 0, errors: [] } });
    expect(await goneWithin(orphan.pid)).toBe(true);
    expect(existsSync(paths.serverJson)).toBe(false);
  });
});
