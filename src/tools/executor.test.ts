import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { goneWithin, groupGoneWithin, isAlive, killLeftovers } from "../../test/support/processes.ts";
import { TEST_BASE_ENV, makeToolContext, tempDirs } from "../../test/support/tool-context.ts";
import { TRUNCATION_MARKER, capCombined, commandEnv, runCommand, type ExecutorLimits } from "./executor.ts";

const newDir = tempDirs("sr-exec-");
const env = { ...TEST_BASE_ENV };
const sh = (script: string) => ["/bin/sh", "-c", script];
const pidsIn = (text: string) => text.split(/\s+/).filter(Boolean).map(Number);

describe("runCommand: outcomes", () => {
  test("returns output and exit code 0 as ok", async () => {
    const r = await runCommand({ argv: sh("echo out; echo err >&2"), cwd: newDir(), env });
    expect(r).toMatchObject({ ok: true, exitCode: 0, stdout: "out\n", stderr: "err\n", truncated: false, timedOut: false, errorKind: null });
  });

  test("runs in the given cwd with exactly the given env", async () => {
    const cwd = newDir();
    const r = await runCommand({ argv: sh('pwd; echo "[$ONLY][$HOME]"'), cwd, env: { ...env, ONLY: "yes" } });
    expect(r.stdout).toBe(`${cwd}\n[yes][]\n`);
  });

  test("a non-zero exit is an exit_code error that keeps the output", async () => {
    const r = await runCommand({ argv: sh("echo partial; echo boom >&2; exit 3"), cwd: newDir(), env });
    expect(r).toMatchObject({ ok: false, exitCode: 3, stdout: "partial\n", stderr: "boom\n", errorKind: "exit_code" });
  });

  test("death by a signal reports the negative signal number, as the reference does", async () => {
    const r = await runCommand({ argv: sh("kill -9 $$"), cwd: newDir(), env });
    expect(r).toMatchObject({ ok: false, exitCode: -9, errorKind: "exit_code" });
  });

  test("a missing binary is not_found", async () => {
    const r = await runCommand({ argv: ["sr-no-such-binary-xyz", "--help"], cwd: newDir(), env });
    expect(r).toMatchObject({ ok: false, exitCode: null, errorKind: "not_found" });
    expect(r.stderr).toContain('Cannot run "sr-no-such-binary-xyz"');
  });

  test("a file that cannot be executed is unknown", async () => {
    const dir = newDir();
    const file = join(dir, "not-executable");
    writeFileSync(file, "#!/bin/sh\necho hi\n");
    chmodSync(file, 0o644);
    const r = await runCommand({ argv: [file], cwd: dir, env });
    expect(r).toMatchObject({ ok: false, errorKind: "unknown" });
    expect(r.stderr).toContain(`Cannot run "${file}"`);
  });

  test("decodes UTF-8 output unchanged", async () => {
    const r = await runCommand({ argv: ["printf", "你好, wörld 🌍\\n"], cwd: newDir(), env });
    expect(r.stdout).toBe("你好, wörld 🌍\n");
  });

  test("invalid UTF-8 bytes become replacement characters", async () => {
    const r = await runCommand({ argv: ["printf", "a\\377b"], cwd: newDir(), env });
    expect(r.stdout).toBe("a\uFFFDb");
  });
});

describe("runCommand: large limits", () => {
  test("a timeout beyond the timer range does not fire at once", async () => {
    const r = await runCommand({ argv: sh("sleep 0.1; echo done"), cwd: newDir(), env, timeoutMs: 10_000_000_000 });
    expect(r).toMatchObject({ ok: true, stdout: "done\n" });
  });
});

describe("runCommand: validation", () => {
  test("rejects an empty argv", async () => {
    const r = await runCommand({ argv: [], cwd: newDir(), env });
    expect(r).toMatchObject({ ok: false, errorKind: "validation", stderr: "Cannot run command: argv is empty" });
  });

  test("rejects a missing cwd and a cwd that is a file, without running anything", async () => {
    const dir = newDir();
    const marker = join(dir, "ran");
    const file = join(dir, "file.txt");
    writeFileSync(file, "x");
    for (const cwd of [join(dir, "missing"), file]) {
      const r = await runCommand({ argv: sh(`touch ${marker}`), cwd, env });
      expect(r).toMatchObject({ ok: false, errorKind: "validation" });
      expect(r.stderr).toContain(`in "${cwd}"`);
    }
    expect(existsSync(marker)).toBe(false);
  });

  test("rejects a timeout below 1 ms", async () => {
    const r = await runCommand({ argv: ["true"], cwd: newDir(), env, timeoutMs: 0 });
    expect(r).toMatchObject({ ok: false, errorKind: "validation" });
    expect(r.stderr).toContain("timeout_ms must be an integer >= 1, got 0");
  });
});

