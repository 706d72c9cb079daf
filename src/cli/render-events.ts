/**
 * Human rendering of the event stream for `skills-runtime run`: assistant text goes to stdout as
 * it arrives; tool calls, approvals, results and status go to stderr, one compact line each.
 * A spinner runs on stderr while waiting for the model (TTY only).
 */
import type { AgentEvent } from "../events/schema.ts";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

function clip(text: string, max = 160): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

export class EventRenderer {
  private spinner: ReturnType<typeof setInterval> | null = null;
  private frame = 0;
  private midLine = false;

  constructor(
    private readonly out: (t: string) => void,
    private readonly err: (t: string) => void,
    private readonly tty: boolean,
  ) {}

  private startSpinner(label: string): void {
    if (!this.tty || this.spinner) return;
    this.spinner = setInterval(() => {
      this.err(`\r${FRAMES[this.frame++ % FRAMES.length]} ${label}`);
    }, 80);
  }

  stopSpinner(): void {
    if (!this.spinner) return;
    clearInterval(this.spinner);
    this.spinner = null;
    this.err("\r\x1b[2K");
  }

  private note(text: string): void {
    this.stopSpinner();
    if (this.midLine) {
      this.out("\n");
      this.midLine = false;
    }
    this.err(`${text}\n`);
  }

  render(event: AgentEvent): void {
    const p = event.payload as Record<string, any>;
    switch (event.type) {
      case "llm_request_started":
        this.startSpinner(`waiting for ${p.model}…`);
        break;
      case "llm_response_delta":
        if (p.delta_type === "text" && p.text) {
          this.stopSpinner();
          this.out(p.text);
          this.midLine = !String(p.text).endsWith("\n");
        }
        break;
      case "llm_retry_scheduled":
        this.note(`↻ retrying the model call (attempt ${Number(p.attempt ?? 0) + 1}, in ${p.delay_ms ?? "?"} ms${p.status_code ? `, HTTP ${p.status_code}` : ""})`);
        break;
      case "tool_call_requested":
        this.note(`→ ${p.tool ?? p.name} ${clip(JSON.stringify(p.arguments ?? {}))}`);
        break;
      case "approval_requested":
        this.note(`? approval needed: ${p.tool} ${describeRequest(p.request)}`);
        break;
      case "approval_decided":
        this.note(`  approval ${p.decision} (${p.reason})`);
        break;
      case "tool_call_finished": {
        const r = p.result ?? {};
        const detail = r.ok ? clip(String(r.stdout ?? ""), 120) : `${r.error_kind}: ${clip(String(r.stderr ?? ""), 120)}`;
        this.note(`${r.ok ? "✓" : "✗"} ${p.tool ?? p.name} (${r.duration_ms ?? 0} ms) ${detail}`);
        break;
      }
      case "context_compacted":
        this.note(`… context compacted (${p.count}); summary at ${p.artifact_path}`);
        break;
      case "run_completed":
        this.stopSpinner();
        if (this.midLine) this.out("\n");
        this.midLine = false;
        break;
      case "run_failed":
        this.note(`✗ run failed (${p.error_kind}): ${p.message}`);
        break;
      case "run_cancelled":
        this.note(`■ run cancelled`);
        break;
      case "run_waiting_human":
        this.note(`… waiting for a human: ${p.message}`);
        break;
      default:
        break;
    }
  }
}

/** One line saying what an approval is for, from the sanitized request (never secret values). */
export function describeRequest(request: unknown): string {
  const r = (request && typeof request === "object" ? request : {}) as Record<string, unknown>;
  const risk = r.risk && typeof r.risk === "object" ? (r.risk as Record<string, unknown>).risk_level : undefined;
  const riskText = risk === "high" ? " [high risk]" : "";
  if (Array.isArray(r.argv) && r.argv.length > 0) return `runs: ${r.argv.map(String).join(" ")}${riskText}`;
  if (typeof r.command === "string") return `runs: ${r.command}${riskText}`;
  if (typeof r.cmd === "string") return `runs: ${r.cmd}${riskText}`;
  if (typeof r.path === "string") return `writes ${r.path}${typeof r.bytes === "number" ? ` (${r.bytes} bytes)` : ""}`;
  if (Array.isArray(r.file_paths)) return `patches ${r.file_paths.map(String).join(", ") || "(no files)"}`;
  const text = JSON.stringify(r);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
