/**
 * Deterministic replay (beyond the reference): re-execute a recorded run with the current code and
 * configuration, feeding the recorded model outputs, tool results, approval decisions and human
 * answers back in. No tokens are spent, no tool runs, nothing is written unless a WAL is given.
 * The report says whether the new run reproduces the record and, if not, the first event where it
 * departs (a changed prompt, a policy that now denies or asks, a budget that now stops earlier...).
 */
import type { AgentEvent } from "../../events/schema.ts";
import { RuntimeError } from "../../util/errors.ts";
import type { WalBackend } from "../../wal/backend.ts";
import { InMemoryWal } from "../../wal/memory.ts";
import { validateRunId } from "../../wal/paths.ts";
import type { Agent, RunStatus } from "../agent.ts";
import { compareRuns, type Divergence } from "./compare.ts";
import { buildRecording, type Recording } from "./recording.ts";
import { ReplayApprovalProvider, ReplayBackend, ReplayHumanIO, ReplayLog, ReplayRegistry, type ReplayMiss } from "./replay-services.ts";

export interface ReplayOptions {
  /** Which segment of a resumed run (0-based; default the last). */
  segment?: number;
  /** Run id of the replay (default `<source>_replay_<8 hex>`). */
  replayRunId?: string;
  /** Where the replay's events go (default in memory: nothing is written). */
  wal?: WalBackend;
  signal?: AbortSignal;
  /** Called with each replayed event as it happens. */
  onEvent?: (event: AgentEvent) => void;
}

export interface ReplayReport {
  source_run_id: string;
  replay_run_id: string;
  task: string;
  /** Index of the replayed segment's run_started in the source WAL. */
  segment_start: number;
  matches: boolean;
  recorded_events: number;
  replayed_events: number;
  recorded_terminal: string | null;
  replayed_terminal: string | null;
  status: RunStatus;
  divergence: Divergence | null;
  /** Positions (after aligning by index) whose events differ. */
  differing_events: number;
  misses: ReplayMiss[];
  model_calls_replayed: number;
  tool_results_replayed: number;
  /** Always 0: the model is never called. */
  tokens_spent: number;
  /** What the record says the original run spent. */
  recorded_usage: Recording["usage"];
  wal_locator: string;
  events: AgentEvent[];
}

/** `<source>_replay_<8 hex>`. */
export function defaultReplayId(source: string): string {
  const suffix = crypto.randomUUID().replaceAll("-", "").slice(0, 8);
  return `${source.slice(0, 180)}_replay_${suffix}`;
}

/** Replay the run whose events (all of them, WAL order) are given. */
export async function replayEvents(agent: Agent, sourceRunId: string, events: readonly AgentEvent[], options: ReplayOptions = {}): Promise<ReplayReport> {
  const recording = buildRecording(sourceRunId, events, { segment: options.segment });
  const replayRunId = validateRunId(options.replayRunId ?? defaultReplayId(sourceRunId));
  if (replayRunId === sourceRunId) throw new RuntimeError("validation", `Cannot replay run "${sourceRunId}" into itself: choose another run id`);
  const wal = options.wal ?? new InMemoryWal("wal://replay");
  // A resumed segment read the events before it: give the replay the same past.
  if (recording.resumeStrategy !== null) {
    for (const event of recording.priorEvents) {
      const { seq: _seq, ...rest } = event;
      await wal.append({ ...rest, run_id: replayRunId } as AgentEvent);
    }
  }

  const log = new ReplayLog();
  const controller = new AbortController();
  const cancel = (reason: string) => {
    if (!controller.signal.aborted) controller.abort(new Error(reason));
  };
  if (options.signal) {
    if (options.signal.aborted) cancel("replay cancelled");
    else options.signal.addEventListener("abort", () => cancel("replay cancelled"), { once: true });
  }
  const stream = agent.runStream(recording.task, {
    runId: replayRunId,
    createRunDir: options.wal !== undefined,
    signal: controller.signal,
    wal,
    backend: new ReplayBackend(recording, log, cancel),
    registry: new ReplayRegistry(agent.tools, recording, log, cancel),
    approvalProvider: new ReplayApprovalProvider(recording, log, cancel),
    humanIO: new ReplayHumanIO(recording, log),
    sessionApprovals: new Set(recording.cachedApprovalKeys),
    ...(recording.resumeStrategy ? { resumeStrategy: recording.resumeStrategy } : {}),
    recordedArguments: (callId) => {
      const recorded = recording.toolArguments.get(callId);
      return recorded?.valid ? recorded.arguments : undefined;
    },
  });
  const replayed: AgentEvent[] = [];
  for await (const event of stream) {
    replayed.push(event);
    options.onEvent?.(event);
  }
  const result = await stream.result;
  const { divergence, differing } = compareRuns(recording.events, replayed);
  return {
    source_run_id: sourceRunId,
    replay_run_id: replayRunId,
    task: recording.task,
    segment_start: recording.segmentStart,
    matches: divergence === null && log.misses.length === 0,
    recorded_events: recording.events.length,
    replayed_events: replayed.length,
    recorded_terminal: recording.terminal?.type ?? null,
    replayed_terminal: replayed.findLast((e) => e.type.startsWith("run_") && e.type !== "run_started")?.type ?? null,
    status: result.status,
    divergence,
    differing_events: differing,
    misses: log.misses,
    model_calls_replayed: log.llmCalls,
    tool_results_replayed: log.toolResults,
    tokens_spent: 0,
    recorded_usage: recording.usage,
    wal_locator: result.walLocator,
    events: replayed,
  };
}
