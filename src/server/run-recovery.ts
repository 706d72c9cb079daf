/**
 * Server restart (decisions.md item 11: pending approvals survive a restart).
 *
 * At start-up `recoverRuns` looks at every Studio run (a folder with run.json) whose WAL does not
 * end with a terminal event, that is not executing in this process and whose owner process
 * (owner.json) is not alive:
 * - approvals requested in its last segment without a decision become *dormant* hub entries
 *   (listed by GET …/approvals/pending, answerable as before);
 * - otherwise, when a server of ours owned it and died: a question a tool was waiting on ends the
 *   run with `run_waiting_human` (answerable through POST …/human), anything else ends it with
 *   `run_failed` (error_kind `terminated`, retryable; POST …/resume continues it). Calls left
 *   without a result get a `tool_call_finished` saying they did not complete, so a `replay`
 *   resume sends the model a well-formed history.
 *
 * Deciding a dormant approval (`recordDormantDecision`) writes what the engine would have
 * written: `approval_decided` (reason `provider`) and a result for the waiting call (denied: the
 * engine's "approval denied"; approved: "not run yet, call again"); `abort` ends the run with
 * `run_cancelled`. The run then resumes in this process under the same id, and the decision is
 * pre-seeded in the hub so the resumed run's gate gets it at once when the model asks for the
 * same call again (same approval key).
 */
import { isTerminalEvent } from "../events/schema.ts";
import type { ApprovalDecision } from "../safety/approvals.ts";
import type { ApprovalsHub } from "./approvals-hub.ts";
import type { RunFiles } from "./run-files.ts";
import { summarizeWal, type RunSummary } from "./run-summary.ts";
import { appendRunEvents, unfinishedCallResult, type ServerEvent } from "./run-wal.ts";
import { lastWalLine } from "./wal-cursor.ts";

export interface RecoveryReport {
  /** Approvals rebuilt as dormant entries, by run. */
  approvals: { run_id: string; approval_key: string }[];
  /** Runs ended with run_waiting_human because a question was open when their server died. */
  waitingHuman: string[];
  /** Runs ended with run_failed (terminated) because their server died. */
  terminated: string[];
}

export interface RecoverOptions {
  files: RunFiles;
  approvals: ApprovalsHub;
  instanceId: string;
  isLive: (runId: string) => boolean;
  notify: (runId: string) => void;
}

export async function recoverRuns(options: RecoverOptions): Promise<RecoveryReport> {
  const { files, approvals } = options;
  const report: RecoveryReport = { approvals: [], waitingHuman: [], terminated: [] };
  const workspaceRoot = files.layout.workspaceRoot;
  for (const runId of await files.listRunIds()) {
    if (options.isLive(runId)) continue;
    if (!(await files.readRunJson(runId))) continue; // not a Studio run (e.g. `skills-runtime run`)
    const last = await lastWalLine(files.walPath(runId));
    if (last === null || (last.type !== null && isTerminalEvent(last.type))) continue;
    if (await files.ownedElsewhere(runId, options.instanceId)) continue;
    const owner = await files.readOwner(runId);
    const summary = await summarizeWal(files.walPath(runId), runId);
    if (summary.pendingApprovals.length > 0) {
      for (const approval of summary.pendingApprovals) {
        approvals.addDormant(approval);
        report.approvals.push({ run_id: runId, approval_key: approval.approval_key });
      }
      continue;
    }
    if (!owner) continue; // nobody we know executed it: leave it as it is
    const human = summary.pendingHuman;
    if (human) {
      const call = summary.unfinishedCalls.find((c) => c.call_id === human.call_id);
      const message = `No answer to "${human.question ?? "the question"}" before the server stopped; answer it to resume the run`;
      await appendRunEvents(workspaceRoot, runId, (walLocator) => [
        ...summary.unfinishedCalls.map((c) =>
          c.call_id === human.call_id ? unfinishedCallResult(c, message, "human_required", { question: human.question }) : unfinishedCallResult(c, "The server stopped before this call finished; it was not completed."),
        ),
        {
          type: "run_waiting_human",
          payload: { tool: call?.tool ?? human.tool ?? "ask_human", call_id: human.call_id, message, error_kind: "human_required", wal_locator: walLocator },
          ...(call?.step_id ? { stepId: call.step_id } : {}),
        },
      ]);
      report.waitingHuman.push(runId);
    } else {
      await appendRunEvents(workspaceRoot, runId, (walLocator) => [
        ...summary.unfinishedCalls.map((c) => unfinishedCallResult(c, "The server stopped before this call finished; it was not completed.")),
        {
          type: "run_failed",
          payload: {
            error_kind: "terminated",
            message: `The server executing this run (pid ${owner.pid}) stopped before the run ended; resume the run to continue`,
            retryable: true,
            wal_locator: walLocator,
            details: { owner_pid: owner.pid },
          },
        },
      ]);
      report.terminated.push(runId);
    }
    await files.releaseOwner(runId, owner.instance_id).catch(() => undefined);
    options.notify(runId);
  }
  return report;
}

export interface DormantDecisionInput {
  workspaceRoot: string;
  runId: string;
  key: string;
  decision: ApprovalDecision;
  summary: RunSummary;
  approvals: ApprovalsHub;
}

/** Record the decision of a rebuilt approval; "resume" when the run should continue. */
export async function recordDormantDecision(input: DormantDecisionInput): Promise<"resume" | "cancelled"> {
  const { summary, key, decision } = input;
  const approval = summary.pendingApprovals.find((a) => a.approval_key === key);
  const ids = { ...(approval?.turn_id ? { turnId: approval.turn_id } : {}), ...(approval?.step_id ? { stepId: approval.step_id } : {}) };
  const decided: ServerEvent = { type: "approval_decided", payload: { approval_key: key, decision, reason: "provider" }, ...ids };
  if (decision === "abort") {
    input.approvals.clearRun(input.runId);
    await appendRunEvents(input.workspaceRoot, input.runId, (walLocator) => [decided, { type: "run_cancelled", payload: { message: "cancelled by user", wal_locator: walLocator } }]);
    return "cancelled";
  }
  const waitingCall = approval?.call_id;
  await appendRunEvents(input.workspaceRoot, input.runId, () => [
    decided,
    ...summary.unfinishedCalls.map((call) => {
      if (call.call_id !== waitingCall) return unfinishedCallResult(call, "The server stopped before this call finished; it was not completed.");
      if (decision === "denied") return unfinishedCallResult(call, "approval denied", "permission");
      return unfinishedCallResult(
        call,
        `Not run yet: the server restarted while this call waited for approval, which was then granted (${decision}). Call the tool again with the same arguments to run it.`,
        "cancelled",
        { approval_key: key, decision },
      );
    }),
  ]);
  // Other approvals of the same segment were asked by the same (now resumed) run: drop them.
  input.approvals.clearRun(input.runId);
  input.approvals.preseed(input.runId, key, decision);
  return "resume";
}

/** Give every call of the last segment that has no result one (before a resume). */
export async function closeUnfinishedCalls(workspaceRoot: string, runId: string, summary: RunSummary, stderr: string): Promise<void> {
  if (summary.terminal || summary.unfinishedCalls.length === 0) return;
  await appendRunEvents(workspaceRoot, runId, () => summary.unfinishedCalls.map((call) => unfinishedCallResult(call, stderr)));
}
