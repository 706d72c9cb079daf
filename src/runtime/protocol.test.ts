import { describe, expect, test } from "bun:test";
import { METHODS, RuntimeRequest, RuntimeResponse, ServerInfo, describeIssues, isRuntimeMethod } from "./protocol.ts";

describe("runtime protocol", () => {
  test("a request needs a method and a secret; params default to {}", () => {
    expect(RuntimeRequest.parse({ method: "ping", secret: "s" })).toEqual({ method: "ping", params: {}, secret: "s" });
    expect(RuntimeRequest.safeParse({ method: "ping" }).success).toBe(false);
    expect(RuntimeRequest.safeParse({ method: "ping", secret: "s", params: [] }).success).toBe(false);
  });

  test("responses are ok+data or an error with a kind", () => {
    expect(RuntimeResponse.parse({ ok: true, data: { pong: true } })).toEqual({ ok: true, data: { pong: true } });
    expect(RuntimeResponse.parse({ ok: false, error_kind: "validation", error: "x" })).toMatchObject({ ok: false });
    expect(RuntimeResponse.safeParse({ ok: false, error: "x" }).success).toBe(false);
  });

  test("method names are the spec's", () => {
    expect(Object.keys(METHODS).sort()).toEqual(
      [
        "ping", "shutdown", "runtime.status", "runtime.cleanup",
        "exec.spawn", "exec.write", "exec.close", "exec.close_all",
        "collab.spawn", "collab.wait", "collab.send_input", "collab.close", "collab.resume",
      ].sort(),
    );
    expect(isRuntimeMethod("exec.spawn")).toBe(true);
    expect(isRuntimeMethod("toString")).toBe(false);
  });

  test("exec.spawn needs a non-empty argv and a cwd; tty defaults to true", () => {
    const p = METHODS["exec.spawn"].params;
    expect(p.parse({ argv: ["sh"], cwd: "." })).toEqual({ argv: ["sh"], cwd: ".", tty: true });
    const empty = p.safeParse({ argv: [], cwd: "." });
    expect(empty.success).toBe(false);
    expect(describeIssues(empty.error!)).toBe("argv: argv must be a non-empty list of strings");
    expect(p.safeParse({ argv: ["sh"], cwd: ".", env: { A: 1 } }).success).toBe(false);
  });

  test("exec.write defaults: chars '', yield 50 ms, 65536 bytes; negatives are rejected", () => {
    const p = METHODS["exec.write"].params;
    expect(p.parse({ session_id: 1 })).toEqual({ session_id: 1, chars: "", yield_time_ms: 50, max_output_bytes: 65_536 });
    expect(p.safeParse({ session_id: 1, yield_time_ms: -1 }).success).toBe(false);
    expect(p.safeParse({ session_id: 0 }).success).toBe(false);
  });

  test("collab.spawn needs a non-blank message; agent_type defaults; backend is fake|openai", () => {
    const p = METHODS["collab.spawn"].params;
    expect(p.parse({ message: "hi" })).toEqual({ message: "hi", agent_type: "default" });
    expect(describeIssues(p.safeParse({ message: "  " }).error!)).toBe("message: message must be a non-empty string");
    expect(p.safeParse({ message: "hi", backend: "other" }).success).toBe(false);
    expect(p.parse({ message: "hi", backend: "fake", fake_script: "- text: x" })).toMatchObject({ backend: "fake" });
  });

  test("collab.wait needs at least one id; send_input needs id and message", () => {
    expect(METHODS["collab.wait"].params.safeParse({ ids: [] }).success).toBe(false);
    expect(METHODS["collab.wait"].params.parse({ ids: ["a"], timeout_ms: 100 })).toEqual({ ids: ["a"], timeout_ms: 100 });
    expect(METHODS["collab.send_input"].params.safeParse({ id: "a", message: "" }).success).toBe(false);
  });

  test("runtime.cleanup closes sessions and children by default", () => {
    expect(METHODS["runtime.cleanup"].params.parse({})).toEqual({ exec: true, children: true });
  });

  test("server.json is valid only with pid > 0, a secret and a socket path", () => {
    expect(ServerInfo.safeParse({ pid: 1, socket_path: "/s", secret: "x", created_at_ms: 0 }).success).toBe(true);
    expect(ServerInfo.safeParse({ pid: 0, socket_path: "/s", secret: "x", created_at_ms: 0 }).success).toBe(false);
    expect(ServerInfo.safeParse({ pid: 1, socket_path: "", secret: "x", created_at_ms: 0 }).success).toBe(false);
    expect(ServerInfo.safeParse({ pid: 1, socket_path: "/s", secret: "", created_at_ms: 0 }).success).toBe(false);
  });
});
