/**
 * The run timeline: one entry per thing that happened, in WAL order. Tool calls show their
 * arguments, result, duration and sandbox evidence; approvals and questions waiting on the user
 * are answered inline. Every entry can start a fork of the run from its event.
 */
import { useState } from "hono/jsx/dom";
import type { Decision } from "./api.ts";
import { describeApproval, formatDuration, prettyJson, truncate } from "./format.ts";
import { useAction } from "./hooks.ts";
import { Icon } from "./icons.tsx";
import type { HumanItem, RunModel, SandboxEvidence, TimelineItem, ToolItem } from "./run-model.ts";

export interface TimelineActions {
  decide: (key: string, decision: Decision) => Promise<void>;
  answer: (item: HumanItem, questionId: string | null, answer: string) => Promise<void>;
  fork: (seq: number) => void;
  openRun: (runId: string) => void;
}

export function SandboxBadge(props: { sandbox: SandboxEvidence | null; tool: string }) {
  const s = props.sandbox;
  if (!s) {
    return (
      <span class="badge" data-testid="sandbox-badge" title={`${props.tool} runs inside the runtime (no subprocess); the safety gate still decided whether it ran.`}>
        in-process
      </span>
    );
  }
  const text = `sandbox ${s.active ? "active" : "inactive"} · ${s.adapter ?? "no adapter"} · ${s.effective ?? "?"}`;
  return (
    <span
      class={`badge ${s.active ? "ok" : "warn"}`}
      data-testid="sandbox-badge"
      title={`requested ${s.requested ?? "?"}, effective ${s.effective ?? "?"}, adapter ${s.adapter ?? "none"}. "active" proves the OS sandbox adapter wrapped this command.`}
    >
      {text}
    </span>
  );
}

const TOOL_STATUS: Record<ToolItem["status"], { label: string; cls: string }> = {
  requested: { label: "requested", cls: "" },
  waiting_approval: { label: "waiting for approval", cls: "warn" },
  denied: { label: "denied", cls: "err" },
  running: { label: "running", cls: "info" },
  ok: { label: "ok", cls: "ok" },
  failed: { label: "failed", cls: "err" },
  cancelled: { label: "cancelled", cls: "err" },
};

export function ApprovalButtons(props: { approvalKey: string; decide: TimelineActions["decide"]; compact?: boolean }) {
  const { busy, error, run } = useAction();
  const go = (decision: Decision) => run(() => props.decide(props.approvalKey, decision));
  return (
    <div class="stack">
      <div class="row wrap">
        <button class="primary small" disabled={busy} data-testid="approve" onClick={() => go("approved")}>
          Approve
        </button>
        <button class="small" disabled={busy} data-testid="approve-session" onClick={() => go("approved_for_session")}>
          Approve for session
        </button>
        <button class="danger small" disabled={busy} data-testid="deny" onClick={() => go("denied")}>
          Deny
        </button>
        <button class="danger solid small" disabled={busy} data-testid="abort" onClick={() => go("abort")}>
          Abort run
        </button>
      </div>
      {error ? <div class="field-error">{error}</div> : null}
    </div>
  );
}

