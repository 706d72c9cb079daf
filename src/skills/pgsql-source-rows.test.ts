import { describe, expect, test } from "bun:test";
import { pythonDatetimeStr, recordFromRow, rfc3339Utc } from "./pgsql-source-rows.ts";

const context = { sourceId: "p1", schema: "agent", table: "skills_catalog", namespace: "team:web" };
const row = {
  id: "7",
  namespace: "team:web",
  skill_name: "writer",
  description: "Writes",
  body_size: null,
  body_etag: null,
  created_at: new Date("2026-01-02T03:04:05Z"),
  updated_at: null,
  required_env_vars: null,
  metadata: null,
  scope: null,
};

describe("catalog rows", () => {
  test("timestamps follow Python's isoformat / str (microseconds only when non-zero)", () => {
    expect(rfc3339Utc(new Date("2026-01-02T03:04:05Z"))).toBe("2026-01-02T03:04:05Z");
    expect(rfc3339Utc(new Date("2026-01-02T03:04:05.007Z"))).toBe("2026-01-02T03:04:05.007000Z");
    expect(pythonDatetimeStr(new Date("2026-01-02T03:04:05.5Z"))).toBe("2026-01-02 03:04:05.500000+00:00");
  });

  test("a minimal row becomes a record with null extras and a numeric row_id", () => {
    expect(recordFromRow(row, context)).toEqual({
      skill_name: "writer",
      description: "Writes",
      locator: "agent.skills_catalog#7",
      path: null,
      body_size: null,
      required_env_vars: [],
      metadata: { etag: null, created_at: "2026-01-02T03:04:05Z", updated_at: null, row_id: 7 },
      scope: null,
      handle: { rowId: 7, namespace: "team:web" },
    });
  });

  test.each([
    ["created_at", { created_at: null }],
    ["created_at", { created_at: "" }],
    ["body_size", { body_size: "12a" }],
    ["id", { id: null }],
    ["scope", { scope: 3 }],
    ["body_etag", { body_etag: ["x"] }],
  ])("rejects a bad %s", (field, patch) => {
    const result = recordFromRow({ ...row, ...patch }, context);
    expect("code" in result && result.code).toBe("SKILL_SCAN_METADATA_INVALID");
    expect("details" in result && result.details.field).toBe(field);
  });

  test("a string created_at and a digit-string body_size are accepted as the reference does", () => {
    const result = recordFromRow({ ...row, created_at: "yesterday", body_size: " 12 " }, context);
    expect("code" in result).toBe(false);
    expect(result).toMatchObject({ body_size: 12, metadata: { created_at: "yesterday" } });
  });
});
