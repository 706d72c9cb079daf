/**
 * The info dock beside the run (the reference's tabs): Status, History, Logs, Approvals, Sandbox,
 * Config. Its header counts pending approvals, says whether the last tool ran sandboxed, and how
 * many tools ran.
 */
import { useEffect, useRef, useState } from "hono/jsx/dom";
import type { RunEvent } from "./api.ts";
import { ConfigPanel } from "./config-panel.tsx";
import { formatDuration, formatTime, formatTokens, prettyJson, truncate } from "./format.ts";
import { RunHistory, type RunHistoryProps } from "./run-history.tsx";
import { sandboxEntries, type RunModel } from "./run-model.ts";
import { SandboxBadge } from "./timeline.tsx";

export type DockTab = "status" | "history" | "logs" | "approvals" | "sandbox" | "config";
const TABS: { id: DockTab; label: string }[] = [
  { id: "status", label: "Status" },
  { id: "history", label: "History" },
  { id: "logs", label: "Logs" },
  { id: "approvals", label: "Approvals" },
  { id: "sandbox", label: "Sandbox" },
  { id: "config", label: "Config" },
];

export function eventSummary(event: RunEvent): string {
  const p = event.payload ?? {};
  switch (event.type) {
    case "llm_response_delta":
      return p.delta_type === "text" ? String(p.text ?? "") : `delta:${String(p.delta_type)}`;
    case "tool_call_requested":
    case "tool_call_started":
    case "tool_call_finished":
      return `${event.type}: ${String(p.tool ?? "")}${event.type === "tool_call_finished" ? ` ${(p.result as { ok?: boolean })?.ok ? "ok" : "failed"}` : ""}`;
    case "approval_requested":
      return String(p.summary ?? "");
    case "approval_decided":
      return `${String(p.decision)} (${String(p.reason ?? "")})`;
    case "run_completed":
      return String(p.final_output ?? "");
    default:
      return JSON.stringify(p);
  }
}

function Logs(props: { events: RunEvent[] }) {
  const [filter, setFilter] = useState("");
  const ref = useRef<HTMLDivElement>(null);
  const events = filter ? props.events.filter((e) => e.type.includes(filter) || eventSummary(e).includes(filter)) : props.events;
  useEffect(() => {
    const node = ref.current;
    if (node) node.scrollTop = node.scrollHeight;
  }, [props.events.length]);
  return (
    <div class="stack fill">
      <input type="text" placeholder="Filter events" aria-label="Filter events" value={filter} onInput={(e: InputEvent) => setFilter((e.target as HTMLInputElement).value)} />
      <div class="logs" ref={ref} data-testid="logs">
        {events.slice(-1000).map((event) => (
          <div class="log-line">
            <span class="muted mono">{event.seq}</span> <span class="muted">{formatTime(event.timestamp)}</span> <strong class="mono">{event.type}</strong>{" "}
            <span class="small">{truncate(eventSummary(event), 240)}</span>
          </div>
        ))}
      </div>
    </div>
  );
}

