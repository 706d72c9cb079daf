/** The run status pill (colour + words, never colour alone). */
const LABELS: Record<string, { label: string; cls: string }> = {
  idle: { label: "Ready", cls: "" },
  starting: { label: "Starting…", cls: "info" },
  queued: { label: "Queued", cls: "info" },
  running: { label: "Running", cls: "info" },
  waiting_approval: { label: "Waiting for approval", cls: "warn" },
  waiting_human: { label: "Waiting for you", cls: "warn" },
  completed: { label: "Completed", cls: "ok" },
  failed: { label: "Failed", cls: "err" },
  cancelled: { label: "Cancelled", cls: "err" },
};

export function StatusPill(props: { status: string; extra?: string }) {
  const entry = LABELS[props.status] ?? { label: props.status, cls: "" };
  return (
    <span class={`badge pill ${entry.cls}`} data-testid="status-pill" data-status={props.status}>
      {entry.cls === "info" ? <span class="pulse" aria-hidden="true" /> : null}
      {entry.label}
      {props.extra ? ` · ${props.extra}` : ""}
    </span>
  );
}
