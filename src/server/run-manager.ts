/**
 * `InProcessRunManager`: the runs of `serve`, executed in this process (the Agent is async, so
 * many runs share the event loop; at most `maxConcurrentRuns` execute at once, the rest are
 * `queued`).
 *
 * - Create (spec 12.5): validate the session, allocate `run_<32 hex>`, write run.json, count the
 *   run, pre-create events.jsonl, start the Agent (config = the server's overlays + the session's
 *   skills overlay + its settings; backend per run-backend.ts; approvals from the hub; questions
 *   through HumanWaits). An exception outside the Agent's own handling appends `run_failed`.
 * - Status comes from the run's event hook (started, terminal) plus the live waits: `queued`,
 *   `running`, `waiting_approval`, `waiting_human`, then the terminal's status.
 * - `cancel` aborts the run's AbortController (tools are killed; the WAL ends with run_cancelled).
 * - `resume` continues a finished or paused run under the same id (the config's resume strategy);
 *   `fork` copies a WAL prefix into a new run and continues it with `replay`.
 * - Restart (decisions.md item 11): see run-recovery.ts. `shutdown()` cancels the runs that are
 *   executing, pauses live human questions (the run ends `run_waiting_human`, answerable later)
 *   and leaves runs that wait for an approval as they are (the WAL ends with approval_requested),
 *   so the next server rebuilds the approval; `serve` exits the process right after.
 */
import { stat } from "node:fs/promises";
import type { AgentOptions } from "../core/agent.ts";
import { Agent } from "../core/agent.ts";
import type { LoadedConfig } from "../config/load.ts";
import { isTerminalEvent, type AgentEvent } from "../events/schema.ts";
import type { FakeCall } from "../llm/fake-backend.ts";
import type { ProbeTarget } from "../llm/local-probe.ts";
import type { ApprovalDecision } from "../safety/approvals.ts";
import { forkRun } from "../wal/fork.ts";
import { utcTimestamp } from "../util/time.ts";
import type { ApprovalsHub } from "./approvals-hub.ts";
import { SessionSettings, type RunManager, type RunStatus, type SessionStore } from "./context.ts";
import { HttpError } from "./errors.ts";
import { HumanWaits } from "./human-waits.ts";
import { chooseServerBackend } from "./run-backend.ts";
import { loadRunConfig } from "./run-config.ts";
import { RunFiles, registerInstance, unregisterInstance, type RunJson } from "./run-files.ts";
import { RunNotifier } from "./run-notifier.ts";
import { RunSlots } from "./run-slots.ts";
import { recoverRuns, recordDormantDecision, closeUnfinishedCalls, type RecoveryReport } from "./run-recovery.ts";
import { summarizeWal, type RunSummary } from "./run-summary.ts";
import { runDetail, runListItem, terminalStatus, FINISHED, type RunDetail, type RunListItem, type WaitingHuman } from "./run-views.ts";
import { appendRunEvents, workerFailure } from "./run-wal.ts";
import { newRunId } from "./storage/ids.ts";
import { WalCursor } from "./wal-cursor.ts";

export interface InProcessRunManagerOptions {
  loaded: LoadedConfig;
  sessions: SessionStore;
  approvals: ApprovalsHub;
  /** Every run uses the Studio fake backend. */
  forceFakeBackend?: boolean;
  notifier?: RunNotifier;
  humans?: HumanWaits;
  /** Runs executing at once (default 32); more are queued. */
  maxConcurrentRuns?: number;
  /** Replaces the Studio fake script (tests). */
  fakeScript?: (task: string) => FakeCall[];
  /** Ports never probed for a local LLM (the server's own). */
  excludeProbePorts?: readonly number[];
  /** Where runs look for a local LLM (default the usual ports; tests point it at a scripted server). */
  probeTargets?: readonly ProbeTarget[];
  /** Extra Agent options for every run (tests: e.g. `sandboxAdapter`). */
  agentOptions?: Partial<Omit<AgentOptions, "config" | "backend" | "approvalProvider" | "humanIO" | "eventHooks">>;
  /** How long `cancel` waits for the WAL to end before answering (default 15 s). */
  cancelWaitMs?: number;
}

