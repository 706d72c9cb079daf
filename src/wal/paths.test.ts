import { describe, expect, test } from "bun:test";
import { RuntimeError } from "../util/errors.ts";
import { artifactsDir, runDir, runIdProblem, validateRunId, walLockPath, walPath } from "./paths.ts";

describe("run paths", () => {
  test("lay a run out under .skills_runtime_sdk/runs/<run_id>", () => {
    expect(walPath("/ws", "run_abc")).toBe("/ws/.skills_runtime_sdk/runs/run_abc/events.jsonl");
    expect(walLockPath(walPath("/ws", "r1"))).toBe("/ws/.skills_runtime_sdk/runs/r1/events.jsonl.lock");
    expect(artifactsDir("/ws/sub/..", "r1")).toBe("/ws/.skills_runtime_sdk/runs/r1/artifacts");
  });

  test("accept the run ids the reference and the Studio generate", () => {
    for (const id of ["run_0123456789abcdef0123456789abcdef", "r_inmem", "fork-1.2", "A"]) {
      expect(validateRunId(id)).toBe(id);
    }
  });

  test("reject run ids that could leave the runs directory", () => {
    for (const id of ["", ".", "..", "../x", "a/b", "a\\b", "x\u0000", " r1", "x".repeat(201)]) {
      expect(runIdProblem(id)).not.toBeNull();
      expect(() => runDir("/ws", id)).toThrow(RuntimeError);
    }
    const error = (() => {
      try {
        validateRunId("../etc");
      } catch (caught) {
        return caught as RuntimeError;
      }
      return null;
    })();
    expect(error?.kind).toBe("validation");
    expect(error?.message).toBe('Invalid run id "../etc": it contains a path separator or a control character');
  });
});
