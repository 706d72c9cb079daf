/**
 * The runtime server as a real daemon process (spec 8.4-8.6, tests 94-96): started on demand by
 * `RuntimeClient` from `bun src/main.ts runtime daemon`, in a temp workspace. Every daemon a test
 * starts is stopped after it (shutdown, else SIGKILL by pid).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { RuntimeClient } from "../../src/runtime/client.ts";
import { PersistentCollab } from "../../src/runtime/persistent-collab.ts";
import { PersistentExecSessions } from "../../src/runtime/persistent-exec.ts";
import { exchange } from "../../src/runtime/rpc.ts";
import { builtinRegistry } from "../../src/tools/builtins.ts";
import { RuntimeError } from "../../src/util/errors.ts";
import { goneWithin, isAlive, killLeftovers } from "../support/processes.ts";
import { makeToolContext } from "../support/tool-context.ts";

const MAIN = resolve(import.meta.dir, "../../src/main.ts");
const ENV = { PATH: "/usr/bin:/bin", HOME: "/nonexistent-home", TMPDIR: tmpdir() };

const workspaces: string[] = [];
/** Daemon pids seen, and orphan pids to make sure of. */
const pids = new Set<number>();

function workspace(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "sr-rtd-")));
  workspaces.push(dir);
  return dir;
}

function daemonPid(ws: string): number | null {
  try {
    const pid = JSON.parse(readFileSync(join(ws, ".skills_runtime_sdk/runtime/server.json"), "utf8")).pid as number;
    pids.add(pid);
    return pid;
  } catch {
    return null;
  }
}

function client(ws: string, daemonArgs: string[] = []): RuntimeClient {
  return new RuntimeClient(ws, { serverCommand: [process.execPath, MAIN, "runtime", "daemon", ...daemonArgs], env: ENV, startTimeoutMs: 15_000 });
}

afterEach(async () => {
  for (const ws of workspaces.splice(0)) {
    const pid = daemonPid(ws);
    await new RuntimeClient(ws).callIfRunning("shutdown", {}).catch(() => null);
    if (pid !== null && !(await goneWithin(pid, 5_000))) killLeftovers([pid]);
    rmSync(ws, { recursive: true, force: true });
  }
  killLeftovers([...pids]);
  pids.clear();
});

async function rejection(promise: Promise<unknown>): Promise<RuntimeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RuntimeError) return error;
    throw error;
  }
  throw new Error("expected a RuntimeError");
}

describe("runtime daemon: security bounds (spec test 94)", () => {
  test("> 1 MiB is validation and the server still answers; server.json is 0600; cwd outside is permission", async () => {
    const ws = workspace();
    const rt = client(ws);
    await rt.call("ping", {});
    daemonPid(ws);
    const info = JSON.parse(readFileSync(rt.paths.serverJson, "utf8"));
    expect(statSync(rt.paths.serverJson).mode & 0o077).toBe(0);
    expect(info.pid).not.toBe(process.pid);

    const big = JSON.stringify({ method: "runtime.status", params: { pad: "x".repeat(1024 * 1024 + 1) }, secret: info.secret });
    const answer = JSON.parse(await exchange(info.socket_path, big, { timeoutMs: 10_000 }));
    expect(answer).toMatchObject({ ok: false, error_kind: "validation" });
    expect((await rt.call("runtime.status", {})).pid).toBe(info.pid);

    const escaped = await rejection(rt.call("exec.spawn", { argv: ["true"], cwd: tmpdir() }));
    expect(escaped.kind).toBe("permission");
    expect(escaped.message).toBe("cwd escapes workspace_root");
  });

  test("a client that connects and never sends does not delay a concurrent status call", async () => {
    const ws = workspace();
    const rt = client(ws);
    await rt.call("ping", {});
    daemonPid(ws);
    const silent = createConnection({ path: rt.paths.socketPath });
    silent.on("error", () => {});
    await new Promise((done) => silent.once("connect", done));
    const t0 = performance.now();
    const status = await rt.call("runtime.status", {});
    expect(performance.now() - t0).toBeLessThan(750);
    expect(status.ok).toBe(true);
    silent.destroy();
  });
});