interface LiveRun {
  runId: string;
  sessionId: string | null;
  controller: AbortController;
  started: boolean;
  terminal: string | null;
  parked: boolean;
  done: Promise<void>;
}

export interface StartPlan {
  runId: string;
  sessionId: string | null;
  task: string;
  resumeStrategy?: "summary" | "replay";
}

export class InProcessRunManager implements RunManager {
  readonly files: RunFiles;
  readonly notifier: RunNotifier;
  readonly humans: HumanWaits;
  readonly approvals: ApprovalsHub;
  readonly instanceId = crypto.randomUUID();
  private readonly options: InProcessRunManagerOptions;
  private readonly live = new Map<string, LiveRun>();
  private readonly summaries = new Map<string, { size: number; mtimeMs: number; summary: RunSummary }>();
  private readonly slots: RunSlots;
  private closing = false;

  constructor(options: InProcessRunManagerOptions) {
    this.options = options;
    this.files = new RunFiles(options.loaded.workspaceRoot);
    this.notifier = options.notifier ?? new RunNotifier();
    this.humans = options.humans ?? new HumanWaits(options.loaded.config.run.human_timeout_ms ? { timeoutMs: options.loaded.config.run.human_timeout_ms } : {});
    this.approvals = options.approvals;
    this.slots = new RunSlots(Math.max(1, options.maxConcurrentRuns ?? 32));
    this.approvals.setDormantHandler((approval, decision) => this.onDormantDecision(approval.run_id, approval.approval_key, decision));
    registerInstance(this.instanceId);
  }

  get workspaceRoot(): string {
    return this.files.layout.workspaceRoot;
  }

  get activeCount(): number {
    let n = 0;
    for (const run of this.live.values()) if (!run.parked) n += 1;
    return n;
  }

  /** Rebuild approvals pending in WALs and close runs whose server died (call once at start). */
  recover(): Promise<RecoveryReport> {
    return recoverRuns({
      files: this.files,
      approvals: this.approvals,
      instanceId: this.instanceId,
      isLive: (runId) => this.live.has(runId),
      notify: (runId) => this.notifier.notify(runId),
    });
  }

  walPath(runId: string): string {
    return this.files.walPath(runId);
  }

  /** 404 unless the run has a folder with a WAL or run.json (400 for an unsafe id). */
  async requireRun(runId: string): Promise<RunJson | null> {
    const runJson = await this.files.readRunJson(runId);
    if (!runJson && !this.live.has(runId) && !(await this.files.exists(runId))) {
      throw new HttpError("not_found", `Cannot find run ${JSON.stringify(runId)}`, { run_id: runId });
    }
    return runJson;
  }

  // ------------------------------------------------------------------------------------------
  // Create, resume, fork

  async createRun(sessionId: string, message: string): Promise<{ run_id: string }> {
    this.checkOpen();
    await this.options.sessions.get(sessionId);
    await this.options.sessions.skillsConfig(sessionId);
    const runId = newRunId();
    await this.files.create({ run_id: runId, session_id: sessionId, created_at: utcTimestamp(), message });
    await this.options.sessions.incrementRuns(sessionId);
    this.launch({ runId, sessionId, task: message });
    return { run_id: runId };
  }

