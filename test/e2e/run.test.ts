/**
 * `skills-runtime run` from the compiled binary, piped and in a pseudo-terminal, with the fake
 * backend; and `runs` reading what it wrote.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileBinary } from "../../compile/build.ts";

let dir: string;
let binary: string;
const hasScript = Bun.which("script") !== null;
const HAS_BWRAP = Bun.which("bwrap", { PATH: "/usr/bin:/bin" }) !== null;
const NO_SCRIPT = hasScript ? "" : " (skipped: util-linux `script` is not installed)";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sr-e2e-run-"));
  binary = join(dir, "skills-runtime");
  await compileBinary(binary);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], cwd: string, stdin?: string) {
  const r = Bun.spawnSync([binary, ...args], { cwd, env: { PATH: "/usr/bin:/bin", HOME: cwd }, stdout: "pipe", stderr: "pipe", stdin: stdin === undefined ? "ignore" : new Blob([stdin]) });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

function workspace(): string {
  return mkdtempSync(join(dir, "ws-"));
}

describe("run", () => {
  test("piped: prints the answer on stdout and records the WAL", () => {
    const ws = workspace();
    const r = run(["run", "--backend", "fake", "Say hello"], ws);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('You asked: "Say hello"');
    const wal = r.stderr.match(/WAL (\S+events\.jsonl)/)![1]!;
    const types = readFileSync(wal, "utf8").trim().split("\n").map((l) => JSON.parse(l).type);
    expect(types).toEqual(["run_started", "llm_request_started", "llm_response_delta", "run_completed"]);
  });

  test("--json prints every event as a JSON line with seq", () => {
    const ws = workspace();
    const r = run(["run", "--json", "--backend", "fake", "Say hello"], ws);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(events.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    expect(events.at(-1).type).toBe("run_completed");
  });

  test("a call to an unregistered tool is denied without running and the run goes on", () => {
    const ws = workspace();
    const script = join(ws, "script.yaml");
    writeFileSync(
      script,
      [
        "calls:",
        "  - events:",
        "      - {type: tool_calls, tool_calls: [{call_id: c1, name: no_such_tool, raw_arguments: '{}'}]}",
        "      - {type: completed, finish_reason: tool_calls}",
        "  - events:",
        "      - {type: text_delta, text: gave up}",
        "      - {type: completed, finish_reason: stop}",
      ].join("\n"),
    );
    const r = run(["run", "--json", "--fake-script", script, "Do it"], ws);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const finished = events.find((e) => e.type === "tool_call_finished");
    expect(finished.payload.result.error_kind).toBe("permission");
    expect(events.some((e) => e.type === "tool_call_started")).toBe(false);
  });

  test("an exhausted budget has its own exit code", () => {
    const ws = workspace();
    writeFileSync(join(ws, "c.yaml"), "run:\n  max_turns: 1\nsafety:\n  mode: allow\n");
    const script = join(ws, "s.json");
    writeFileSync(script, JSON.stringify({ calls: [{ events: [{ type: "tool_calls", tool_calls: [{ call_id: "c1", name: "x", raw_arguments: "{}" }] }] }] }));
    const r = run(["run", "--config", "c.yaml", "--fake-script", script, "loop"], ws);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("budget exceeded: max_turns=1");
  });

  test("without a task it is a usage error", () => {
    expect(run(["run"], workspace()).code).toBe(2);
  });

  test.skipIf(!hasScript)(`in a terminal: streams the answer${NO_SCRIPT}`, () => {
    const ws = workspace();
    const r = Bun.spawnSync(["script", "-qec", `${binary} run --backend fake "Say hello"`, "/dev/null"], { cwd: ws, env: { PATH: "/usr/bin:/bin", HOME: ws, TERM: "xterm" }, stdout: "pipe", stderr: "pipe" });
    expect(r.exitCode).toBe(0);
    const out = r.stdout.toString();
    expect(out).toContain('You asked: "Say hello"');
    expect(out).toMatch(/run run_[0-9a-f]+: completed/);
  });
});

describe("approvals and questions", () => {
  const WRITE_SCRIPT = JSON.stringify({
    calls: [
      { events: [{ type: "tool_calls", tool_calls: [{ call_id: "c1", name: "file_write", raw_arguments: JSON.stringify({ path: "note.txt", content: "hello" }) }] }, { type: "completed", finish_reason: "tool_calls" }] },
      { events: [{ type: "text_delta", text: "Finished." }, { type: "completed", finish_reason: "stop" }] },
    ],
  });

  /** `run` in a pseudo-terminal (util-linux `script`), with `answers` typed at the prompt. */
  function inTerminal(ws: string, answers: string) {
    writeFileSync(join(ws, "write.json"), WRITE_SCRIPT);
    const r = Bun.spawnSync(["script", "-qec", `${binary} run --fake-script write.json "Write a note"`, "/dev/null"], {
      cwd: ws,
      env: { PATH: "/usr/bin:/bin", HOME: ws, TERM: "xterm" },
      stdin: Buffer.from(answers),
      stdout: "pipe",
      stderr: "pipe",
    });
    return { code: r.exitCode, out: r.stdout.toString() };
  }
  const walOf = (ws: string) => {
    const runs = readdirSync(join(ws, ".skills_runtime_sdk/runs"));
    return readFileSync(join(ws, ".skills_runtime_sdk/runs", runs[0]!, "events.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  };

  test.skipIf(!hasScript)(`in a terminal, y approves once: the file is written${NO_SCRIPT}`, () => {
    const ws = workspace();
    const r = inTerminal(ws, "y\n");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Allow file_write? [y] once  [s] for this session  [n] deny  [a] abort run");
    expect(r.out).toContain("approval needed: file_write writes note.txt (5 bytes)");
    expect(readFileSync(join(ws, "note.txt"), "utf8")).toBe("hello");
    expect(walOf(ws).find((e) => e.type === "approval_decided").payload).toMatchObject({ decision: "approved", reason: "provider" });
  });

  test.skipIf(!hasScript)(`in a terminal, n denies: nothing is written and the run goes on${NO_SCRIPT}`, () => {
    const ws = workspace();
    const r = inTerminal(ws, "n\n");
    expect(r.code).toBe(0);
    expect(existsSync(join(ws, "note.txt"))).toBe(false);
    expect(r.out).toContain("Finished.");
    const finished = walOf(ws).find((e) => e.type === "tool_call_finished");
    expect(finished.payload.result).toMatchObject({ ok: false, error_kind: "permission", stderr: "approval denied" });
  });

  test.skipIf(!hasScript)(`in a terminal, a aborts: exit 130 and the WAL ends with run_cancelled${NO_SCRIPT}`, () => {
    const ws = workspace();
    const r = inTerminal(ws, "a\n");
    expect(r.code).toBe(130);
    expect(existsSync(join(ws, "note.txt"))).toBe(false);
    expect(walOf(ws).at(-1).type).toBe("run_cancelled");
  });

  test("piped without --on-ask, approvals are denied automatically and nothing is written", () => {
    const ws = workspace();
    writeFileSync(join(ws, "write.json"), WRITE_SCRIPT);
    const r = run(["run", "--fake-script", "write.json", "Write a note"], ws);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("denied automatically (--on-ask deny)");
    expect(existsSync(join(ws, "note.txt"))).toBe(false);
  });

  test("--on-ask wait:N reads the answer from piped stdin", () => {
    const ws = workspace();
    writeFileSync(join(ws, "write.json"), WRITE_SCRIPT);
    const r = Bun.spawnSync([binary, "run", "--on-ask", "wait:10", "--fake-script", "write.json", "Write a note"], {
      cwd: ws,
      env: { PATH: "/usr/bin:/bin", HOME: ws },
      stdin: Buffer.from("s\n"),
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(ws, "note.txt"), "utf8")).toBe("hello");
    expect(walOf(ws).find((e) => e.type === "approval_decided").payload.decision).toBe("approved_for_session");
  });

  const ASK_SCRIPT = JSON.stringify({
    calls: [
      { events: [{ type: "tool_calls", tool_calls: [{ call_id: "q1", name: "ask_human", raw_arguments: JSON.stringify({ question: "Which colour?", choices: ["red", "blue"] }) }] }, { type: "completed", finish_reason: "tool_calls" }] },
      { events: [{ type: "text_delta", text: "Noted." }, { type: "completed", finish_reason: "stop" }] },
    ],
  });

  test.skipIf(!hasScript)(`in a terminal, the agent's question is asked and a choice number answers it${NO_SCRIPT}`, () => {
    const ws = workspace();
    writeFileSync(join(ws, "ask.json"), ASK_SCRIPT);
    const r = Bun.spawnSync(["script", "-qec", `${binary} run --fake-script ask.json "Pick a colour"`, "/dev/null"], {
      cwd: ws,
      env: { PATH: "/usr/bin:/bin", HOME: ws, TERM: "xterm" },
      stdin: Buffer.from("2\n"),
      stdout: "pipe",
    });
    expect(r.exitCode).toBe(0);
    const out = r.stdout.toString();
    expect(out).toContain("? Which colour?");
    expect(out).toContain("2) blue");
    expect(walOf(ws).find((e) => e.type === "human_response").payload).toMatchObject({ call_id: "q1", answer: "blue" });
  });

  test("piped without an answer source, a question stops the run waiting for a human (exit 4)", () => {
    const ws = workspace();
    writeFileSync(join(ws, "ask.json"), ASK_SCRIPT);
    const r = run(["run", "--fake-script", "ask.json", "Pick a colour"], ws);
    expect(r.code).toBe(4);
    expect(walOf(ws).at(-1).type).toBe("run_waiting_human");
  });

  test("--on-ask fail stops at the first approval with a config error", () => {
    const ws = workspace();
    writeFileSync(join(ws, "write.json"), WRITE_SCRIPT);
    const r = run(["run", "--on-ask", "fail", "--fake-script", "write.json", "Write a note"], ws);
    expect(r.code).toBe(1);
    expect(existsSync(join(ws, "note.txt"))).toBe(false);
    expect(walOf(ws).at(-1)).toMatchObject({ type: "run_failed", payload: { error_kind: "config_error" } });
  });
});

describe("runs", () => {
  test("list, show and metrics read what run wrote; fork makes a new run", () => {
    const ws = workspace();
    run(["run", "--run-id", "run_e2e1", "--backend", "fake", "Say hello"], ws);
    const list = JSON.parse(run(["runs", "list", "--json"], ws).stdout);
    expect(list.runs).toEqual([expect.objectContaining({ run_id: "run_e2e1", status: "completed", task: "Say hello", events: 4 })]);
    expect(run(["runs", "show", "run_e2e1"], ws).stdout).toContain("run_completed");
    const metrics = run(["runs", "metrics", "--run-id", "run_e2e1"], ws);
    expect(metrics.code).toBe(0);
    expect(JSON.parse(metrics.stdout)).toMatchObject({ run_id: "run_e2e1", status: "completed", counts: { turns_total: 1, llm_requests_total: 1 } });
    expect(run(["runs", "metrics", "--run-id", "missing"], ws).code).toBe(22);
    expect(run(["runs", "fork", "run_e2e1@1", "run_e2e2"], ws).code).toBe(0);
    expect(existsSync(join(ws, ".skills_runtime_sdk/runs/run_e2e2/events.jsonl"))).toBe(true);
    const resumed = run(["run", "--json", "--run-id", "run_e2e2", "--resume-strategy", "replay", "--backend", "fake", "Again"], ws);
    const started = JSON.parse(resumed.stdout.split("\n")[0]!);
    expect(started.payload.resume).toEqual({ enabled: false, strategy: "replay", previous_events: 2 });
  });

  test("replay re-runs a recorded run without the model and reports a match or the divergence", () => {
    const ws = workspace();
    expect(run(["run", "--run-id", "run_rp", "--backend", "fake", "Say hello"], ws).code).toBe(0);
    const same = run(["runs", "replay", "run_rp"], ws);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain("result: identical to the record");
    expect(same.stdout).toContain("tokens spent: 0");
    // Nothing written by a plain replay.
    expect(readdirSync(join(ws, ".skills_runtime_sdk/runs")).sort()).toEqual(["run_rp"]);

    writeFileSync(join(ws, "other-model.yaml"), "models:\n  executor: other-model\n");
    const diverged = run(["runs", "replay", "run_rp", "--config", "other-model.yaml", "--json"], ws);
    expect(diverged.code).toBe(1);
    const report = JSON.parse(diverged.stdout);
    expect(report).toMatchObject({ matches: false, divergence: { index: 1, field: "payload.model", actual: "other-model" } });
    expect(report.events).toBeUndefined();

    const saved = run(["runs", "replay", "run_rp", "--replay-run-id", "run_rp_again"], ws);
    expect(saved.code).toBe(0);
    expect(existsSync(join(ws, ".skills_runtime_sdk/runs/run_rp_again/events.jsonl"))).toBe(true);
    expect(run(["runs", "replay", "run_rp", "--replay-run-id", "run_rp_again"], ws).code).toBe(2);
    expect(run(["runs", "replay", "nope"], ws).stderr).toContain('Cannot replay run "nope"');
  });
});

describe("built-in skills", () => {
  test("ship in the binary: install-builtin, scan, then a run mentions repo-stats and runs its action", () => {
    const ws = workspace();
    writeFileSync(join(ws, "a.ts"), "one\ntwo\n");
    const installed = run(["skills", "install-builtin", "--json"], ws);
    expect(installed.code).toBe(0);
    const report = JSON.parse(installed.stdout);
    expect(report.installed).toEqual(["article-writer", "novel-writer", "repo-stats"]);
    mkdirSync(join(ws, "config"));
    // With bubblewrap (CI installs it) the action runs inside the fence of the balanced profile.
    const profile = HAS_BWRAP ? "balanced" : "dev";
    writeFileSync(join(ws, "config/runtime.yaml"), `${report.config}\nsafety:\n  allowlist: [bash]\nsandbox:\n  profile: ${profile}\n`);
    const scanned = JSON.parse(run(["skills", "scan"], ws).stdout);
    expect(scanned.skills.map((s: { skill_name: string }) => s.skill_name).sort()).toEqual(["article-writer", "novel-writer", "repo-stats"]);
    const script = { calls: [
      { events: [{ type: "tool_calls", tool_calls: [{ call_id: "s1", name: "skill_exec", raw_arguments: JSON.stringify({ skill_mention: "$[builtin].repo-stats", action_id: "count-lines" }) }] }, { type: "completed", finish_reason: "tool_calls" }] },
      { events: [{ type: "text_delta", text: "Measured." }, { type: "completed", finish_reason: "stop" }] },
    ] };
    writeFileSync(join(ws, "s.json"), JSON.stringify(script));
    const r = run(["run", "--json", "--fake-script", "s.json", "How big is this repo? Use $[builtin].repo-stats"], ws);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(events.find((e) => e.type === "skill_injected").payload.skill_name).toBe("repo-stats");
    const finished = events.find((e) => e.type === "tool_call_finished").payload.result;
    expect(finished.ok).toBe(true);
    expect(finished.stdout).toContain("ts");
    expect(finished.data.sandbox).toMatchObject({ active: HAS_BWRAP, profile });
  });
});
