/**
 * The Run tab: the open run's header (status, Cancel, Fork, Replay), its live timeline and output,
 * the composer, the approval modal and the info dock. The open run comes from the URL, so a reload
 * shows the same run again (its timeline is rebuilt from the WAL).
 */
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { api, type Decision } from "./api.ts";
import { ApprovalModal } from "./approval-modal.tsx";
import { Composer } from "./composer.tsx";
import { Dialog } from "./dialog.tsx";
import { InfoDock, type DockTab } from "./info-dock.tsx";
import type { CatalogSkill } from "./mentions.ts";
import { isTerminal, type HumanItem, type RunModel } from "./run-model.ts";
import { StatusPill } from "./status-pill.tsx";
import { Timeline } from "./timeline.tsx";
import { useRun } from "./use-run.ts";

export interface RunViewProps {
  sessionId: string;
  runId: string | null;
  skills: CatalogSkill[];
  onOpenRun: (runId: string | null) => void;
  /** A run started or ended: the session list's counts may have changed. */
  onRunsChanged: () => void;
}

interface ForkDraft {
  runId: string;
  seq: number | null;
  message: string;
}

export function RunView(props: RunViewProps) {
  const [tab, setTab] = useState<DockTab>("status");
  const [modalOpen, setModalOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [refreshKey, setRefreshKey] = useState(0);
  const [fork, setFork] = useState<ForkDraft | null>(null);
  const [outputOpen, setOutputOpen] = useState(true);
  const [pendingReplay, setPendingReplay] = useState<string | null>(null);

  const onEvent = (model: RunModel, type: string, live: boolean) => {
    if (!live) return;
    if (type === "approval_requested") {
      setModalOpen(true);
      setTab("approvals");
    }
    if (type === "human_request") setTab("status");
    if (type === "run_completed" || type === "run_failed" || type === "run_cancelled" || type === "run_waiting_human") {
      setRefreshKey((k) => k + 1);
      props.onRunsChanged();
      if (model.pending.size === 0) setModalOpen(false);
    }
    if (type === "approval_decided" && model.pending.size === 0) setModalOpen(false);
  };
  const onCaughtUp = (model: RunModel) => {
    if (model.pending.size > 0) {
      setModalOpen(true);
      setTab("approvals");
    }
  };
  const handle = useRun(props.runId, { onEvent, onCaughtUp });
  const model = handle.model;
  const scrollRef = useRef<HTMLDivElement>(null);
  const stickRef = useRef(true);

  // Keep the newest events in view while the user has not scrolled up.
  useEffect(() => {
    const node = scrollRef.current;
    if (node && stickRef.current) node.scrollTop = node.scrollHeight;
  });

  useEffect(() => {
    setError(null);
    setModalOpen(false);
  }, [props.runId]);

  useEffect(() => {
    if (pendingReplay && model && model.runId === pendingReplay) {
      setPendingReplay(null);
      handle.replay();
    }
  }, [pendingReplay, model?.runId]);

  const start = async (text: string): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      const { run_id } = await api.createRun(props.sessionId, text);
      props.onOpenRun(run_id);
      setRefreshKey((k) => k + 1);
      props.onRunsChanged();
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const decide = async (key: string, decision: Decision) => {
    if (!model) return;
    await api.decide(model.runId, key, decision);
  };

  const answer = async (item: HumanItem, questionId: string | null, value: string) => {
    if (!model) return;
    const callId = questionId ? `${item.callId}:${questionId}` : item.callId;
    const result = await api.answer(model.runId, callId, value);
    if (result.resumed || handle.stream?.kind === "ended") handle.follow();
  };

  const cancel = async () => {
    if (!model) return;
    try {
      await api.cancelRun(model.runId);
    } catch (e) {
      setError(`Cannot cancel: ${(e as Error).message}`);
    }
  };

  const doFork = async () => {
    if (!fork) return;
    try {
      const created = await api.forkRun(fork.runId, { ...(fork.seq !== null ? { from_seq: fork.seq } : {}), ...(fork.message.trim() ? { message: fork.message.trim() } : {}) });
      setFork(null);
      props.onOpenRun(created.run_id);
      setRefreshKey((k) => k + 1);
      props.onRunsChanged();
    } catch (e) {
      setError(`Cannot fork: ${(e as Error).message}`);
      setFork(null);
    }
  };

  const running = model !== null && !isTerminal(model.status) && model.status !== "waiting_human";
  const pending = model ? [...model.pending.values()] : [];
  const stream = handle.stream;
  const connection =
    stream?.kind === "reconnecting" ? `reconnecting (attempt ${stream.attempt})` : stream?.kind === "failed" ? `stream failed: ${stream.message}` : handle.replaying ? "replaying" : undefined;

  return (
    <div class="run-layout">
      <section class="run-main" aria-label="Run">
        <header class="run-header">
          {model ? (
            <>
              <StatusPill status={model.status} {...(connection ? { extra: connection } : {})} />
              <span class="run-task ellipsis" title={model.task ?? ""}>
                {model.task ?? "…"}
              </span>
              <span class="spacer" />
              {running ? (
                <button class="danger small" data-testid="cancel-run" onClick={() => void cancel()} title="Cancel the run on the server (its tools are stopped)">
                  Cancel
                </button>
              ) : null}
              {handle.replaying ? (
                <button class="small" onClick={() => handle.stopReplay()}>
                  Stop replay
                </button>
              ) : (
                <button class="small" data-testid="replay-run" onClick={() => handle.replay()} title="Play the run's events back step by step">
                  Replay
                </button>
              )}
              <button class="small" data-testid="fork-run" onClick={() => setFork({ runId: model.runId, seq: null, message: "" })} title="Start a new run from this run's events">
                Fork
              </button>
              <button class="small ghost" onClick={() => props.onOpenRun(null)} title="Close this run and start a new one">
                New run
              </button>
            </>
          ) : (
            <>
              <StatusPill status="idle" />
              <span class="muted">New run</span>
            </>
          )}
        </header>
        {error ? (
          <div class="alert err" role="alert" data-testid="run-error">
            {error}
          </div>
        ) : null}
        <div
          class="run-scroll"
          ref={scrollRef}
          onScroll={(e: Event) => {
            const node = e.currentTarget as HTMLDivElement;
            stickRef.current = node.scrollHeight - node.scrollTop - node.clientHeight < 40;
          }}
        >
          {model ? (
            <Timeline model={model} live={!handle.replaying} actions={{ decide, answer, fork: (seq) => setFork({ runId: model.runId, seq, message: "" }), openRun: (runId) => props.onOpenRun(runId) }} />
          ) : (
            <div class="welcome">
              <h2>Run a task</h2>
              <p class="muted">
                Type what you want done and press Enter. Pull a skill into the run with a mention: type <span class="mono">$[</span> to pick one of this session's skills
                {props.skills[0] ? (
                  <>
                    , e.g. <span class="mono">{`$[${props.skills[0].namespace}].${props.skills[0].name}`}</span>
                  </>
                ) : null}
                . Tool calls that need your approval open a dialog; past runs are in History.
              </p>
            </div>
          )}
        </div>
        {model && model.output ? (
          <div class={`output-panel ${model.status}`}>
            <button class="ghost small" aria-expanded={String(outputOpen)} onClick={() => setOutputOpen(!outputOpen)}>
              {outputOpen ? "▾" : "▸"} Output
            </button>
            {outputOpen ? (
              <pre class="output" data-testid="run-output">
                {model.output}
              </pre>
            ) : null}
          </div>
        ) : null}
        <Composer skills={props.skills} busy={busy} onSubmit={start} />
      </section>
      <InfoDock
        model={model}
        sessionId={props.sessionId}
        tab={tab}
        onTab={setTab}
        onOpenApprovals={() => setModalOpen(true)}
        history={{
          activeRunId: props.runId,
          refreshKey: `${refreshKey}`,
          onOpen: (runId) => props.onOpenRun(runId),
          onReplay: (runId) => {
            props.onOpenRun(runId);
            setPendingReplay(runId);
          },
          onFork: (runId) => setFork({ runId, seq: null, message: "" }),
        }}
      />
      {modalOpen && pending.length > 0 && !handle.replaying ? <ApprovalModal approvals={pending} decide={decide} onClose={() => setModalOpen(false)} /> : null}
      {fork ? (
        <Dialog
          title="Fork run"
          onClose={() => setFork(null)}
          closeOnOverlay
          testId="fork-dialog"
          footer={
            <>
              <button onClick={() => setFork(null)}>Cancel</button>
              <button class="primary" data-testid="fork-submit" onClick={() => void doFork()}>
                Fork
              </button>
            </>
          }
        >
          <div class="stack">
            <p class="small">
              A new run gets a copy of this run's events {fork.seq === null ? "(all of them)" : `up to event ${fork.seq}`} and continues from there. The original run is not changed.
            </p>
            <label class="field">
              <span class="label">New task (optional)</span>
              <textarea
                rows={3}
                data-testid="fork-message"
                placeholder="Leave empty to continue with the original task"
                value={fork.message}
                onInput={(e: InputEvent) => setFork({ ...fork, message: (e.target as HTMLTextAreaElement).value })}
                onKeyDown={(e: KeyboardEvent) => {
                  if (e.key === "Enter" && !e.shiftKey) {
                    e.preventDefault();
                    void doFork();
                  }
                }}
              />
            </label>
          </div>
        </Dialog>
      ) : null}
    </div>
  );
}
