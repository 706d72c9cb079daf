import { describe, expect, test } from "bun:test";
import { HttpError } from "../errors.ts";
import { newRunId, newSessionId } from "./ids.ts";
import { childDir, runDir, sessionDir, storageLayout } from "./layout.ts";

const layout = storageLayout("/ws");

function rejection(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error("expected an HttpError");
}

describe("storage layout", () => {
  test("places sessions, runs and skills under the workspace state directory", () => {
    expect(layout).toEqual({
      workspaceRoot: "/ws",
      stateDir: "/ws/.skills_runtime_sdk",
      sessionsDir: "/ws/.skills_runtime_sdk/sessions",
      runsDir: "/ws/.skills_runtime_sdk/runs",
      skillsDir: "/ws/.skills_runtime_sdk/skills",
    });
  });

  test("new ids are sess_/run_ followed by 32 lowercase hex characters and differ", () => {
    expect(newSessionId()).toMatch(/^sess_[0-9a-f]{32}$/);
    expect(newRunId()).toMatch(/^run_[0-9a-f]{32}$/);
    expect(newSessionId()).not.toBe(newSessionId());
  });

  test("an id names one folder directly inside its parent", () => {
    expect(sessionDir(layout, "sess_abc")).toBe("/ws/.skills_runtime_sdk/sessions/sess_abc");
    expect(runDir(layout, "run_1")).toBe("/ws/.skills_runtime_sdk/runs/run_1");
  });

  test.each(["..", "../..", "../sessions2", "a/b", "/etc", ".", "", "x\0y", "../runs/run_1"])("rejects %p with a 400 validation_error", (id) => {
    const error = rejection(() => childDir(layout.sessionsDir, id, "session_id"));
    expect(error.status).toBe(400);
    expect(error.kind).toBe("validation_error");
    expect(error.details).toEqual({ session_id: id });
  });

  test("a run id is checked against runs/ and named run_id in the error", () => {
    expect(rejection(() => runDir(layout, "../sessions")).details).toEqual({ run_id: "../sessions" });
  });
});