function ToolEntry(props: { item: ToolItem; live: boolean; actions: TimelineActions }) {
  const { item } = props;
  const [open, setOpen] = useState(item.status === "waiting_approval");
  const st = TOOL_STATUS[item.status];
  const result = item.result;
  const risk = item.approval?.request.risk as { risk_level?: string; reason?: string } | undefined;
  return (
    <div class={`entry tool ${item.status}`} data-testid="tool-call" data-tool={item.tool} data-status={item.status}>
      <div class="entry-head">
        <button class="icon" aria-expanded={String(open)} aria-label={open ? "Collapse" : "Expand"} onClick={() => setOpen(!open)}>
          {open ? "▾" : "▸"}
        </button>
        <span class="entry-kind">tool</span>
        <strong class="mono">{item.tool}</strong>
        <span class={`badge ${st.cls}`}>{st.label}</span>
        {item.durationMs !== null ? <span class="muted small" data-testid="tool-duration">{formatDuration(item.durationMs)}</span> : null}
        {result ? <SandboxBadge sandbox={item.sandbox} tool={item.tool} /> : null}
        <span class="spacer" />
        <ForkButton seq={item.seq} fork={props.actions.fork} />
      </div>
      {!open ? <div class="entry-preview mono muted ellipsis">{truncate(JSON.stringify(item.args) ?? "", 160)}</div> : null}
      {item.status === "waiting_approval" && item.approval && props.live ? (
        <div class="approval-inline" data-testid="approval-inline">
          <div>
            <strong>Approval needed:</strong> {describeApproval(item.tool, item.approval.request) ?? item.approval.summary}
            {risk?.risk_level ? <span class={`badge ${risk.risk_level === "high" ? "err" : risk.risk_level === "medium" ? "warn" : "info"}`}>risk {risk.risk_level}</span> : null}
          </div>
          <ApprovalButtons approvalKey={item.approval.key} decide={props.actions.decide} />
        </div>
      ) : null}
      {open ? (
        <div class="entry-body">
          <div class="kv-title">Arguments{item.argsValid ? "" : " (invalid JSON from the model)"}</div>
          <pre class="code-block">{prettyJson(item.args)}</pre>
          {item.approval ? (
            <>
              <div class="kv-title">Approval</div>
              <div class="small">
                {item.approval.summary} — {item.approval.decision ? `${item.approval.decision} (${item.approval.reason ?? "?"})` : "pending"}
              </div>
            </>
          ) : null}
          {result ? (
            <>
              <div class="kv-title">
                Result {result.exit_code !== undefined && result.exit_code !== null ? `· exit ${result.exit_code}` : ""} {result.error_kind ? `· ${result.error_kind}` : ""}
                {result.truncated ? " · truncated" : ""}
              </div>
              {result.stdout ? <pre class="code-block" data-testid="tool-stdout">{result.stdout}</pre> : null}
              {result.stderr ? <pre class="code-block err">{result.stderr}</pre> : null}
              {result.data ? <pre class="code-block muted">{prettyJson(result.data)}</pre> : null}
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function ForkButton(props: { seq: number; fork: (seq: number) => void }) {
  return (
    <button class="icon fork" title={`Fork a new run from this event (seq ${props.seq})`} aria-label={`Fork from event ${props.seq}`} data-testid="fork-here" onClick={() => props.fork(props.seq)}>
      <Icon name="fork" />
    </button>
  );
}

function HumanEntry(props: { item: HumanItem; open: boolean; actions: TimelineActions }) {
  const { item } = props;
  const questions = item.questions.length > 0 ? item.questions : [{ id: null, header: null, question: item.question ?? "", options: item.choices ?? [] }];
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const { busy, error, run } = useAction();
  const answered = new Map(item.answers.map((a) => [a.questionId ?? "", a.answer]));
  const send = (qid: string | null, value: string) => {
    if (!value.trim() && !item.isEnvVar) return;
    run(() => props.actions.answer(item, qid, value));
  };
  return (
    <div class={`entry human${props.open ? " open-question" : ""}`} data-testid="human-request">
      <div class="entry-head">
        <span class="entry-kind">question</span>
        <strong>{item.tool === "request_user_input" ? "The agent asks you" : item.isEnvVar ? "A skill needs a value" : "The agent asks you"}</strong>
        {props.open ? <span class="badge warn">waiting for you</span> : <span class="badge ok">answered</span>}
        <span class="spacer" />
        <ForkButton seq={item.seq} fork={props.actions.fork} />
      </div>
      {questions.map((q) => {
        const id = q.id ?? "";
        const done = answered.get(id) ?? (q.id === null ? item.answers[0]?.answer : undefined);
        const draft = drafts[id] ?? "";
        return (
          <div class="question" key={id}>
            {q.header ? <div class="kv-title">{q.header}</div> : null}
            <div>{q.question}</div>
            {done !== undefined ? (
              <div class="answer small">
                Answer: <strong>{item.isEnvVar ? "(hidden)" : done}</strong>
              </div>
            ) : props.open ? (
              <div class="stack">
                {q.options.length > 0 ? (
                  <div class="row wrap">
                    {q.options.map((option) => (
                      <button class="small" disabled={busy} onClick={() => send(q.id, option)}>
                        {option}
                      </button>
                    ))}
                  </div>
                ) : null}
                <div class="row">
                  <input
                    type={item.isEnvVar ? "password" : "text"}
                    aria-label="Your answer"
                    data-testid="human-answer"
                    value={draft}
                    onInput={(e: InputEvent) => setDrafts({ ...drafts, [id]: (e.target as HTMLInputElement).value })}
                    onKeyDown={(e: KeyboardEvent) => {
                      if (e.key === "Enter") send(q.id, draft);
                    }}
                  />
                  <button class="primary small" disabled={busy} data-testid="human-send" onClick={() => send(q.id, draft)}>
                    Send
                  </button>
                </div>
              </div>
            ) : null}
          </div>
        );
      })}
      {error ? <div class="field-error">{error}</div> : null}
    </div>
  );
}

function Entry(props: { item: TimelineItem; model: RunModel; live: boolean; actions: TimelineActions }) {
  const { item } = props;
  switch (item.kind) {
    case "tool":
      return <ToolEntry item={item} live={props.live} actions={props.actions} />;
    case "text":
      return (
        <div class={`entry text${item.streaming ? " streaming" : ""}`} data-testid="assistant-text">
          <div class="entry-head">
            <span class="entry-kind">assistant</span>
            <span class="spacer" />
            <ForkButton seq={item.seq} fork={props.actions.fork} />
          </div>
          <div class="assistant-text">{item.text}</div>
        </div>
      );
    case "skill":
      return (
        <div class="entry line" data-testid="skill-injected">
          <span class="entry-kind">skill</span>
          <span class={`badge ${item.skipped ? "warn" : "info"}`}>{item.skipped ? "skipped" : "injected"}</span>
          <span class="mono">{item.mention ?? item.name}</span>
          {item.skipped ? <span class="muted small">{item.skipped}</span> : <span class="muted small ellipsis">{item.path}</span>}
        </div>
      );
    case "llm":
      return (
        <div class="entry line muted small">
          <span class="entry-kind">llm</span>
          request to <span class="mono">{item.model ?? "model"}</span>
          {item.messages !== null ? ` · ${item.messages} messages` : ""}
          {item.tools !== null ? ` · ${item.tools} tools` : ""}
        </div>
      );
    case "retry":
      return (
        <div class="entry line" data-testid="llm-retry">
          <span class="entry-kind">retry</span>
          <span class="badge warn">LLM retry</span>
          <span class="small">
            {item.reason}
            {item.attempt !== null ? ` · attempt ${item.attempt + 1}${item.maxRetries !== null ? `/${item.maxRetries}` : ""}` : ""}
            {item.delayMs !== null ? ` · in ${formatDuration(item.delayMs)}` : ""}
          </span>
        </div>
      );
    case "plan":
      return (
        <div class="entry plan" data-testid="plan">
          <div class="entry-head">
            <span class="entry-kind">plan</span>
            {item.explanation ? <span class="small">{item.explanation}</span> : null}
          </div>
          <ol class="plan-steps">
            {item.plan.map((step) => (
              <li class={`plan-step ${step.status}`}>
                <span class="plan-mark">{step.status === "completed" ? "✔" : step.status === "in_progress" ? "➜" : "○"}</span> {step.step}
              </li>
            ))}
          </ol>
        </div>
      );
    case "human":
      return <HumanEntry item={item} open={props.live && props.model.openQuestions.has(item.callId)} actions={props.actions} />;
    case "notice":
      return (
        <div class="entry line">
          <span class="entry-kind">note</span>
          <span class={`badge ${item.level}`}>{item.title}</span>
          {item.detail ? <span class="muted small ellipsis">{item.detail}</span> : null}
        </div>
      );
    case "end":
      return (
        <div class={`entry end ${item.type}`} data-testid="run-end" data-type={item.type}>
          <span class="entry-kind">{item.type.replace("run_", "")}</span>
          {item.type === "run_completed" ? null : <span class="small">{item.text}</span>}
        </div>
      );
  }
}

export function Timeline(props: { model: RunModel; live: boolean; actions: TimelineActions }) {
  const { model } = props;
  if (model.items.length === 0) return <div class="empty">{model.status === "starting" ? "Starting…" : "No events yet."}</div>;
  const fork = model.forkedFrom;
  const copied = fork ? model.items.filter((item) => item.seq <= fork.seq) : [];
  const rest = fork ? model.items.filter((item) => item.seq > fork.seq) : model.items;
  return (
    <div class="timeline" data-testid="timeline">
      {fork ? (
        <div class="entry line fork-note" data-testid="forked-from">
          <span class="entry-kind">fork</span>
          <span class="small">
            Forked from run <span class="mono">…{fork.runId.slice(-6)}</span> at event {fork.seq}: the entries down to the line below are its copied events.
          </span>
          <button class="small" onClick={() => props.actions.openRun(fork.runId)}>
            Open source run
          </button>
        </div>
      ) : null}
      {copied.map((item) => (
        <Entry key={item.key} item={item} model={model} live={false} actions={props.actions} />
      ))}
      {fork ? <div class="fork-divider small muted">this run continues here</div> : null}
      {rest.map((item) => (
        <Entry key={item.key} item={item} model={model} live={props.live} actions={props.actions} />
      ))}
    </div>
  );
}