  async resume(runId: string, message?: string): Promise<{ run_id: string; status: RunStatus }> {
    this.checkOpen();
    const runJson = await this.requireRun(runId);
    await this.settled(runId, "resume");
    await this.checkNotOwnedElsewhere(runId, "resume");
    if (this.approvals.hasDormant(runId)) {
      throw new HttpError("conflict", `Cannot resume run ${JSON.stringify(runId)}: it waits for an approval; decide it to resume the run`, {
        run_id: runId,
        pending_approvals: this.approvals.listPending(runId),
      });
    }
    const summary = await this.summary(runId);
    const task = message ?? summary.task ?? runJson?.message;
    if (!task) throw new HttpError("validation_error", `Cannot resume run ${JSON.stringify(runId)}: it has no task; send a message`, { run_id: runId });
    await closeUnfinishedCalls(this.workspaceRoot, runId, summary, "The server stopped before this call finished; it was not completed.");
    this.launch({ runId, sessionId: runJson?.session_id ?? null, task });
    return { run_id: runId, status: await this.statusOf(runId) };
  }

  async fork(srcRunId: string, options: { fromSeq?: number; message?: string } = {}): Promise<{ run_id: string; forked_from: string; from_seq: number }> {
    this.checkOpen();
    const srcJson = await this.requireRun(srcRunId);
    // seq -> physical line, and the task in force at that point.
    const lines = new Map<number, number>();
    let task: string | null = null;
    let lastSeq = -1;
    await new WalCursor(this.files.walPath(srcRunId)).readAll((line) => {
      lastSeq = line.seq;
      lines.set(line.seq, line.line);
      if (line.type === "run_started" && (options.fromSeq === undefined || line.seq <= options.fromSeq)) {
        const t = (line.value?.payload as { task?: unknown } | undefined)?.task;
        if (typeof t === "string") task = t;
      }
    });
    if (lastSeq < 0) throw new HttpError("conflict", `Cannot fork run ${JSON.stringify(srcRunId)}: it has no events yet`, { run_id: srcRunId });
    const fromSeq = options.fromSeq ?? lastSeq;
    if (fromSeq > lastSeq) {
      throw new HttpError("validation_error", `Cannot fork run ${JSON.stringify(srcRunId)} at seq ${fromSeq}: its last event is seq ${lastSeq}`, { run_id: srcRunId, from_seq: fromSeq, last_seq: lastSeq });
    }
    const runTask = options.message ?? task ?? srcJson?.message;
    if (!runTask) throw new HttpError("validation_error", `Cannot fork run ${JSON.stringify(srcRunId)}: no task found before seq ${fromSeq}; send a message`, { run_id: srcRunId });
    const runId = newRunId();
    const sessionId = srcJson?.session_id ?? null;
    await this.files.create({ run_id: runId, session_id: sessionId, created_at: utcTimestamp(), message: runTask, forked_from: { run_id: srcRunId, seq: fromSeq } });
    forkRun(this.workspaceRoot, { srcRunId, dstRunId: runId, upToIndexInclusive: lines.get(fromSeq)! });
    if (sessionId) await this.options.sessions.incrementRuns(sessionId).catch(() => undefined);
    const summary = await summarizeWal(this.files.walPath(runId), runId);
    await closeUnfinishedCalls(this.workspaceRoot, runId, summary, "The run was forked before this call finished; it was not completed.");
    this.launch({ runId, sessionId, task: runTask, resumeStrategy: "replay" });
    return { run_id: runId, forked_from: srcRunId, from_seq: fromSeq };
  }

  // ------------------------------------------------------------------------------------------
  // Cancel, human answers, shutdown

  /** Cancel every run of a session this process executes (before the session is deleted). */
  async cancelSessionRuns(sessionId: string): Promise<string[]> {
    const ids = [...this.live.values()].filter((r) => r.sessionId === sessionId && !r.terminal).map((r) => r.runId);
    await Promise.all(ids.map((id) => this.cancel(id).catch(() => undefined)));
    return ids;
  }

