/**
 * The approval modal: the pending approvals of the open run, one at a time (i / n), with the
 * sanitized request the gate saw, its risk and the agent's justification. Esc hides it; the
 * approval stays answerable inline in the timeline.
 */
import { useState } from "hono/jsx/dom";
import { useAction } from "./hooks.ts";
import type { Decision } from "./api.ts";
import { Dialog } from "./dialog.tsx";
import { describeApproval, prettyJson } from "./format.ts";
import type { ApprovalInfo } from "./run-model.ts";

export function ApprovalModal(props: { approvals: ApprovalInfo[]; decide: (key: string, decision: Decision) => Promise<void>; onClose: () => void }) {
  const [index, setIndex] = useState(0);
  const { busy, error, run } = useAction();
  const current = props.approvals[Math.min(index, props.approvals.length - 1)];
  if (!current) return null;
  const risk = current.request.risk as { risk_level?: string; reason?: string } | undefined;
  const justification = typeof current.request.justification === "string" ? current.request.justification : null;
  const go = (decision: Decision) => run(() => props.decide(current.key, decision).then(() => setIndex(0)));
  return (
    <Dialog
      title={
        <span class="row">
          <span>Approve {current.tool || "tool call"}?</span>
          {props.approvals.length > 1 ? (
            <span class="badge">
              {Math.min(index, props.approvals.length - 1) + 1} / {props.approvals.length}
            </span>
          ) : null}
        </span>
      }
      onClose={props.onClose}
      testId="approval-modal"
      footer={
        <>
          {props.approvals.length > 1 ? (
            <button class="ghost" onClick={() => setIndex((index + 1) % props.approvals.length)}>
              Next
            </button>
          ) : null}
          <span class="spacer" />
          <button class="danger solid" disabled={busy} data-testid="modal-abort" onClick={() => go("abort")}>
            Abort run
          </button>
          <button class="danger" disabled={busy} data-testid="modal-deny" onClick={() => go("denied")}>
            Deny
          </button>
          <button disabled={busy} data-testid="modal-approve-session" onClick={() => go("approved_for_session")} title="Approve this and identical requests for the rest of the session">
            Approve for session
          </button>
          <button class="primary" disabled={busy} data-autofocus data-testid="modal-approve" onClick={() => go("approved")}>
            Approve
          </button>
        </>
      }
    >
      <div class="stack">
        <div class="approval-what" data-testid="approval-summary">
          {describeApproval(current.tool, current.request) ?? current.summary}
        </div>
        {describeApproval(current.tool, current.request) ? <div class="muted small">{current.summary}</div> : null}
        <div class="row wrap">
          <span class="badge">tool {current.tool}</span>
          {risk?.risk_level ? <span class={`badge ${risk.risk_level === "high" ? "err" : risk.risk_level === "medium" ? "warn" : "info"}`}>risk {risk.risk_level}</span> : <span class="badge">risk not assessed</span>}
          <span class="badge mono" title="The approval key: a hash of the sanitized request (no secrets)">key {current.key.slice(0, 12)}…</span>
        </div>
        {risk?.reason ? (
          <div class="small">
            <strong>Why:</strong> {risk.reason}
          </div>
        ) : null}
        {justification ? (
          <div class="small">
            <strong>Agent's justification:</strong> {justification}
          </div>
        ) : null}
        <div class="kv-title">Request details (sanitized: secrets and file contents are replaced by sizes and hashes)</div>
        <pre class="code-block" data-testid="approval-request">{prettyJson(current.request)}</pre>
        {error ? <div class="alert err">{error}</div> : null}
      </div>
    </Dialog>
  );
}