function SandboxTab(props: { model: RunModel }) {
  const [view, setView] = useState<"summary" | "tools" | "fail">("summary");
  const entries = sandboxEntries(props.model);
  const withEvidence = entries.filter((e) => e.sandbox);
  const last = withEvidence[withEvidence.length - 1];
  const failed = entries.filter((e) => e.status === "failed");
  const lastFail = [...failed].reverse().find((e) => e.sandbox?.active);
  return (
    <div class="stack">
      <div class="tabs small-tabs" role="tablist">
        {(["summary", "tools", "fail"] as const).map((v) => (
          <button role="tab" aria-selected={String(view === v)} onClick={() => setView(v)}>
            {v === "summary" ? "Summary" : v === "tools" ? "Per tool" : "Last failure"}
          </button>
        ))}
      </div>
      {view === "summary" ? (
        <div class="stack small">
          <div>
            Last sandboxed call: {last ? <SandboxBadge sandbox={last.sandbox} tool={last.tool} /> : <span class="muted">none yet</span>}
          </div>
          <div>
            {entries.length} tool calls · {withEvidence.length} with sandbox evidence · {withEvidence.filter((e) => e.sandbox?.active).length} active · {failed.length} failed
          </div>
          <div class="muted">"active" proves the OS sandbox adapter (bubblewrap / seatbelt) wrapped the command; in-process tools (file_write, read_file…) never spawn a process.</div>
        </div>
      ) : null}
      {view === "tools" ? (
        <table class="kv-table">
          <thead>
            <tr>
              <th>time</th>
              <th>tool</th>
              <th>ok</th>
              <th>sandbox</th>
              <th>took</th>
            </tr>
          </thead>
          <tbody>
            {entries.slice(-80).map((e) => (
              <tr>
                <td class="small">{formatTime(e.finishedAt)}</td>
                <td class="mono">{e.tool}</td>
                <td>{e.status === "ok" ? "✔" : "✘"}</td>
                <td>
                  <SandboxBadge sandbox={e.sandbox} tool={e.tool} />
                </td>
                <td class="small">{formatDuration(e.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {view === "fail" ? lastFail ? <pre class="code-block">{prettyJson(lastFail.result)}</pre> : <div class="empty">No failed call ran inside an active sandbox.</div> : null}
    </div>
  );
}

export interface InfoDockProps {
  model: RunModel | null;
  sessionId: string;
  tab: DockTab;
  onTab: (tab: DockTab) => void;
  history: Omit<RunHistoryProps, "sessionId">;
  onOpenApprovals: () => void;
}

export function InfoDock(props: InfoDockProps) {
  const { model } = props;
  const entries = model ? sandboxEntries(model) : [];
  const lastSandbox = [...entries].reverse().find((e) => e.sandbox)?.sandbox;
  const pending = model ? [...model.pending.values()] : [];
  return (
    <aside class="dock" aria-label="Run information">
      <div class="dock-summary small muted" data-testid="dock-summary">
        approvals={pending.length} · sandbox={lastSandbox ? (lastSandbox.active ? "active" : "inactive") : "–"} · tools={entries.length}
      </div>
      <div class="tabs" role="tablist">
        {TABS.map((tab) => (
          <button role="tab" aria-selected={String(props.tab === tab.id)} data-testid={`dock-tab-${tab.id}`} onClick={() => props.onTab(tab.id)}>
            {tab.label}
            {tab.id === "approvals" && pending.length ? <span class="badge warn">{pending.length}</span> : null}
          </button>
        ))}
      </div>
      <div class="dock-body">
        {props.tab === "status" ? (
          model ? (
            <div class="stack small" data-testid="dock-status">
              <div>
                Run <span class="mono">{model.runId}</span>
              </div>
              <div>
                {model.llmRequests} LLM requests · {formatTokens(model.usage.total)} tokens ({model.usage.input} in / {model.usage.output} out)
                {model.startedAt && model.endedAt ? ` · ${formatDuration(Date.parse(model.endedAt) - Date.parse(model.startedAt))}` : ""}
              </div>
              <ul class="status-lines">
                {model.statusLines.slice(-60).map((line) => (
                  <li class={line.level}>
                    <span class="muted">{formatTime(line.timestamp)}</span> {line.text}
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <div class="empty">No run open. Start one below or pick one in History.</div>
          )
        ) : null}
        {props.tab === "history" ? <RunHistory sessionId={props.sessionId} {...props.history} /> : null}
        {props.tab === "logs" ? model ? <Logs events={model.events} /> : <div class="empty">No run open.</div> : null}
        {props.tab === "approvals" ? (
          <div class="stack">
            {pending.length ? (
              <>
                <div class="kv-title">Pending</div>
                {pending.map((a) => (
                  <div class="card small">
                    <strong class="mono">{a.tool}</strong> {a.summary}
                    <div class="mono muted ellipsis">{a.key}</div>
                  </div>
                ))}
                <button class="primary small" onClick={props.onOpenApprovals}>
                  Review pending approvals
                </button>
              </>
            ) : (
              <div class="muted small">Nothing waits for approval.</div>
            )}
            <div class="kv-title">Decisions in this run</div>
            {model && model.approvals.length ? (
              <ul class="status-lines">
                {model.approvals.slice(-50).map((a) => (
                  <li>
                    <span class="muted">{formatTime(a.timestamp)}</span> <span class="mono">{a.tool}</span> {a.decision ?? "pending"}
                    {a.reason ? ` (${a.reason})` : ""}
                  </li>
                ))}
              </ul>
            ) : (
              <div class="muted small">None.</div>
            )}
          </div>
        ) : null}
        {props.tab === "sandbox" ? model ? <SandboxTab model={model} /> : <div class="empty">No run open.</div> : null}
        {props.tab === "config" ? <ConfigPanel sessionId={props.sessionId} runSummary={model?.configSummary ?? null} /> : null}
      </div>
    </aside>
  );
}