  async cancel(runId: string): Promise<{ ok: true; status: RunStatus }> {
    const live = this.live.get(runId);
    if (live && !live.terminal) {
      live.controller.abort(new Error("cancelled by user"));
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([live.done, new Promise((resolve) => (timer = setTimeout(resolve, this.options.cancelWaitMs ?? 15_000)))]);
      clearTimeout(timer);
      return { ok: true, status: await this.statusOf(runId) };
    }
    await this.requireRun(runId);
    const status = await this.statusOf(runId);
    if (FINISHED.has(status)) throw new HttpError("conflict", `Cannot cancel run ${JSON.stringify(runId)}: it already finished (${status})`, { run_id: runId, status });
    await this.checkNotOwnedElsewhere(runId, "cancel");
    // Nobody executes it (a restarted server, or its server died): record the cancel ourselves.
    this.approvals.clearRun(runId);
    await appendRunEvents(this.workspaceRoot, runId, (walLocator) => [{ type: "run_cancelled", payload: { message: "cancelled by user", wal_locator: walLocator } }]);
    this.notifier.notify(runId);
    return { ok: true, status: "cancelled" };
  }

  /**
   * Answer a question. Live: the waiting tool gets the answer. A run that ended
   * `run_waiting_human`: the answer is recorded (`human_response`) and the run resumes under the
   * same id with the answer as its message; the same question asked again is answered at once.
   */
  async answerHuman(runId: string, callId: string, answer: string): Promise<{ ok: true; resumed: boolean }> {
    const live = this.live.get(runId);
    if (live && !live.terminal) {
      if (this.humans.answer(runId, callId, answer)) return { ok: true, resumed: false };
      throw new HttpError("not_found", `Run ${JSON.stringify(runId)} has no pending question with call_id ${JSON.stringify(callId)}`, {
        run_id: runId,
        call_id: callId,
        pending: this.humans.listPending(runId).map((p) => p.call_id),
      });
    }
    this.checkOpen();
    const runJson = await this.requireRun(runId);
    await this.settled(runId, "answer");
    await this.checkNotOwnedElsewhere(runId, "answer");
    const summary = await this.summary(runId);
    const waiting = summary.terminal?.type === "run_waiting_human" ? summary.waitingHuman : null;
    if (!waiting) {
      throw new HttpError("conflict", `Cannot answer run ${JSON.stringify(runId)}: it is not waiting for a human answer`, { run_id: runId, status: await this.statusOf(runId) });
    }
    if (callId !== waiting.call_id && !callId.startsWith(`${waiting.call_id}:`)) {
      throw new HttpError("not_found", `Run ${JSON.stringify(runId)} has no pending question with call_id ${JSON.stringify(callId)}`, { run_id: runId, call_id: callId, pending: [waiting.call_id] });
    }
    const questionId = callId.startsWith(`${waiting.call_id}:`) ? callId.slice(waiting.call_id.length + 1) : undefined;
    await appendRunEvents(this.workspaceRoot, runId, () => [
      { type: "human_response", payload: { call_id: waiting.call_id, ...(questionId ? { question_id: questionId } : {}), answer } },
    ]);
    if (waiting.question) this.humans.preseed(runId, waiting.question, answer);
    const task = waiting.question ? `Answer to your question "${waiting.question}": ${answer}` : `Answer to your question: ${answer}`;
    this.launch({ runId, sessionId: runJson?.session_id ?? null, task });
    return { ok: true, resumed: true };
  }

  async shutdown(options: { keepPendingApprovals?: boolean } = {}): Promise<void> {
    this.closing = true;
    const keep = options.keepPendingApprovals ?? true;
    const waits: Promise<void>[] = [];
    for (const run of this.live.values()) {
      if (run.terminal) {
        waits.push(run.done);
        continue;
      }
      if (keep && run.started && this.approvals.hasPending(run.runId)) {
        run.parked = true;
        continue;
      }
      if (this.humans.hasPending(run.runId)) this.humans.release(run.runId, "the server stopped");
      else run.controller.abort(new Error("server shutdown"));
      waits.push(run.done);
    }
    await Promise.all(waits);
    unregisterInstance(this.instanceId);
  }

  // ------------------------------------------------------------------------------------------
  // Views

