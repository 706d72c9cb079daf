import { expect, test } from "bun:test";
import { formatRoute, parseRoute } from "./route.ts";

test("routes round-trip through the URL", () => {
  for (const path of ["/", "/sessions/sess_1", "/sessions/sess_1/runs/run_2", "/sessions/sess_1/skills", "/sessions/sess_1/settings"]) {
    expect(formatRoute(parseRoute(path))).toBe(path);
  }
  expect(parseRoute("/sessions/sess_1/runs/run_2")).toEqual({ sessionId: "sess_1", view: "run", runId: "run_2" });
  expect(parseRoute("/nope")).toEqual({ sessionId: null, view: "run", runId: null });
});
