/**
 * The runtime server from the compiled binary: `tools exec-command` starts the daemon as
 * `<binary> runtime daemon` (the same executable, no `bun`), and a later invocation writes to the
 * session it started.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileBinary } from "../../compile/build.ts";
import { goneWithin, killLeftovers } from "../support/processes.ts";

let dir: string;
let binary: string;
const daemons: number[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sr-e2e-rt-"));
  binary = join(dir, "skills-runtime");
  await compileBinary(binary);
}, 120_000);
afterAll(() => {
  killLeftovers(daemons);
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], cwd: string) {
  const r = Bun.spawnSync([binary, ...args], { cwd, env: { PATH: "/usr/bin:/bin", HOME: cwd }, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe("compiled binary: runtime server", () => {
  test("exec-command and write-stdin share a session across invocations; the daemon is the binary itself", async () => {
    const ws = join(dir, "ws");
    mkdirSync(ws);
    const started = run(["tools", "exec-command", "--cmd", 'read x; echo "answer:$x"', "--yield-time-ms", "200", "--yes"], ws);
    expect(started.code).toBe(0);
    const pid = JSON.parse(readFileSync(join(ws, ".skills_runtime_sdk/runtime/server.json"), "utf8")).pid as number;
    daemons.push(pid);
    if (existsSync("/proc/self/cmdline")) {
      expect(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean)).toEqual([binary, "runtime", "daemon"]);
    }
    const sessionId = JSON.parse(started.stdout).result.data.session_id;
    const answered = run(["tools", "write-stdin", "--session-id", String(sessionId), "--chars", "7\r", "--yield-time-ms", "2000", "--yes"], ws);
    expect(answered.code).toBe(0);
    expect(JSON.parse(answered.stdout).result.stdout).toContain("answer:7");
    expect(run(["runtime", "stop"], ws).code).toBe(0);
    expect(await goneWithin(pid, 5_000)).toBe(true);
  });
});