  /** Status of a run executing here (`queued` when none is). */
  liveStatus(runId: string): RunStatus {
    const live = this.live.get(runId);
    if (!live) return "queued";
    if (live.terminal) return terminalStatus(live.terminal) ?? "failed";
    if (!live.started) return "queued";
    if (this.approvals.hasPending(runId)) return "waiting_approval";
    if (this.humans.hasPending(runId)) return "waiting_human";
    return "running";
  }

  /** Status from the live state, else the WAL. */
  async statusOf(runId: string, summary?: RunSummary): Promise<RunStatus> {
    if (this.live.has(runId)) return this.liveStatus(runId);
    const s = summary ?? (await this.summary(runId));
    if (s.terminal) return terminalStatus(s.terminal.type) ?? "failed";
    if (this.approvals.hasPending(runId)) return "waiting_approval";
    return s.events === 0 ? "queued" : "running";
  }

  async getRun(runId: string): Promise<RunDetail> {
    const runJson = await this.requireRun(runId);
    const summary = await this.summary(runId);
    const status = await this.statusOf(runId, summary);
    const waitingHuman: WaitingHuman[] = this.humans.listPending(runId).map((p) => ({
      call_id: p.call_id,
      tool: null,
      question: p.question,
      choices: p.choices,
      context: p.context,
      live: true,
      age_ms: p.age_ms,
    }));
    return runDetail(runId, runJson, summary, { status, pendingApprovals: this.approvals.listPending(runId), waitingHuman });
  }

  /** The session's runs, newest first. */
  async listRuns(sessionId: string): Promise<RunListItem[]> {
    await this.options.sessions.get(sessionId);
    const ids = await this.files.listRunIds();
    const items = await Promise.all(
      ids.map(async (runId) => {
        const runJson = await this.files.readRunJson(runId);
        if (runJson?.session_id !== sessionId) return null;
        const summary = await this.summary(runId);
        return runListItem(runId, runJson, summary, await this.statusOf(runId, summary));
      }),
    );
    return items
      .filter((item): item is RunListItem => item !== null)
      .sort((a, b) => ((a.created_at ?? "") < (b.created_at ?? "") ? 1 : (a.created_at ?? "") > (b.created_at ?? "") ? -1 : a.run_id < b.run_id ? 1 : -1));
  }

  /** Resolves when the run executing here has ended (at once when none is). */
  async waitForRun(runId: string): Promise<void> {
    await this.live.get(runId)?.done;
  }

  /** The WAL summary, cached while the file is unchanged. */
  async summary(runId: string): Promise<RunSummary> {
    const path = this.files.walPath(runId);
    const st = await stat(path).catch(() => null);
    const cached = this.summaries.get(runId);
    if (st && cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs) return cached.summary;
    const summary = await summarizeWal(path, runId);
    if (st) {
      if (this.summaries.size >= 2000) this.summaries.delete(this.summaries.keys().next().value!);
      this.summaries.set(runId, { size: st.size, mtimeMs: st.mtimeMs, summary });
    }
    return summary;
  }

  // ------------------------------------------------------------------------------------------
  // Execution

  /**
   * Before continuing a run: 409 while it executes here; a run that just wrote its terminal is
   * awaited until its clean-up is done, so that clean-up cannot touch the continuation.
   */
  private async settled(runId: string, action: string): Promise<void> {
    const live = this.live.get(runId);
    if (!live) return;
    if (!live.terminal) throw new HttpError("conflict", `Cannot ${action} run ${JSON.stringify(runId)}: it is still executing`, { run_id: runId, status: this.liveStatus(runId) });
    await live.done;
  }

  private checkOpen(): void {
    if (this.closing) throw new HttpError("conflict", "The server is shutting down: no new runs are started", {});
  }

  private async checkNotOwnedElsewhere(runId: string, action: string): Promise<void> {
    const owner = await this.files.ownedElsewhere(runId, this.instanceId);
    if (owner) {
      throw new HttpError("conflict", `Cannot ${action} run ${JSON.stringify(runId)}: another server process (pid ${owner.pid}) is executing it`, { run_id: runId, owner_pid: owner.pid });
    }
  }

