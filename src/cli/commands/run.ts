import { Agent, newRunId, type RunResult } from "../../core/agent.ts";
import { UsageError } from "../../util/errors.ts";
import { forkRun } from "../../wal/fork.ts";
import type { CliCommand } from "../command.ts";
import { WORKSPACE_FLAGS, loadWorkspaceConfig } from "../common.ts";
import { EXIT } from "../exit-codes.ts";
import { EventRenderer } from "../render-events.ts";
import { chooseBackend } from "../run-backend.ts";
import { TerminalApprovalProvider, parseOnAsk } from "../tty-approvals.ts";
import { TerminalHumanIO } from "../tty-human.ts";

export function runExitCode(result: RunResult): number {
  switch (result.status) {
    case "completed":
      return EXIT.ok;
    case "cancelled":
      return EXIT.runCancelled;
    case "waiting_human":
      return EXIT.runWaitingHuman;
    default:
      if (result.errorKind === "budget_exceeded") return EXIT.runBudgetExceeded;
      if (result.errorKind === "approval_denied") return EXIT.runApprovalDenied;
      return EXIT.runFailed;
  }
}

function parseFork(value: string): { runId: string; seq: number } {
  const at = value.lastIndexOf("@");
  const seq = Number(value.slice(at + 1));
  if (at <= 0 || !/^\d+$/.test(value.slice(at + 1))) {
    throw new UsageError(`Flag --fork of skills-runtime run: expected RUN_ID@SEQ (e.g. run_abc@12), got "${value}".`);
  }
  return { runId: value.slice(0, at), seq };
}

export const runCommand: CliCommand = {
  name: "run",
  help: {
    usage: 'skills-runtime run [flags] "TASK"',
    summary: "Run one task with the agent and stream the answer.",
    details:
      "The answer streams to stdout; tool calls, approvals and results are shown on stderr. Every event is recorded in\n" +
      "<workspace>/.skills_runtime_sdk/runs/<run_id>/events.jsonl. Ctrl-C cancels the run cleanly.\n" +
      "Exit codes: 0 completed, 1 failed, 3 config error, 4 waiting for a human, 5 budget exhausted,\n" +
      "6 approval denied repeatedly, 130 cancelled, 2 usage error.",
    flags: [
      { name: "backend", type: "string", value: "KIND", choices: ["fake", "openai"], description: "LLM backend. Default: the configured endpoint when its API key is set, else a local server on 127.0.0.1 if one answers." },
      { name: "fake-script", type: "string", value: "FILE", description: "Scripted replies for the fake backend (JSON or YAML list of calls); implies --backend fake." },
      { name: "model", type: "string", value: "NAME", description: "Model for this run (overrides models.executor)." },
      { name: "run-id", type: "string", value: "ID", description: "Run id to use (default a new run_<hex>). An existing id resumes that run." },
      { name: "resume", type: "string", value: "RUN_ID", description: "Continue an earlier run (same WAL)." },
      { name: "resume-strategy", type: "string", value: "S", choices: ["summary", "replay"], description: "How an earlier run is continued. Default: run.resume_strategy." },
      { name: "fork", type: "string", value: "RUN_ID@SEQ", description: "Copy a run's events 0..SEQ into a new run and continue from there (replay)." },
      { name: "on-ask", type: "string", value: "POLICY", description: "When a tool needs approval or the agent asks a question: deny (questions stop the run, exit 4), fail, or wait:<seconds> for an answer on stdin. Default: ask on a terminal, deny otherwise." },
      { name: "json", type: "boolean", description: "Print every event as one JSON line on stdout (for scripts)." },
      ...WORKSPACE_FLAGS,
    ],
    examples: [
      'skills-runtime run "Summarise README.md in three bullet points"',
      'skills-runtime run --backend fake "Say hello"',
      "skills-runtime run --json --on-ask deny --fake-script script.yaml \"Fix the failing test\"",
      'skills-runtime run --fork run_3f2a@12 "Try another approach"',
    ],
  },
  async run(args, io) {
    const task = args.positionals.join(" ").trim();
    if (task === "") throw new UsageError('skills-runtime run needs a task: skills-runtime run "TASK" (see --help).');
    const loaded = loadWorkspaceConfig(args, io);
    const model = typeof args.flags.model === "string" ? args.flags.model : loaded.config.models.executor;
    const config = model === loaded.config.models.executor ? loaded : { ...loaded, config: { ...loaded.config, models: { ...loaded.config.models, executor: model } } };
    const onAsk = parseOnAsk(args.flags["on-ask"] as string | undefined, io.isTTY);
    let runId = (args.flags["run-id"] as string | undefined) ?? (args.flags.resume as string | undefined);
    let strategy = args.flags["resume-strategy"] as "summary" | "replay" | undefined;
    if (typeof args.flags.fork === "string") {
      const fork = parseFork(args.flags.fork);
      runId = runId ?? newRunId();
      forkRun(loaded.workspaceRoot, { srcRunId: fork.runId, dstRunId: runId, upToIndexInclusive: fork.seq });
      strategy = strategy ?? "replay";
      io.stderr(`forked ${fork.runId}@${fork.seq} into ${runId}\n`);
    }
    const { backend, description } = await chooseBackend(args.flags.backend as string | undefined, {
      loaded: config,
      task,
      fakeScript: args.flags["fake-script"] as string | undefined,
      cwd: io.cwd,
      model,
    });
    const json = args.flags.json === true;
    const renderer = new EventRenderer(io.stdout, io.stderr, io.isTTY && !json);
    const agent = new Agent({
      config,
      backend,
      approvalProvider: onAsk.kind === "fail" ? null : new TerminalApprovalProvider(onAsk, io.stderr),
      humanIO: onAsk.kind === "prompt" || onAsk.kind === "wait" ? new TerminalHumanIO(onAsk, io.stderr) : null,
    });
    if (!json) io.stderr(`model: ${description}\n`);
    const stream = agent.runStream(task, { ...(runId ? { runId } : {}), ...(strategy ? { resumeStrategy: strategy } : {}), signal: io.signal });
    for await (const event of stream) {
      if (json) io.stdout(`${JSON.stringify(event)}\n`);
      else renderer.render(event);
    }
    renderer.stopSpinner();
    const result = await stream.result;
    if (!json) io.stderr(`run ${result.runId}: ${result.status} (WAL ${result.walLocator})\n`);
    return runExitCode(result);
  },
};
