/**
 * `skills-runtime runs`: list, show, metrics, fork. Reads WALs written by us or by the reference.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { AgentEvent } from "../../events/schema.ts";
import { RuntimeError, UsageError } from "../../util/errors.ts";
import { forkRun } from "../../wal/fork.ts";
import { computeRunMetricsSummary, metricsExitCode } from "../../wal/metrics.ts";
import { resolveMetricsLocator } from "../../wal/metrics-locator.ts";
import { runsDir, walPath } from "../../wal/paths.ts";
import { readWalFile } from "../../wal/read.ts";
import { parseArgs, renderHelp, type FlagSpec } from "../args.ts";
import type { CliCommand, CliIO } from "../command.ts";
import { OUTPUT_FLAGS, formatJson, wantsJson } from "../common.ts";
import { EXIT } from "../exit-codes.ts";
import { REPLAY_FLAGS, REPLAY_SUMMARY, runsReplay } from "./runs-replay.ts";

const ROOT_FLAG: FlagSpec = { name: "workspace-root", type: "string", value: "DIR", default: ".", description: "Workspace whose runs to read." };

interface RunRow {
  run_id: string;
  status: string;
  task: string;
  started_at: string | null;
  ended_at: string | null;
  events: number;
}

function summarize(runId: string, events: AgentEvent[]): RunRow {
  const started = events.findLast((e) => e.type === "run_started");
  const terminal = events.findLast((e) => ["run_completed", "run_failed", "run_cancelled", "run_waiting_human"].includes(e.type));
  const status = terminal ? terminal.type.replace(/^run_/, "") : started ? "running_or_interrupted" : "empty";
  return {
    run_id: runId,
    status,
    task: String((started?.payload as { task?: unknown } | undefined)?.task ?? ""),
    started_at: started?.timestamp ?? null,
    ended_at: terminal?.timestamp ?? null,
    events: events.length,
  };
}

function timelineLine(e: AgentEvent): string {
  const p = e.payload as Record<string, any>;
  const at = e.timestamp.slice(11, 23);
  const where = [e.turn_id, e.step_id].filter(Boolean).join("/");
  const head = `${String(e.seq ?? "").padStart(4)} ${at} ${e.type.padEnd(22)} ${where.padEnd(14)}`;
  switch (e.type) {
    case "run_started":
      return `${head} task: ${p.task}`;
    case "llm_response_delta":
      return p.delta_type === "text" ? `${head} ${JSON.stringify(p.text)}` : `${head} tool calls: ${(p.tool_calls ?? []).map((c: any) => c.name).join(", ")}`;
    case "tool_call_requested":
      return `${head} ${p.tool ?? p.name} ${JSON.stringify(p.arguments ?? {})}`;
    case "tool_call_finished":
      return `${head} ${p.tool ?? p.name} ok=${p.result?.ok} ${p.result?.error_kind ?? ""}`.trimEnd();
    case "approval_requested":
      return `${head} ${p.summary}`;
    case "approval_decided":
      return `${head} ${p.decision} (${p.reason})`;
    case "llm_usage":
      return `${head} ${p.input_tokens} in / ${p.output_tokens} out`;
    case "run_completed":
      return `${head} ${JSON.stringify(p.final_output)}`;
    case "run_failed":
      return `${head} ${p.error_kind}: ${p.message}`;
    default:
      return head.trimEnd();
  }
}

const SUBCOMMANDS = [
  { name: "list", summary: "List the runs of the workspace, newest first." },
  { name: "show", summary: "Print the timeline of one run (RUN_ID)." },
  { name: "metrics", summary: "Summarise a run's WAL (exit 20 invalid, 22 not found, 23 not supported)." },
  { name: "fork", summary: "Copy events 0..SEQ of a run into a new run id (RUN_ID@SEQ NEW_ID)." },
  { name: "replay", summary: REPLAY_SUMMARY },
];

const SUB_FLAGS: Record<string, FlagSpec[]> = {
  list: [ROOT_FLAG, ...OUTPUT_FLAGS],
  show: [ROOT_FLAG, ...OUTPUT_FLAGS],
  metrics: [
    ROOT_FLAG,
    { name: "run-id", type: "string", value: "ID", description: "The run to measure (its WAL under the workspace)." },
    { name: "wal-locator", type: "string", value: "LOC", description: "A WAL path (relative to the workspace) or locator, instead of --run-id." },
    { name: "pretty", type: "boolean", description: "Indent the JSON output." },
  ],
  fork: [ROOT_FLAG, ...OUTPUT_FLAGS],
  replay: REPLAY_FLAGS,
};

function runIds(root: string): string[] {
  const dir = runsDir(root);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => existsSync(walPath(root, name)));
}

async function runSub(sub: string, argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, SUB_FLAGS[sub]!, `skills-runtime runs ${sub}`);
  if (args.help) {
    io.stdout(renderHelp({ usage: `skills-runtime runs ${sub} [flags]`, summary: SUBCOMMANDS.find((s) => s.name === sub)!.summary, flags: SUB_FLAGS[sub]!, examples: [EXAMPLES[sub]!] }));
    return EXIT.ok;
  }
  if (sub === "replay") return runsReplay(args, io);
  const root = resolve(io.cwd, String(args.flags["workspace-root"] ?? "."));
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    if (sub === "metrics") {
      io.stdout(formatJson({ error_kind: "validation", message: "Workspace root is invalid.", details: { workspace_root: root } }, args.flags.pretty === true));
      return 20;
    }
    throw new UsageError(`Cannot use workspace root "${root}": not a directory`);
  }
  if (sub === "metrics") {
    let locator: string;
    try {
      locator = resolveMetricsLocator(root, {
        ...(typeof args.flags["run-id"] === "string" ? { runId: args.flags["run-id"] } : {}),
        ...(typeof args.flags["wal-locator"] === "string" ? { walLocator: args.flags["wal-locator"] } : {}),
      });
    } catch (error) {
      io.stdout(formatJson({ error_kind: "validation", message: (error as Error).message, details: {} }, args.flags.pretty === true));
      return 20;
    }
    const summary = computeRunMetricsSummary(locator);
    io.stdout(formatJson(summary, args.flags.pretty === true));
    return metricsExitCode(summary);
  }
  if (sub === "list") {
    const rows = runIds(root)
      .map((id) => summarize(id, readWalFile(walPath(root, id))))
      .sort((a, b) => (b.started_at ?? "").localeCompare(a.started_at ?? ""));
    if (wantsJson(args)) io.stdout(formatJson({ runs: rows }, args.flags.pretty === true));
    else if (rows.length === 0) io.stdout(`No runs in ${root}.\n`);
    else for (const r of rows) io.stdout(`${r.run_id}  ${r.status.padEnd(14)} ${r.started_at ?? "-"}  ${r.task.slice(0, 60)}\n`);
    return EXIT.ok;
  }
  if (sub === "show") {
    const id = args.positionals[0];
    if (!id) throw new UsageError("skills-runtime runs show needs a RUN_ID (see `skills-runtime runs list`).");
    const path = walPath(root, id);
    if (!existsSync(path)) throw new RuntimeError("not_found", `Cannot show run "${id}": no WAL at ${path}`);
    const events = readWalFile(path, { onWarning: (w) => io.stderr(`warning: ${JSON.stringify(w)}\n`) });
    if (wantsJson(args)) io.stdout(formatJson({ ...summarize(id, events), timeline: events }, args.flags.pretty === true));
    else for (const e of events) io.stdout(`${timelineLine(e)}\n`);
    return EXIT.ok;
  }
  // fork
  const [src, dst] = args.positionals;
  const at = src?.lastIndexOf("@") ?? -1;
  if (!src || !dst || at <= 0 || !/^\d+$/.test(src.slice(at + 1))) {
    throw new UsageError("skills-runtime runs fork needs RUN_ID@SEQ NEW_RUN_ID, e.g. `skills-runtime runs fork run_abc@12 run_abc_try2`.");
  }
  const path = forkRun(root, { srcRunId: src.slice(0, at), dstRunId: dst, upToIndexInclusive: Number(src.slice(at + 1)) });
  if (wantsJson(args)) io.stdout(formatJson({ run_id: dst, wal_locator: path }, args.flags.pretty === true));
  else io.stdout(`${path}\nContinue it with: skills-runtime run --run-id ${dst} --resume-strategy replay "TASK"\n`);
  return EXIT.ok;
}

const EXAMPLES: Record<string, string> = {
  list: "skills-runtime runs list --json",
  show: "skills-runtime runs show run_3f2a9c",
  metrics: "skills-runtime runs metrics --run-id run_3f2a9c --pretty",
  fork: "skills-runtime runs fork run_3f2a9c@12 run_3f2a9c_b",
  replay: "skills-runtime runs replay run_3f2a9c --config stricter-policy.yaml",
};

export const runsCommand: CliCommand = {
  name: "runs",
  passthrough: true,
  help: {
    usage: "skills-runtime runs <command> [flags]",
    summary: "Inspect recorded runs: list, show a timeline, metrics, fork, replay.",
    details: "Run `skills-runtime runs <command> --help` for the flags of each command.",
    subcommands: SUBCOMMANDS,
    flags: [],
    examples: Object.values(EXAMPLES),
  },
  async run(args, io) {
    const [sub, ...rest] = args.positionals;
    if (!sub || !(sub in SUB_FLAGS)) {
      throw new UsageError(`skills-runtime runs: unknown command "${sub ?? ""}". Commands: ${SUBCOMMANDS.map((s) => s.name).join(", ")}.`);
    }
    return runSub(sub, rest, io);
  },
};
