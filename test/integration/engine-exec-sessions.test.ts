/**
 * Exec sessions in an Agent run (issue 7): a default Agent gives its run an in-process PTY
 * sessions manager, so the model can start a program with exec_command and talk to it with
 * write_stdin; when the run ends, the manager is closed and no session process outlives the run.
 * An injected manager is used as is and left open.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { goneWithin, isAlive, killLeftovers } from "../support/processes.ts";
import { makeAgent, only, readWal, replyText, replyTools, tempWorkspaces } from "../support/engine.ts";
import { InProcessExecSessions } from "../../src/tools/pty-sessions.ts";

const workspace = tempWorkspaces("engine-exec-");
const pids: number[] = [];
const managers: InProcessExecSessions[] = [];

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.closeAll()));
  killLeftovers(pids.splice(0));
});

const PROGRAM = 'echo "pid=$$"; printf "name? "; read name; echo "hello $name"; exec sleep 300';

function sessionScript() {
  return [
    replyTools([{ id: "c1", name: "exec_command", args: { cmd: PROGRAM, yield_time_ms: 500 } }]),
    replyTools([{ id: "c2", name: "write_stdin", args: { session_id: 1, chars: "alice\r", yield_time_ms: 500 } }]),
    replyText("done"),
  ];
}

async function runSession(execSessions?: InProcessExecSessions) {
  const { agent } = makeAgent({
    workspaceRoot: workspace(),
    builtinTools: ["exec_command", "write_stdin"],
    config: { safety: { mode: "allow" } },
    baseEnv: { PATH: "/usr/local/bin:/usr/bin:/bin" },
    ...(execSessions ? { execSessions } : {}),
    script: sessionScript(),
  });
  const result = await agent.run("talk to the program");
  const results = only(readWal(result.walLocator), "tool_call_finished").map((e) => e.payload.result as Record<string, any>);
  const pid = Number(/pid=(\d+)/.exec(results[0]?.stdout ?? "")?.[1]);
  if (pid > 0) pids.push(pid);
  return { result, results, pid };
}

describe("Agent exec sessions", () => {
  test("a default run can start a program with exec_command and answer it with write_stdin", async () => {
    const { result, results } = await runSession();
    expect(result.status).toBe("completed");
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ ok: true, data: { session_id: 1, running: true } });
    expect(results[0]!.stdout).toContain("name? ");
    expect(results[1]).toMatchObject({ ok: true, data: { session_id: 1, running: true } });
    expect(results[1]!.stdout).toContain("hello alice");
  });

  test("when the run ends, its session processes are gone", async () => {
    const { results, pid } = await runSession();
    expect(results[1]!.data.running).toBe(true); // still running when the model last looked
    expect(pid).toBeGreaterThan(0);
    expect(await goneWithin(pid)).toBe(true);
  });

  test("an injected manager is used and left open after the run", async () => {
    const sessions = new InProcessExecSessions();
    managers.push(sessions);
    const { results, pid } = await runSession(sessions);
    expect(results[1]!.stdout).toContain("hello alice");
    expect(sessions.has(1)).toBe(true);
    expect(isAlive(pid)).toBe(true);
    await sessions.closeAll();
    expect(await goneWithin(pid)).toBe(true);
  });
});
