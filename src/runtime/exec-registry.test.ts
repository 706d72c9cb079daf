import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDirs } from "../../test/support/tool-context.ts";
import { emptyRegistry, readExecRegistry, updateExecRegistry, writeExecRegistry, type RegistryFiles } from "./exec-registry.ts";

const tempDir = tempDirs("sr-registry-");

function files(): RegistryFiles {
  const dir = tempDir();
  return { path: join(dir, "rt", "exec_registry.json"), tmpPath: join(dir, "rt", "exec_registry.tmp"), workspaceRoot: dir };
}

const entry = { pid: 4242, pgid: 4242, created_at_ms: 1, argv: ["/bin/sh", "-lc", "sleep 9"], cwd: "/w", marker: "0123456789abcdef" };

describe("exec registry", () => {
  test("a missing file reads as the empty default", () => {
    const f = files();
    expect(readExecRegistry(f)).toMatchObject({ schema: 1, workspace_root: f.workspaceRoot, exec_sessions: {} });
  });

  test("invalid JSON or a wrong shape reads as the empty default", () => {
    const f = files();
    writeExecRegistry(f, emptyRegistry(f.workspaceRoot));
    writeFileSync(f.path, "{not json");
    expect(readExecRegistry(f).exec_sessions).toEqual({});
    writeFileSync(f.path, JSON.stringify({ schema: 2, exec_sessions: [] }));
    expect(readExecRegistry(f).exec_sessions).toEqual({});
  });

  test("writes atomically (no .tmp left, mode 0600) and reads back what it wrote", () => {
    const f = files();
    const written = updateExecRegistry(f, (r) => void (r.exec_sessions["1"] = entry));
    expect(existsSync(f.tmpPath)).toBe(false);
    expect(statSync(f.path).mode & 0o077).toBe(0);
    const read = readExecRegistry(f);
    expect(read.exec_sessions).toEqual({ "1": entry });
    expect(read.updated_at_ms).toBeGreaterThan(0);
    expect(written.exec_sessions["1"]).toEqual(entry);
    expect(JSON.parse(readFileSync(f.path, "utf8")).schema).toBe(1);
  });

  test("update removes entries", () => {
    const f = files();
    updateExecRegistry(f, (r) => {
      r.exec_sessions["1"] = entry;
      r.exec_sessions["2"] = { ...entry, pid: 7 };
    });
    updateExecRegistry(f, (r) => void delete r.exec_sessions["1"]);
    expect(Object.keys(readExecRegistry(f).exec_sessions)).toEqual(["2"]);
  });
});
