import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { goneWithin } from "../../test/support/processes.ts";
import { tempDirs } from "../../test/support/tool-context.ts";
import { builtinChildRunner } from "../tools/collab-builtin-runner.ts";
import { InProcessExecSessions } from "../tools/pty-sessions.ts";
import { readExecRegistry } from "./exec-registry.ts";
import type { RuntimeResponse } from "./protocol.ts";
import { MARKER_ENV } from "./reaper.ts";
import { exchange, rpcCall } from "./rpc.ts";
import { RuntimeServer, type RuntimeServerOptions } from "./server.ts";

const tempDir = tempDirs("sr-server-");
const servers: RuntimeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop("test done")));
});

const SECRET = "test-secret";

async function startServer(options: Partial<RuntimeServerOptions> = {}) {
  const ws = tempDir();
  const server = new RuntimeServer({
    workspaceRoot: ws,
    secret: SECRET,
    execSessions: new InProcessExecSessions(),
    childRunner: builtinChildRunner,
    sessionEnv: { PATH: "/usr/bin:/bin" },
    ...options,
  });
  servers.push(server);
  const info = await server.start();
  const call = (method: string, params: Record<string, unknown> = {}, secret = SECRET): Promise<RuntimeResponse> =>
    rpcCall(info.socket_path, { method, params, secret }, { timeoutMs: 10_000 });
  return { ws, server, info, call };
}

