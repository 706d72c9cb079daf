import { expect, test } from "bun:test";
import { REDACTED, redactDeep, secretValuesFromEnv } from "./redact.ts";

test("finds secret-looking env values and the named ones, ignoring short values", () => {
  const secrets = secretValuesFromEnv({ OPENAI_API_KEY: "sk-123456", HOME: "/root", MY_VAR: "value-1", GH_TOKEN: "abc" }, ["MY_VAR"]);
  expect(secrets.sort()).toEqual(["sk-123456", "value-1"]);
});

test("replaces secrets inside nested strings", () => {
  const out = redactDeep({ a: ["x sk-123456 y"], b: { c: "sk-123456" }, n: 1 }, ["sk-123456"]);
  expect(out).toEqual({ a: [`x ${REDACTED} y`], b: { c: REDACTED }, n: 1 });
});
