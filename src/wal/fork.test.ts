import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeEvent } from "../events/schema.ts";
import { RuntimeError } from "../util/errors.ts";
import { JsonlWal } from "./append.ts";
import { forkRun, forkRunEventsJsonl } from "./fork.ts";
import { walPath } from "./paths.ts";
import { readWalFile } from "./read.ts";
import { prepareResume } from "./resume.ts";

const FIXTURES = join(import.meta.dir, "../../test/fixtures/wal");
const expected = JSON.parse(readFileSync(join(FIXTURES, "reference-expected.json"), "utf8")) as {
  fork: Record<string, string>;
};
let ws: string;
beforeEach(() => {
  ws = realpathSync(mkdtempSync(join(tmpdir(), "wal-fork-")));
});
afterEach(() => {
  rmSync(ws, { recursive: true, force: true });
});

function seed(runId: string, fixture: string): void {
  mkdirSync(join(ws, ".skills_runtime_sdk/runs", runId), { recursive: true });
  copyFileSync(join(FIXTURES, fixture), walPath(ws, runId));
}

function kindOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as RuntimeError).kind;
  }
  return undefined;
}

describe("forkRun", () => {
  test.each([
    ["completed-9", "reference-completed.jsonl", "r_ref1", 9],
    ["resume-3", "reference-resume.jsonl", "r_res", 3],
    ["resume-99", "reference-resume.jsonl", "r_res", 99],
  ] as const)("writes the same file as the reference (%s)", (key, fixture, src, upTo) => {
    seed(src, fixture);
    const dst = forkRun(ws, { srcRunId: src, dstRunId: "r_fork", upToIndexInclusive: upTo });
    expect(dst).toBe(walPath(ws, "r_fork"));
    expect(readFileSync(dst, "utf8")).toBe(expected.fork[key]!.replaceAll("<DST>", dst));
  });

  test("counts blank lines toward the index without copying them, and renumbers seq", async () => {
    const src = JsonlWal.forRun(ws, "r_src");
    for (let i = 0; i < 4; i++) await src.append(makeEvent("tool_call_started", "r_src", { call_id: `c${i}`, tool: "x" }));
    src.close();
    const path = walPath(ws, "r_src");
    const lines = readFileSync(path, "utf8").split("\n");
    writeFileSync(path, [lines[0], "", lines[1], lines[2], lines[3]].join("\n") + "\n");
    const dst = forkRun(ws, { srcRunId: "r_src", dstRunId: "r_dst", upToIndexInclusive: 2 });
    const forked = readFileSync(dst, "utf8").trim().split("\n").map((line) => JSON.parse(line));
    expect(forked.map((event) => [event.run_id, event.payload.call_id, event.seq])).toEqual([
      ["r_dst", "c0", 0],
      ["r_dst", "c1", 1],
    ]);
  });

  test("rejects a negative index, an empty new id, a missing source and a bad line in range", () => {
    seed("r_dmg", "reference-damaged.jsonl");
    expect(kindOf(() => forkRun(ws, { srcRunId: "r_dmg", dstRunId: "x", upToIndexInclusive: -1 }))).toBe("validation");
    expect(kindOf(() => forkRun(ws, { srcRunId: "r_dmg", dstRunId: " ", upToIndexInclusive: 0 }))).toBe("validation");
    expect(kindOf(() => forkRun(ws, { srcRunId: "missing", dstRunId: "x", upToIndexInclusive: 0 }))).toBe("not_found");
    expect(kindOf(() => forkRun(ws, { srcRunId: "r_dmg", dstRunId: "x", upToIndexInclusive: 3 }))).toBe("validation");
    expect(kindOf(() => forkRun(ws, { srcRunId: "r_dmg", dstRunId: "../x", upToIndexInclusive: 0 }))).toBe("validation");
    // Lines before the bad one fork fine; the non-object line is dropped.
    const dst = forkRun(ws, { srcRunId: "r_dmg", dstRunId: "x", upToIndexInclusive: 2 });
    expect(readWalFile(dst).map((event) => event.type)).toEqual(["run_started", "skill_injected"]);
  });

  test("a fork up to a tool_call_finished replays that tool exchange", () => {
    seed("r_ref1", "reference-completed.jsonl");
    const dst = forkRun(ws, { srcRunId: "r_ref1", dstRunId: "r_new", upToIndexInclusive: 9 });
    const events = readWalFile(dst, { runId: "r_new" });
    const plan = prepareResume(events, { strategy: "replay" });
    expect(plan.history.map((message) => message.role)).toEqual(["assistant", "tool"]);
    expect(plan.approvedForSessionKeys).toEqual(["k_write"]);
  });

  test("forkRunEventsJsonl overwrites an existing destination", () => {
    const src = join(FIXTURES, "reference-failed.jsonl");
    const dst = join(ws, "out/events.jsonl");
    mkdirSync(join(ws, "out"));
    writeFileSync(dst, "old content\n".repeat(50));
    forkRunEventsJsonl(src, dst, { newRunId: "r2", upToIndexInclusive: 0 });
    expect(readFileSync(dst, "utf8").split("\n").length).toBe(2);
  });
});