describe("runtime daemon: sub-agents (spec test 95)", () => {
  test("waiting_human, send_input, completed; after close: cancelled, send_input not_found, resume tool validation", async () => {
    const ws = workspace();
    const collab = new PersistentCollab(client(ws, ["--children", "builtin"]));
    const child = await collab.spawn({ message: "wait_input:x", agentType: "default" });
    daemonPid(ws);
    expect((await collab.wait([child.id], 100))[0]).toMatchObject({ id: child.id, status: "waiting_human" });
    await collab.sendInput(child.id, "ping");
    expect((await collab.wait([child.id], 5_000))[0]).toMatchObject({ status: "completed", final_output: "got:ping" });

    const other = await collab.spawn({ message: "wait_input:y", agentType: "default" });
    await collab.close(other.id);
    expect((await collab.wait([other.id], 100))[0]!.status).toBe("cancelled");
    expect((await rejection(collab.sendInput(other.id, "late"))).kind).toBe("not_found");
    const { ctx } = makeToolContext({ workspaceRoot: ws });
    ctx.services!.collab = collab;
    const resumed = await builtinRegistry(["resume_agent"]).dispatch("resume_agent", { id: other.id }, ctx);
    expect(resumed).toMatchObject({ ok: false, error_kind: "validation" });
  });
});

describe("runtime daemon: crash and restart (spec test 96)", () => {
  test("after SIGKILL the next call restarts it, the orphan is killed by its marker, and the old id is not found", async () => {
    const ws = workspace();
    const rt = client(ws);
    const sessions = new PersistentExecSessions(rt);
    // Ignores the hang-up the dying PTY sends, so only the reaper can end it.
    const { sessionId, pid } = await sessions.spawn({ argv: ["/bin/sh", "-c", "trap '' HUP; exec sleep 300"], cwd: ws, env: { PATH: "/usr/bin:/bin" } });
    pids.add(pid);
    const first = daemonPid(ws)!;
    process.kill(first, "SIGKILL");
    expect(await goneWithin(first, 5_000)).toBe(true);
    await Bun.sleep(200);
    expect(isAlive(pid)).toBe(true);

    const error = await rejection(sessions.write({ sessionId, chars: "", yieldTimeMs: 0, maxOutputBytes: 1024 }));
    expect(error.kind).toBe("not_found");
    expect(error.message).toContain(`exec session ${sessionId}: session not found`);
    expect(error.message).toContain("runtime server restarted");
    const second = daemonPid(ws)!;
    expect(second).not.toBe(first);
    expect(await goneWithin(pid, 2_000)).toBe(true);
    const status = await rt.call("runtime.status", {});
    expect(status.exec_registry.last_orphan_cleanup).toMatchObject({ ok: true, killed: 1 });
    expect(status.exec_registry.count).toBe(0);
  });
});

describe("runtime daemon: lifecycle", () => {
  test("exits by itself when idle and removes its socket and server.json", async () => {
    const ws = workspace();
    const rt = client(ws, ["--idle-exit-ms", "400"]);
    await rt.call("ping", {});
    const pid = daemonPid(ws)!;
    expect(await goneWithin(pid, 5_000)).toBe(true);
    expect(existsSync(rt.paths.serverJson)).toBe(false);
    expect(existsSync(rt.paths.socketPath)).toBe(false);
    expect(await rt.callIfRunning("ping", {})).toBeNull();
  });

  test("two clients starting it at once share one server", async () => {
    const ws = workspace();
    const [a, b] = await Promise.all([client(ws).call("runtime.status", {}), client(ws).call("runtime.status", {})]);
    daemonPid(ws);
    expect(a.pid).toBe(b.pid);
  });

  test("SIGTERM stops it like shutdown: sessions closed, socket and server.json removed", async () => {
    const ws = workspace();
    const rt = client(ws);
    const { pid: session } = await new PersistentExecSessions(rt).spawn({ argv: ["sleep", "300"], cwd: ws, env: { PATH: "/usr/bin:/bin" } });
    pids.add(session);
    const pid = daemonPid(ws)!;
    process.kill(pid, "SIGTERM");
    expect(await goneWithin(pid, 5_000)).toBe(true);
    expect(await goneWithin(session, 2_000)).toBe(true);
    expect(existsSync(rt.paths.serverJson)).toBe(false);
    expect(existsSync(rt.paths.socketPath)).toBe(false);
  });

  test("an invalid server.json next to a live socket file is refused, not cleaned up", async () => {
    const ws = workspace();
    const rt = client(ws);
    await rt.call("ping", {});
    daemonPid(ws);
    const saved = readFileSync(rt.paths.serverJson, "utf8");
    writeFileSync(rt.paths.serverJson, "{broken");
    const error = await rejection(rt.call("ping", {}));
    expect(error.message).toContain("refusing to cleanup");
    writeFileSync(rt.paths.serverJson, saved);
  });
});

