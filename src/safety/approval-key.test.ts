import { describe, expect, test } from "bun:test";
import { canonicalJson } from "../util/canonical-json.ts";
import { approvalKeyMaterial, computeApprovalKey } from "./approval-key.ts";

describe("computeApprovalKey: reference hashes (spec 15 #59)", () => {
  test("matches the reference for shell_exec and ignores key order", () => {
    const key = "aea8fb5af48f3903da9917dcba09fb9fc6290a21c30e699d3e55f7c282ba7692";
    expect(computeApprovalKey("shell_exec", { argv: ["echo", "hi"], cwd: "/tmp" })).toBe(key);
    expect(computeApprovalKey("shell_exec", { cwd: "/tmp", argv: ["echo", "hi"] })).toBe(key);
    expect(computeApprovalKey("shell_exec", { argv: ["echo"] })).toBe("0179fccec1bf35d2d5402e57bef27374ea62f8b67d2bfe0a21ad28508c2cf5a2");
  });

  test("keeps non-ASCII characters unescaped", () => {
    const request = { path: "报告.md", create_dirs: true, bytes: 3, sandbox_permissions: null, content_sha256: null };
    expect(approvalKeyMaterial("file_write", request)).toBe(
      '{"request":{"bytes":3,"content_sha256":null,"create_dirs":true,"path":"报告.md","sandbox_permissions":null},"tool":"file_write"}',
    );
    expect(computeApprovalKey("file_write", request)).toBe("0a82762341b1ea878113fa53b90454d1ca284ca3948fe15d45653b97a7ed48ea");
  });

  test("changes when any value changes", () => {
    expect(computeApprovalKey("shell_exec", { argv: ["echo", "hi"] })).not.toBe(computeApprovalKey("shell_exec", { argv: ["echo", "ho"] }));
    expect(computeApprovalKey("shell_exec", { argv: [] })).not.toBe(computeApprovalKey("shell", { argv: [] }));
  });
});

describe("canonicalJson matches Python json.dumps(sort_keys=True, separators=(',', ':'), ensure_ascii=False)", () => {
  // Expected strings recorded from CPython 3.11.
  test("sorts keys at every depth and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: [3, 2, { z: null, y: true }] })).toBe('{"a":[3,2,{"y":true,"z":null}],"b":1}');
  });

  test("sorts keys by code point, not UTF-16 unit", () => {
    expect(canonicalJson({ "\u{1F600}": 1, "\uff01": 2, a: 3 })).toBe('{"a":3,"！":2,"😀":1}');
  });

  test("prints numbers like Python", () => {
    expect(canonicalJson({ x: 0.00001, y: 1.5, z: 10 ** 21, w: -0.25, v: 1e-7, u: 123.456 })).toBe(
      '{"u":123.456,"v":1e-07,"w":-0.25,"x":1e-05,"y":1.5,"z":1000000000000000000000}',
    );
  });

  test("escapes strings like Python with ensure_ascii=False", () => {
    const s = 'tab\tnl\nq"bs\\ctl\x01\x1f del\x7f 报告 \u2028 é';
    expect(canonicalJson({ s })).toBe(`{"s":"tab\\tnl\\nq\\"bs\\\\ctl\\u0001\\u001f del\x7f 报告 \u2028 é"}`);
  });

  test("uses Python's default separators on request", () => {
    expect(canonicalJson({ b: [1, 2], a: "x" }, { separators: "python" })).toBe('{"a": "x", "b": [1, 2]}');
  });
});
