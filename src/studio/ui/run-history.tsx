/** The History tab: every run of the session, newest first, with status, task, duration and tokens. */
import { api } from "./api.ts";
import { formatDateTime, formatDuration, formatTokens, truncate } from "./format.ts";
import { useLoad } from "./hooks.ts";
import { StatusPill } from "./status-pill.tsx";

export interface RunHistoryProps {
  sessionId: string;
  activeRunId: string | null;
  /** Changes whenever the list should be fetched again (a run started or ended). */
  refreshKey: string;
  onOpen: (runId: string) => void;
  onReplay: (runId: string) => void;
  onFork: (runId: string) => void;
}

export function RunHistory(props: RunHistoryProps) {
  const { data: runs, error } = useLoad(() => api.listRuns(props.sessionId), [props.sessionId, props.refreshKey]);
  if (error) return <div class="alert err">{error}</div>;
  if (runs === null) return <div class="skeleton" />;
  if (runs.length === 0) return <div class="empty">No runs in this session yet. Type a task below and press Enter.</div>;
  return (
    <ul class="history" data-testid="run-history">
      {runs.map((run) => (
        <li key={run.run_id} class={`history-item${run.run_id === props.activeRunId ? " active" : ""}`} data-testid="history-item" data-run-id={run.run_id} data-status={run.status}>
          <button class="history-main" onClick={() => props.onOpen(run.run_id)} title="Open this run's timeline">
            <span class="row">
              <StatusPill status={run.status} />
              <span class="muted small">{formatDateTime(run.created_at ?? run.started_at)}</span>
              <span class="spacer" />
              <span class="muted small mono">…{run.run_id.slice(-6)}</span>
            </span>
            <span class="history-task">{truncate(run.task ?? "(no task)", 160)}</span>
            <span class="muted small">
              {formatDuration(run.duration_ms)} · {formatTokens(run.usage?.total_tokens)} tokens
            </span>
          </button>
          <span class="row">
            <button class="small" onClick={() => props.onReplay(run.run_id)} title="Play this run's events back step by step" data-testid="history-replay">
              Replay
            </button>
            <button class="small" onClick={() => props.onFork(run.run_id)} title="Start a new run from this run's events" data-testid="history-fork">
              Fork
            </button>
          </span>
        </li>
      ))}
    </ul>
  );
}
