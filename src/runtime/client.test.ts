import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tempDirs } from "../../test/support/tool-context.ts";
import { RuntimeError } from "../util/errors.ts";
import { RuntimeClient, callTimeoutMs } from "./client.ts";

const tempDir = tempDirs("sr-client-");
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function failure(promise: Promise<unknown>): Promise<RuntimeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RuntimeError) return error;
    throw error;
  }
  throw new Error("expected a RuntimeError");
}

function clientFor(ws: string, serverCommand: string[], startTimeoutMs = 2_000): RuntimeClient {
  return new RuntimeClient(ws, { serverCommand, env: { PATH: "/usr/bin:/bin" }, startTimeoutMs });
}

describe("callTimeoutMs", () => {
  test("ping 0.5 s; exec.write and collab.wait max(5 s, wait + 1.5 s); a wait without timeout has none; others 5 s", () => {
    expect(callTimeoutMs("ping", {})).toBe(500);
    expect(callTimeoutMs("exec.write", { yield_time_ms: 50 })).toBe(5_000);
    expect(callTimeoutMs("exec.write", { yield_time_ms: 10_000 })).toBe(11_500);
    expect(callTimeoutMs("collab.wait", { timeout_ms: 8_000 })).toBe(9_500);
    expect(callTimeoutMs("collab.wait", { timeout_ms: null })).toBe(Number.POSITIVE_INFINITY);
    expect(callTimeoutMs("runtime.status", {})).toBe(5_000);
  });
});

describe("RuntimeClient.ensureServer", () => {
  test("a server that exits at start is reported at once with the end of its stderr", async () => {
    const ws = tempDir();
    const t0 = performance.now();
    const error = await failure(clientFor(ws, ["/bin/sh", "-c", "echo boom-on-start >&2; exit 3"], 5_000).ensureServer());
    expect(performance.now() - t0).toBeLessThan(3_000);
    expect(error.message).toContain("exited at start (code 3)");
    expect(error.message).toContain("boom-on-start");
  });

  test("a server that never publishes server.json times out with the end of its stderr", async () => {
    const ws = tempDir();
    const error = await failure(clientFor(ws, ["/bin/sh", "-c", "echo still-starting >&2; exec sleep 30"], 300).ensureServer());
    expect(error.message).toContain("runtime server start timeout after 300 ms");
    expect(error.message).toContain("still-starting");
  });

  test("a server.json whose pid is dead is stale: it is removed and a new server is started", async () => {
    const ws = tempDir();
    const client = clientFor(ws, ["/bin/sh", "-c", "exit 1"]);
    mkdirSync(client.paths.dir, { recursive: true });
    writeFileSync(client.paths.serverJson, JSON.stringify({ pid: 2 ** 22 + 12345, socket_path: client.paths.socketPath, secret: "s", created_at_ms: 1 }));
    writeFileSync(client.paths.socketPath, "");
    const error = await failure(client.ensureServer());
    expect(error.message).toContain("exited at start");
    expect(existsSync(client.paths.serverJson)).toBe(false);
    expect(existsSync(client.paths.socketPath)).toBe(false);
  });

  test("an invalid server.json next to an existing socket is refused, nothing removed", async () => {
    const ws = tempDir();
    const client = clientFor(ws, ["/bin/sh", "-c", "exit 1"]);
    mkdirSync(client.paths.dir, { recursive: true });
    writeFileSync(client.paths.serverJson, JSON.stringify({ pid: 0 }));
    writeFileSync(client.paths.socketPath, "");
    const error = await failure(client.ensureServer());
    expect(error.message).toContain("discovery metadata invalid while socket still exists; refusing to cleanup");
    expect(existsSync(client.paths.serverJson)).toBe(true);
    expect(existsSync(client.paths.socketPath)).toBe(true);
  });

  test("a live server that does not answer ping within 0.5 s is refused, not restarted", async () => {
    const ws = tempDir();
    const client = clientFor(ws, ["/bin/sh", "-c", "exit 1"]);
    mkdirSync(client.paths.dir, { recursive: true });
    const mute = createServer({ allowHalfOpen: true }, () => {});
    servers.push(mute);
    await new Promise<void>((resolve) => mute.listen(client.paths.socketPath, resolve));
    writeFileSync(client.paths.serverJson, JSON.stringify({ pid: process.pid, socket_path: client.paths.socketPath, secret: "s", created_at_ms: 1 }));
    const t0 = performance.now();
    const error = await failure(client.ensureServer());
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(error.message).toContain("alive but unresponsive; refusing to cleanup");
    expect(existsSync(client.paths.serverJson)).toBe(true);
  });

  test("callIfRunning never starts a server", async () => {
    const ws = tempDir();
    const client = clientFor(ws, ["/bin/sh", "-c", "exit 1"]);
    expect(await client.callIfRunning("runtime.status", {})).toBeNull();
    expect(existsSync(client.paths.stderrLog)).toBe(false);
  });
});
