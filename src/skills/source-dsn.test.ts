import { describe, expect, test } from "bun:test";
import { describeBackendError, lookupDsn, redactDsn } from "./source-dsn.ts";

const config = { id: "r1", type: "redis", options: { dsn_env: "MY_DSN" } };

describe("lookupDsn", () => {
  test("reads the DSN from the named variable, trimmed", () => {
    expect(lookupDsn(config, { MY_DSN: "  redis://h:6379  " })).toEqual({ dsnEnv: "MY_DSN", dsn: "redis://h:6379", issue: null });
  });

  test("an unset or blank variable is an unavailable issue with env_present false", () => {
    for (const env of [{}, { MY_DSN: "   " }]) {
      const { issue } = lookupDsn(config, env);
      expect(issue?.code).toBe("SKILL_SCAN_SOURCE_UNAVAILABLE");
      expect(issue?.details).toEqual({ source_id: "r1", source_type: "redis", dsn_env: "MY_DSN", env_present: false });
    }
  });

  test("a missing dsn_env option is a metadata issue on field dsn_env", () => {
    const { issue } = lookupDsn({ ...config, options: {} }, {});
    expect(issue?.code).toBe("SKILL_SCAN_METADATA_INVALID");
    expect(issue?.details.field).toBe("dsn_env");
  });
});

describe("redactDsn", () => {
  const dsn = "postgres://app:p%40ss-w0rd@db.internal:5432/skills";

  test("hides the DSN, its password (raw and decoded) and any URL credentials", () => {
    const text = `failed for ${dsn}; auth p%40ss-w0rd / p@ss-w0rd; also redis://u:other-secret@h:1`;
    const out = redactDsn(text, dsn);
    expect(out).not.toContain("p%40ss-w0rd");
    expect(out).not.toContain("p@ss-w0rd");
    expect(out).not.toContain("other-secret");
    expect(out).toBe("failed for <redacted>; auth <redacted> / <redacted>; also redis://<redacted>@h:1");
  });

  test("describeBackendError keeps the message and code, without the DSN", () => {
    const error = Object.assign(new Error(`Failed to connect to ${dsn}`), { code: "ERR_POSTGRES_CONNECTION_REFUSED" });
    expect(describeBackendError(error, dsn)).toBe("Failed to connect to <redacted> (ERR_POSTGRES_CONNECTION_REFUSED)");
  });
});