describe("runCommand: timeout and cancel", () => {
  test("a timeout kills the whole group, grandchildren included", async () => {
    const script = "sleep 30 & echo $!; sh -c 'sleep 31 & echo $!; exec sleep 32' & sleep 0.2; exec sleep 33";
    const started = performance.now();
    const r = await runCommand({ argv: sh(script), cwd: newDir(), env, timeoutMs: 500 });
    const pids = pidsIn(r.stdout);
    try {
      expect(r).toMatchObject({ ok: false, exitCode: null, timedOut: true, errorKind: "timeout" });
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(pids.length).toBe(2);
      for (const pid of pids) expect(await goneWithin(pid)).toBe(true);
    } finally {
      killLeftovers(pids);
    }
  });

  test("a process that ignores SIGTERM is killed with SIGKILL after the grace period", async () => {
    const started = performance.now();
    const r = await runCommand({ argv: sh("trap '' TERM; echo ready; while :; do sleep 0.05; done"), cwd: newDir(), env, timeoutMs: 300 });
    const elapsed = performance.now() - started;
    expect(r).toMatchObject({ errorKind: "timeout", exitCode: null, stdout: "ready\n" });
    expect(elapsed).toBeGreaterThanOrEqual(480); // 300 ms timeout + 200 ms grace (timer slack allowed)
    expect(elapsed).toBeLessThan(5_000);
  });

  test("a fork-bomb-like loop is killed on timeout, every process of its group included", async () => {
    const dir = newDir();
    const pidFile = join(dir, "pids");
    // The leader records its pid (= process group id); every spawned child records its own.
    const script = `echo $$ > leader; i=0; while [ $i -lt 1500 ]; do sh -c 'echo $$ >> pids; exec sleep 60' & i=$((i+1)); done; wait`;
    const r = await runCommand({ argv: sh(script), cwd: dir, env, timeoutMs: 700 });
    const leader = Number(readFileSync(join(dir, "leader"), "utf8"));
    const children = existsSync(pidFile) ? pidsIn(readFileSync(pidFile, "utf8")) : [];
    try {
      expect(r.errorKind).toBe("timeout");
      expect(children.length).toBeGreaterThan(10);
      expect(await groupGoneWithin(leader, 3_000)).toEqual([]);
      expect(children.filter(isAlive)).toEqual([]);
    } finally {
      killLeftovers(children);
    }
  });

  test("an abort cancels the command and kills its group", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const r = await runCommand({ argv: sh("sleep 30 & echo $!; exec sleep 31"), cwd: newDir(), env, signal: ac.signal });
    const pids = pidsIn(r.stdout);
    try {
      expect(r).toMatchObject({ ok: false, exitCode: null, timedOut: false, errorKind: "cancelled" });
      expect(pids.length).toBe(1);
      expect(await goneWithin(pids[0]!)).toBe(true);
    } finally {
      killLeftovers(pids);
    }
  });

  test("an already aborted signal runs nothing", async () => {
    const dir = newDir();
    const ac = new AbortController();
    ac.abort();
    const r = await runCommand({ argv: ["touch", join(dir, "ran")], cwd: dir, env, signal: ac.signal });
    expect(r.errorKind).toBe("cancelled");
    expect(existsSync(join(dir, "ran"))).toBe(false);
  });
});

