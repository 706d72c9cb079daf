import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { MAX_SOCKET_PATH_CHARS, runtimePaths } from "./paths.ts";

describe("runtimePaths", () => {
  test("puts every file under <ws>/.skills_runtime_sdk/runtime/", () => {
    const p = runtimePaths("/w/proj");
    const dir = "/w/proj/.skills_runtime_sdk/runtime";
    expect(p).toMatchObject({
      workspaceRoot: "/w/proj",
      dir,
      socketPath: join(dir, "runtime.sock"),
      serverJson: join(dir, "server.json"),
      stdoutLog: join(dir, "server.stdout.log"),
      stderrLog: join(dir, "server.stderr.log"),
      execRegistry: join(dir, "exec_registry.json"),
      execRegistryTmp: join(dir, "exec_registry.tmp"),
    });
  });

  test("resolves a relative workspace root", () => {
    expect(runtimePaths(".").workspaceRoot).toBe(process.cwd());
  });

  test("a socket path longer than 90 characters moves to the temp dir, named by the workspace hash", () => {
    const ws = `/w/${"x".repeat(80)}`;
    const p = runtimePaths(ws, { tmpDir: "/tmpx" });
    const digest = createHash("sha256").update(ws).digest("hex").slice(0, 16);
    expect(join(ws, ".skills_runtime_sdk/runtime/runtime.sock").length).toBeGreaterThan(MAX_SOCKET_PATH_CHARS);
    expect(p.socketPath).toBe(`/tmpx/skills_runtime_sdk_${digest}.sock`);
    // everything else stays in the workspace
    expect(p.serverJson).toBe(join(ws, ".skills_runtime_sdk/runtime/server.json"));
  });

  test("exactly 90 characters keeps the socket in the workspace", () => {
    const suffix = "/.skills_runtime_sdk/runtime/runtime.sock";
    const ws = `/${"a".repeat(90 - suffix.length - 1)}`;
    expect(runtimePaths(ws, { tmpDir: "/tmpx" }).socketPath).toBe(`${ws}${suffix}`);
    expect(runtimePaths(`${ws}b`, { tmpDir: "/tmpx" }).socketPath).toStartWith("/tmpx/skills_runtime_sdk_");
  });
});
