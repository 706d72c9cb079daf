/**
 * `skills-runtime runs replay RUN_ID`: re-execute a recorded run with the current code and config,
 * feeding back the recorded model outputs, tool results, approvals and answers, and say whether
 * (and where) the new run departs from the record.
 */
import { existsSync } from "node:fs";
import { Agent } from "../../core/agent.ts";
import { defaultReplayId, replayEvents, type ReplayReport } from "../../core/replay/replay-run.ts";
import { RuntimeError, UsageError } from "../../util/errors.ts";
import { JsonlWal } from "../../wal/append.ts";
import { walPath } from "../../wal/paths.ts";
import { readWalFile } from "../../wal/read.ts";
import type { FlagSpec, ParsedArgs } from "../args.ts";
import type { CliIO } from "../command.ts";
import { OUTPUT_FLAGS, WORKSPACE_FLAGS, formatJson, loadWorkspaceConfig, wantsJson } from "../common.ts";
import { EXIT } from "../exit-codes.ts";

export const REPLAY_FLAGS: FlagSpec[] = [
  ...WORKSPACE_FLAGS,
  { name: "segment", type: "string", value: "N", description: "Which segment of a resumed run to replay (0 = the first run_started; default the last)." },
  { name: "save", type: "boolean", description: "Write the replay as a new run (RUN_ID_replay_<hex>) instead of keeping it in memory." },
  { name: "replay-run-id", type: "string", value: "ID", description: "Run id for the saved replay (implies --save)." },
  { name: "events", type: "boolean", description: "With --json: include the replayed events in the report." },
  ...OUTPUT_FLAGS,
];

export const REPLAY_SUMMARY = "Re-run a recorded run with its recorded model outputs and tool results (no tokens, no side effects); exit 0 when it matches the record, 1 when it diverges.";

function describeValue(value: unknown): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function renderReport(report: ReplayReport): string {
  const lines = [
    `replayed ${report.source_run_id} (task: ${JSON.stringify(report.task)}) as ${report.replay_run_id}`,
    `  events: ${report.recorded_events} recorded, ${report.replayed_events} replayed; model calls fed back: ${report.model_calls_replayed}; tool results fed back: ${report.tool_results_replayed}`,
    `  tokens spent: 0 (the record spent ${report.recorded_usage.total_tokens})`,
    `  end: recorded ${report.recorded_terminal ?? "none (interrupted)"}, replayed ${report.replayed_terminal ?? "none"}`,
  ];
  const d = report.divergence;
  if (d) {
    const recorded = d.recorded ? `${d.recorded.type}${d.recorded.seq !== undefined ? ` (seq ${d.recorded.seq})` : ""}` : "nothing (the record ended)";
    const replayed = d.replayed ? d.replayed.type : "nothing (the replay ended)";
    lines.push(`  DIVERGES at event #${d.index}: recorded ${recorded}, replayed ${replayed}`);
    lines.push(`    ${d.field}: expected ${describeValue(d.expected)}, got ${describeValue(d.actual)}`);
    lines.push(`    ${report.differing_events} event position(s) differ in all`);
  }
  for (const miss of report.misses) lines.push(`  not in the record (${miss.what}): ${miss.detail}`);
  if (!d && report.misses.length === 0) lines.push("  result: identical to the record");
  if (report.wal_locator.startsWith("/")) lines.push(`  saved: ${report.wal_locator}`);
  return `${lines.join("\n")}\n`;
}

export async function runsReplay(args: ParsedArgs, io: CliIO): Promise<number> {
  const sourceRunId = args.positionals[0];
  if (!sourceRunId) throw new UsageError("skills-runtime runs replay needs a RUN_ID (see `skills-runtime runs list`).");
  const loaded = loadWorkspaceConfig(args, io);
  const path = walPath(loaded.workspaceRoot, sourceRunId);
  if (!existsSync(path)) throw new RuntimeError("not_found", `Cannot replay run "${sourceRunId}": no WAL at ${path}`);
  let segment: number | undefined;
  if (typeof args.flags.segment === "string") {
    if (!/^\d+$/.test(args.flags.segment)) throw new UsageError(`Flag --segment of skills-runtime runs replay: expected a number, got "${args.flags.segment}".`);
    segment = Number(args.flags.segment);
  }
  const events = readWalFile(path, { onWarning: (w) => io.stderr(`warning: ${JSON.stringify(w)}\n`) });
  const replayRunId = typeof args.flags["replay-run-id"] === "string" ? args.flags["replay-run-id"] : undefined;
  const save = args.flags.save === true || replayRunId !== undefined;
  const id = replayRunId ?? defaultReplayId(sourceRunId);
  if (save && existsSync(walPath(loaded.workspaceRoot, id))) {
    throw new UsageError(`Cannot save the replay as run "${id}": that run already exists (choose another --replay-run-id).`);
  }
  const agent = new Agent({ config: loaded });
  const report = await replayEvents(agent, sourceRunId, events, {
    ...(segment !== undefined ? { segment } : {}),
    replayRunId: id,
    ...(save ? { wal: JsonlWal.forRun(loaded.workspaceRoot, id) } : {}),
    signal: io.signal,
  });
  if (wantsJson(args)) {
    const { events: _replayed, ...rest } = report;
    io.stdout(formatJson(args.flags.events === true ? report : rest, args.flags.pretty === true));
  } else io.stdout(renderReport(report));
  return report.matches ? EXIT.ok : EXIT.failure;
}
