/**
 * Helpers for file-tool unit tests: temp workspaces (removed after each test) and dispatching a
 * builtin tool through a real ToolRegistry, so argument validation runs as in a run.
 */
import { afterEach } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ToolResultPayload } from "../../src/events/tool-result.ts";
import { ToolRegistry, type ToolContext, type ToolDefinition } from "../../src/tools/registry.ts";

export interface TempDirs {
  /** A fresh real (symlink-free) temp directory. */
  make(): string;
}

export function tempDirs(prefix: string): TempDirs {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    make() {
      const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
      made.push(dir);
      return dir;
    },
  };
}

/** Write files (relative path -> content), creating parent directories. */
export function writeTree(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [rel, content] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

export function toolContext(workspaceRoot: string, signal = new AbortController().signal): ToolContext {
  return { workspaceRoot, runId: "run_test", callId: "call_1", signal, env: {}, emit: async () => {} };
}

/** Register `tool` as a builtin in a fresh registry and dispatch one call. */
export async function dispatchTool(tool: ToolDefinition<any>, args: Record<string, unknown>, workspaceRoot: string): Promise<ToolResultPayload> {
  const registry = new ToolRegistry();
  registry.register(tool, { kind: "builtin" });
  return registry.dispatch(tool.name, args, toolContext(workspaceRoot));
}

/** True when the tests run as root (permission bits do not stop root). */
export const runningAsRoot = process.getuid?.() === 0;

/** A Unix socket file at `path` (opening it fails with ENXIO: an "other" OS error). Call the result to close it. */
export function unixSocketAt(path: string): () => void {
  const listener = Bun.listen({ unix: path, socket: { data() {} } });
  return () => listener.stop(true);
}

/** The provider-facing JSON schema of a tool's parameters, as a registry sends it. */
export function toolJsonSchema(tool: ToolDefinition<any>): { required?: string[]; properties?: Record<string, Record<string, unknown>> } {
  const registry = new ToolRegistry();
  registry.register(tool, { kind: "builtin" });
  return registry.specs()[0]?.function.parameters as { required?: string[] };
}