describe("tools CLI across processes", () => {
  function cli(ws: string, args: string[]) {
    const r = Bun.spawnSync([process.execPath, MAIN, ...args], { cwd: ws, env: ENV, stdout: "pipe", stderr: "pipe" });
    const stdout = r.stdout.toString();
    daemonPid(ws);
    return { code: r.exitCode, stdout, stderr: r.stderr.toString(), json: stdout.trim().startsWith("{") ? JSON.parse(stdout) : null };
  }

  test("exec-command in one process, write-stdin in the next reads the interactive answer", () => {
    const ws = workspace();
    const started = cli(ws, ["tools", "exec-command", "--cmd", 'printf "name? "; read name; echo "hello $name"', "--yield-time-ms", "300", "--yes"]);
    expect(started.code).toBe(0);
    expect(started.json.result.stdout).toContain("name? ");
    const sessionId = started.json.result.data.session_id;
    expect(sessionId).toBe(1);

    const answered = cli(ws, ["tools", "write-stdin", "--session-id", String(sessionId), "--chars", "bun\r", "--yield-time-ms", "2000", "--yes"]);
    expect(answered.code).toBe(0);
    expect(answered.json.result.stdout).toContain("hello bun");
    expect(answered.json.result.data.running).toBe(false);

    const again = cli(ws, ["tools", "write-stdin", "--session-id", String(sessionId), "--yes"]);
    expect(again.code).toBe(22);
    expect(again.json.result.error_kind).toBe("not_found");

    const status = cli(ws, ["runtime", "status"]);
    expect(status.code).toBe(0);
    expect(status.json.active_exec_sessions).toBe(0);
    const stopped = cli(ws, ["runtime", "stop"]);
    expect(stopped.code).toBe(0);
    expect(cli(ws, ["runtime", "status"]).code).toBe(1);
  });

  test("spawn-agent with a fake-backend child that asks, then wait, send-input, wait, close across processes", () => {
    const ws = workspace();
    writeFileSync(
      join(ws, "child.yaml"),
      [
        "calls:",
        "  - events:",
        "      - type: tool_calls",
        "        tool_calls:",
        "          - name: ask_human",
        '            arguments: { question: "Which env?" }',
        "      - type: completed",
        "        finish_reason: tool_calls",
        "  - text: deploying to the chosen env",
        "",
      ].join("\n"),
    );
    const spawned = cli(ws, ["tools", "spawn-agent", "--message", "deploy", "--backend", "fake", "--fake-script", "child.yaml", "--yes"]);
    expect(spawned.code).toBe(0);
    const id = spawned.json.result.data.id;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const walLocator = spawned.json.result.data.child_wal_locator;
    expect(walLocator).toBe(join(ws, ".skills_runtime_sdk/runs", `run_${id}`, "events.jsonl"));

    // A waiting_human child is live: wait returns at its timeout, so poll with a short one.
    let waiting = cli(ws, ["tools", "wait", "--ids", id, "--timeout-ms", "200"]);
    for (let i = 0; i < 20 && waiting.json.result.data.results[0].status === "running"; i++) waiting = cli(ws, ["tools", "wait", "--ids", id, "--timeout-ms", "200"]);
    expect(waiting.json.result.data.results[0]).toMatchObject({ id, status: "waiting_human", question: "Which env?" });
    expect(cli(ws, ["tools", "send-input", "--id", id, "--message", "staging", "--yes"]).code).toBe(0);
    const done = cli(ws, ["tools", "wait", "--ids", id, "--timeout-ms", "5000"]);
    expect(done.json.result.data.results[0]).toMatchObject({ status: "completed", final_output: "deploying to the chosen env" });
    expect(done.json.result.data.results[0].wal_locator).toBe(walLocator);
    const wal = readFileSync(walLocator, "utf8");
    expect(wal).toContain('"human_response"');

    expect(cli(ws, ["tools", "send-input", "--id", id, "--message", "late", "--yes"]).code).toBe(22);
    expect(cli(ws, ["tools", "close-agent", "--id", id, "--yes"]).code).toBe(0);
    expect(cli(ws, ["tools", "resume-agent", "--id", id, "--yes"]).json.result.data).toMatchObject({ id, status: "completed" });
    expect(cli(ws, ["runtime", "stop"]).code).toBe(0);
  });
});