  private async onDormantDecision(runId: string, key: string, decision: ApprovalDecision): Promise<void> {
    this.checkOpen();
    await this.settled(runId, "resume");
    await this.checkNotOwnedElsewhere(runId, "resume");
    const runJson = await this.files.readRunJson(runId);
    const summary = await this.summary(runId);
    if (!summary.pendingApprovals.some((a) => a.approval_key === key)) {
      throw new HttpError("conflict", `Cannot decide approval of run ${JSON.stringify(runId)}: its WAL no longer shows it pending`, { run_id: runId, approval_key: key });
    }
    const task = summary.task ?? runJson?.message;
    if (!task && decision !== "abort") throw new HttpError("validation_error", `Cannot resume run ${JSON.stringify(runId)}: its task is unknown`, { run_id: runId });
    const plan = await recordDormantDecision({ workspaceRoot: this.workspaceRoot, runId, key, decision, summary, approvals: this.approvals });
    this.notifier.notify(runId);
    if (plan === "cancelled") return;
    this.launch({ runId, sessionId: runJson?.session_id ?? null, task: task! });
  }

  /** Start (or queue) one Agent run. */
  private launch(plan: StartPlan): void {
    const run: LiveRun = { runId: plan.runId, sessionId: plan.sessionId, controller: new AbortController(), started: false, terminal: null, parked: false, done: Promise.resolve() };
    this.live.set(plan.runId, run);
    run.done = this.execute(run, plan).finally(async () => {
      if (this.live.get(plan.runId) !== run) return; // a continuation owns the run's state now
      this.live.delete(plan.runId);
      this.humans.clearRun(plan.runId);
      this.approvals.clearRun(plan.runId, { keepDormant: true });
      await this.files.releaseOwner(plan.runId, this.instanceId).catch(() => undefined);
      this.notifier.notify(plan.runId);
    });
  }

  private async execute(run: LiveRun, plan: StartPlan): Promise<void> {
    await this.slots.acquire(run.controller.signal);
    try {
      await this.files.writeOwner(plan.runId, this.instanceId, utcTimestamp());
      const settings = plan.sessionId ? await this.options.sessions.settings(plan.sessionId) : SessionSettings.parse({});
      const loaded = await loadRunConfig(this.options.loaded, { sessions: this.options.sessions, sessionId: plan.sessionId, settings });
      const { backend } = await chooseServerBackend({
        loaded,
        settings,
        forceFake: this.options.forceFakeBackend ?? false,
        task: plan.task,
        ...(this.options.fakeScript ? { fakeScript: this.options.fakeScript } : {}),
        ...(this.options.excludeProbePorts ? { excludeProbePorts: this.options.excludeProbePorts } : {}),
        ...(this.options.probeTargets ? { probeTargets: this.options.probeTargets } : {}),
      });
      const agent = new Agent({
        ...this.options.agentOptions,
        config: loaded,
        backend,
        approvalProvider: this.approvals.providerFor(plan.runId),
        humanIO: this.humans.ioFor(plan.runId),
        eventHooks: [(event) => this.onEvent(run, event)],
      });
      await agent.run(plan.task, { runId: plan.runId, signal: run.controller.signal, ...(plan.resumeStrategy ? { resumeStrategy: plan.resumeStrategy } : {}) });
    } catch (error) {
      if (!run.terminal && !run.parked) {
        const [event] = await appendRunEvents(this.workspaceRoot, plan.runId, (walLocator) => [workerFailure(error, walLocator)]).catch(() => []);
        if (event) this.onEvent(run, event);
      }
    } finally {
      this.slots.release();
    }
  }

  private onEvent(run: LiveRun, event: AgentEvent): void {
    if (event.type === "run_started") run.started = true;
    if (isTerminalEvent(event)) run.terminal = event.type;
    this.notifier.notify(run.runId);
  }
}