const data = (r: RuntimeResponse): any => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error_kind}: ${r.error}`);
  return r.data;
};

describe("runtime server transport", () => {
  test("answers ping and publishes server.json and the socket with mode 0600", async () => {
    const { ws, info, call, server } = await startServer();
    expect(data(await call("ping"))).toEqual({ pong: true });
    expect(statSync(server.paths.serverJson).mode & 0o077).toBe(0);
    expect(statSync(info.socket_path).mode & 0o077).toBe(0);
    expect(JSON.parse(readFileSync(server.paths.serverJson, "utf8"))).toEqual({
      pid: process.pid,
      socket_path: join(ws, ".skills_runtime_sdk/runtime/runtime.sock"),
      secret: SECRET,
      created_at_ms: info.created_at_ms,
      workspace_root: ws,
    });
  });

  test("a wrong secret is permission 'invalid secret'", async () => {
    const { call } = await startServer();
    expect(await call("ping", {}, "nope")).toEqual({ ok: false, error_kind: "permission", error: "invalid secret" });
  });

  test("empty, non-JSON, non-object requests, bad params and unknown methods are validation errors", async () => {
    const { info, call } = await startServer();
    const raw = async (body: string) => JSON.parse(await exchange(info.socket_path, body, { timeoutMs: 5_000 }));
    expect(await raw("")).toMatchObject({ ok: false, error_kind: "validation", error: "empty request" });
    expect(await raw("{nope")).toMatchObject({ ok: false, error_kind: "validation" });
    expect(await raw("[1]")).toMatchObject({ ok: false, error_kind: "validation", error: "request must be a JSON object" });
    expect(await raw(JSON.stringify({ method: "ping", params: [], secret: SECRET }))).toMatchObject({ ok: false, error_kind: "validation" });
    expect(await call("frob")).toMatchObject({ ok: false, error_kind: "validation", error: 'unknown method: "frob"' });
    expect(await call("exec.write", { session_id: "x" })).toMatchObject({ ok: false, error_kind: "validation" });
  });

  test("more than 1 MiB is validation 'request too large' and the server keeps answering", async () => {
    const { info, call } = await startServer();
    const big = JSON.stringify({ method: "ping", params: { pad: "x".repeat(1024 * 1024 + 10) }, secret: SECRET });
    const answer = JSON.parse(await exchange(info.socket_path, big, { timeoutMs: 10_000 }));
    expect(answer.ok).toBe(false);
    expect(answer.error_kind).toBe("validation");
    expect(answer.error).toContain("request too large");
    expect(data(await call("runtime.status")).ok).toBe(true);
  });

  test("a client that connects and never sends is dropped after the recv timeout and delays nobody", async () => {
    const { info, call } = await startServer({ recvTimeoutMs: 300 });
    const silent = createConnection({ path: info.socket_path });
    const closed = new Promise<number>((resolve) => silent.on("close", () => resolve(performance.now())));
    silent.on("error", () => {});
    await new Promise((resolve) => silent.once("connect", resolve));
    const t0 = performance.now();
    expect(data(await call("runtime.status")).ok).toBe(true);
    expect(performance.now() - t0).toBeLessThan(250);
    expect((await closed) - t0).toBeLessThan(2_000);
  });
});

describe("runtime server exec", () => {
  test("a session's env carries the marker and workspace; it is registered until it exits", async () => {
    const { ws, call, server } = await startServer();
    const spawned = data(await call("exec.spawn", { argv: ["/bin/sh", "-c", `read x; echo "$${MARKER_ENV}|$SKILLS_RUNTIME_SDK_RUNTIME_WORKSPACE_ROOT|$x"`], cwd: ws, env: { PATH: "/usr/bin:/bin" } }));
    expect(spawned.session_id).toBe(1);
    const registry = readExecRegistry({ path: server.paths.execRegistry, tmpPath: server.paths.execRegistryTmp, workspaceRoot: ws });
    const entry = registry.exec_sessions["1"]!;
    expect(entry).toMatchObject({ pid: spawned.pid, pgid: spawned.pid, cwd: ws });
    expect(entry.marker).toMatch(/^[0-9a-f]{16}$/);
    expect(data(await call("runtime.status")).active_exec_sessions).toBe(1);
    const out = data(await call("exec.write", { session_id: 1, chars: "hi\r", yield_time_ms: 2_000 }));
    expect(out.stdout).toContain(`${entry.marker}|${ws}|hi`);
    expect(out).toMatchObject({ running: false, exit_code: 0, stderr: "" });
    expect(readExecRegistry({ path: server.paths.execRegistry, tmpPath: server.paths.execRegistryTmp, workspaceRoot: ws }).exec_sessions).toEqual({});
    expect(await call("exec.write", { session_id: 1 })).toEqual({ ok: false, error_kind: "not_found", error: "session not found" });
  });

  test("a cwd outside the workspace, also through a symlink, is permission 'cwd escapes workspace_root'", async () => {
    const { ws, call } = await startServer();
    const outside = tempDir();
    symlinkSync(outside, join(ws, "link"));
    mkdirSync(join(ws, "sub"));
    for (const cwd of [outside, join(ws, ".."), join(ws, "link")]) {
      expect(await call("exec.spawn", { argv: ["true"], cwd })).toEqual({ ok: false, error_kind: "permission", error: "cwd escapes workspace_root" });
    }
    expect(data(await call("exec.spawn", { argv: ["true"], cwd: "sub" })).session_id).toBe(1);
  });

  test("exec.close kills the session's process and reports whether it was found", async () => {
    const { ws, call } = await startServer();
    const { pid } = data(await call("exec.spawn", { argv: ["sleep", "30"], cwd: ws }));
    expect(data(await call("exec.close", { session_id: 1 }))).toEqual({ ok: true, session_id: 1, found: true });
    expect(await goneWithin(pid)).toBe(true);
    expect(data(await call("exec.close", { session_id: 1 }))).toEqual({ ok: true, session_id: 1, found: false });
  });

  test("runtime.cleanup closes every session and forgets every child", async () => {
    const { ws, call } = await startServer();
    const { pid } = data(await call("exec.spawn", { argv: ["sleep", "30"], cwd: ws }));
    const child = data(await call("collab.spawn", { message: "wait_input:q" }));
    expect(data(await call("runtime.cleanup"))).toEqual({ ok: true, exec: true, children: true, closed_exec_sessions: 1, cancelled_children: 1 });
    expect(await goneWithin(pid)).toBe(true);
    expect(await call("collab.wait", { ids: [child.id], timeout_ms: 10 })).toMatchObject({ ok: false, error_kind: "not_found" });
    expect(data(await call("runtime.status"))).toMatchObject({ active_exec_sessions: 0, active_children: 0 });
  });
});

describe("runtime server collab (spec test 95, builtin runner)", () => {
  test("wait_input: is waiting_human, answered by send_input, then completed; closed children are gone", async () => {
    const { call } = await startServer();
    const { id, status } = data(await call("collab.spawn", { message: "wait_input:x" }));
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(["running", "waiting_human"]).toContain(status);
    expect(data(await call("collab.wait", { ids: [id], timeout_ms: 100 })).results[0]).toMatchObject({ id, status: "waiting_human" });
    expect(data(await call("runtime.status")).active_children).toBe(1);
    expect(data(await call("collab.send_input", { id, message: "ping" }))).toEqual({ id });
    expect(data(await call("collab.wait", { ids: [id], timeout_ms: 2_000 })).results[0]).toMatchObject({ id, status: "completed", final_output: "got:ping" });

    const second = data(await call("collab.spawn", { message: "wait_input:y" })).id;
    expect(data(await call("collab.close", { id: second }))).toEqual({ id: second });
    expect(data(await call("collab.wait", { ids: [second], timeout_ms: 100 })).results[0]).toMatchObject({ status: "cancelled" });
    expect(await call("collab.send_input", { id: second, message: "late" })).toMatchObject({ ok: false, error_kind: "not_found" });
    expect(await call("collab.resume", { id: second })).toMatchObject({ ok: false, error_kind: "not_found" });
    expect(data(await call("collab.close", { id: second }))).toEqual({ id: second });
    expect(await call("collab.wait", { ids: ["f".repeat(32)] })).toMatchObject({ ok: false, error_kind: "not_found" });
  });

  test("collab.spawn passes the backend choice to the runner", async () => {
    const seen: unknown[] = [];
    const { call } = await startServer({
      childRunner: async (message, _ctx, options) => {
        seen.push(options);
        return { finalOutput: message };
      },
    });
    await call("collab.spawn", { message: "a", backend: "fake", fake_script: "- text: hi" });
    await call("collab.spawn", { message: "b" });
    expect(seen).toEqual([{ backend: "fake", fakeScript: "- text: hi" }, { backend: null, fakeScript: null }]);
  });
});

describe("runtime server lifecycle", () => {
  test("exits when idle, removing the socket and server.json", async () => {
    const { server, info } = await startServer({ idleExitMs: 200 });
    await server.closed;
    expect(existsSync(info.socket_path)).toBe(false);
    expect(existsSync(server.paths.serverJson)).toBe(false);
  });

  test("a live session keeps an idle server running", async () => {
    const { ws, server, call } = await startServer({ idleExitMs: 200 });
    const { pid } = data(await call("exec.spawn", { argv: ["sleep", "30"], cwd: ws }));
    const stopped = await Promise.race([server.closed.then(() => true), Bun.sleep(600).then(() => false)]);
    expect(stopped).toBe(false);
    process.kill(pid, "SIGKILL");
    await server.closed;
  });

  test("shutdown answers, then closes sessions and removes its files", async () => {
    const { ws, server, call, info } = await startServer();
    const { pid } = data(await call("exec.spawn", { argv: ["sleep", "30"], cwd: ws }));
    expect(data(await call("shutdown"))).toEqual({ ok: true });
    await server.closed;
    expect(await goneWithin(pid)).toBe(true);
    expect(existsSync(info.socket_path)).toBe(false);
    expect(existsSync(server.paths.serverJson)).toBe(false);
  });

  test("refuses to start on a socket another server listens on", async () => {
    const { ws } = await startServer();
    const second = new RuntimeServer({ workspaceRoot: ws, secret: "x", execSessions: new InProcessExecSessions(), childRunner: builtinChildRunner, sessionEnv: {} });
    await expect(second.start()).rejects.toThrow(/another server is listening/);
  });
});