describe("runCommand: output caps", () => {
  test("keeps the last 64 KiB of a large stream and marks it truncated", async () => {
    const r = await runCommand({ argv: sh("seq 1 100000"), cwd: newDir(), env });
    expect(r.ok).toBe(true);
    expect(r.truncated).toBe(true);
    expect(r.stdout.startsWith(TRUNCATION_MARKER)).toBe(true);
    expect(Buffer.byteLength(r.stdout) - TRUNCATION_MARKER.length).toBe(64 * 1024);
    expect(r.stdout.endsWith("\n99999\n100000\n")).toBe(true);
    expect(r.stderr).toBe(""); // empty streams get no marker
  });

  test("the combined cap drops from the head of stdout first", async () => {
    const limits: ExecutorLimits = { maxStdoutBytes: 1000, maxStderrBytes: 1000, maxCombinedBytes: 1500, killGraceMs: 200 };
    const r = await runCommand({ argv: sh("head -c 5000 /dev/zero | tr '\\0' o; head -c 5000 /dev/zero | tr '\\0' e >&2"), cwd: newDir(), env }, limits);
    expect(r.truncated).toBe(true);
    expect(r.stdout).toBe(TRUNCATION_MARKER + "o".repeat(500));
    expect(r.stderr).toBe(TRUNCATION_MARKER + "e".repeat(1000));
  });

  test("the combined cap alone also marks both non-empty streams", async () => {
    const limits: ExecutorLimits = { maxStdoutBytes: 1000, maxStderrBytes: 1000, maxCombinedBytes: 1500, killGraceMs: 200 };
    const r = await runCommand({ argv: sh("head -c 900 /dev/zero | tr '\\0' o; head -c 900 /dev/zero | tr '\\0' e >&2"), cwd: newDir(), env }, limits);
    expect(r.stdout).toBe(TRUNCATION_MARKER + "o".repeat(600));
    expect(r.stderr).toBe(TRUNCATION_MARKER + "e".repeat(900));
  });

  test("a stream that was not cut keeps its first bytes, even when the other one was cut", async () => {
    const limits: ExecutorLimits = { maxStdoutBytes: 1000, maxStderrBytes: 1000, maxCombinedBytes: 4096, killGraceMs: 200 };
    // stdout starts with a lone continuation byte (invalid UTF-8) and is short; stderr is cut
    const r = await runCommand({ argv: sh("printf '\\200ok'; head -c 3000 /dev/zero | tr '\\0' e >&2"), cwd: newDir(), env }, limits);
    expect(r.truncated).toBe(true);
    expect(r.stdout).toBe(TRUNCATION_MARKER + "\uFFFDok");
    expect(r.stderr).toBe(TRUNCATION_MARKER + "e".repeat(1000));
  });

  test("a cut never starts in the middle of a UTF-8 character", async () => {
    const limits: ExecutorLimits = { maxStdoutBytes: 1001, maxStderrBytes: 1001, maxCombinedBytes: 4096, killGraceMs: 200 };
    const r = await runCommand({ argv: sh("i=0; while [ $i -lt 1000 ]; do printf 'é'; i=$((i+1)); done"), cwd: newDir(), env }, limits);
    expect(r.truncated).toBe(true);
    expect(r.stdout).toBe(TRUNCATION_MARKER + "é".repeat(500));
  });
});

describe("capCombined", () => {
  const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

  test("leaves output under the cap alone", () => {
    expect(capCombined({ stdout: bytes(3, 1), stderr: bytes(3, 2) }, 6)).toEqual({ stdout: bytes(3, 1), stderr: bytes(3, 2), stdoutCut: false, stderrCut: false });
  });

  test("drops all of stdout and then the head of stderr when stderr alone is over the cap", () => {
    const out = capCombined({ stdout: bytes(100, 1), stderr: bytes(1000, 2) }, 500);
    expect(out.stdoutCut && out.stderrCut).toBe(true);
    expect(out.stdout.length).toBe(0);
    expect(out.stderr.length).toBe(500);
  });
});

describe("commandEnv", () => {
  test("overlays the run env store on the base env and the call env on both", async () => {
    const dir = newDir();
    const { ctx } = makeToolContext({ workspaceRoot: dir, baseEnv: { ...env, A: "base", B: "base", C: "base" }, env: { B: "run", C: "run" } });
    const merged = commandEnv(ctx, { C: "call" });
    expect(merged).toMatchObject({ A: "base", B: "run", C: "call" });
    const r = await runCommand({ argv: sh('echo "$A $B $C"'), cwd: dir, env: merged });
    expect(r.stdout).toBe("base run call\n");
  });
});
