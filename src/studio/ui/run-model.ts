/**
 * What the Studio knows about one run, built from its events (pure, no DOM): the timeline items
 * (streamed text, tool calls with approvals and sandbox evidence, skill injections, plan updates,
 * questions to the human, retries, notices), the status, usage, pending approvals and the values
 * the info dock shows. `applyEvent` mutates the model in place (a run can stream thousands of
 * deltas; copying per event would be quadratic) and is idempotent per seq.
 */
import type { RunEvent } from "./api.ts";

export type RunStatus = "idle" | "starting" | "running" | "waiting_approval" | "waiting_human" | "completed" | "failed" | "cancelled";

export interface SandboxEvidence {
  requested: string | null;
  effective: string | null;
  adapter: string | null;
  active: boolean;
}

export interface ToolResult {
  ok?: boolean;
  stdout?: string;
  stderr?: string;
  exit_code?: number | null;
  duration_ms?: number;
  truncated?: boolean;
  error_kind?: string | null;
  data?: Record<string, unknown> | null;
  [key: string]: unknown;
}

export interface ApprovalInfo {
  key: string;
  tool: string;
  summary: string;
  request: Record<string, unknown>;
  seq: number;
  timestamp: string;
  decision: string | null;
  reason: string | null;
}

export type ToolStatus = "requested" | "waiting_approval" | "denied" | "running" | "ok" | "failed" | "cancelled";

export interface ToolItem {
  kind: "tool";
  key: string;
  seq: number;
  callId: string;
  tool: string;
  args: unknown;
  argsValid: boolean;
  status: ToolStatus;
  approval: ApprovalInfo | null;
  startedAt: string | null;
  finishedAt: string | null;
  result: ToolResult | null;
  durationMs: number | null;
  sandbox: SandboxEvidence | null;
}

export interface TextItem { kind: "text"; key: string; seq: number; turnId: string | null; text: string; streaming: boolean }
export interface SkillItem { kind: "skill"; key: string; seq: number; name: string; namespace: string | null; mention: string | null; path: string | null; skipped: string | null }
export interface PlanItem { kind: "plan"; key: string; seq: number; plan: { step: string; status: string }[]; explanation: string | null }
export interface RetryItem { kind: "retry"; key: string; seq: number; attempt: number | null; maxRetries: number | null; delayMs: number | null; reason: string }
export interface HumanQuestionView { id: string | null; header: string | null; question: string; options: string[] }
export interface HumanItem {
  kind: "human";
  key: string;
  seq: number;
  callId: string;
  tool: string;
  question: string | null;
  choices: string[] | null;
  questions: HumanQuestionView[];
  answers: { questionId: string | null; answer: string }[];
  isEnvVar: boolean;
}
export interface LlmItem { kind: "llm"; key: string; seq: number; model: string | null; turnId: string | null; messages: number | null; tools: number | null }
export interface NoticeItem { kind: "notice"; key: string; seq: number; level: "info" | "warn" | "err"; title: string; detail: string | null }
export interface EndItem { kind: "end"; key: string; seq: number; type: string; text: string }

export type TimelineItem = ToolItem | TextItem | SkillItem | PlanItem | RetryItem | HumanItem | LlmItem | NoticeItem | EndItem;

export interface StatusLine { seq: number; timestamp: string; text: string; level: "info" | "ok" | "warn" | "err" }

export interface RunModel {
  runId: string;
  status: RunStatus;
  task: string | null;
  items: TimelineItem[];
  events: RunEvent[];
  lastSeq: number;
  /** Streamed text of the current turn, replaced by the final output at the end. */
  output: string;
  finalOutput: string | null;
  error: { kind: string; message: string } | null;
  usage: { input: number; output: number; total: number };
  llmRequests: number;
  startedAt: string | null;
  endedAt: string | null;
  configSummary: Record<string, unknown> | null;
  workspaceRoot: string | null;
  /** Approvals requested and not yet decided, by key. */
  pending: Map<string, ApprovalInfo>;
  approvals: ApprovalInfo[];
  statusLines: StatusLine[];
  /** Open human questions by call id. */
  openQuestions: Map<string, HumanItem>;
  plan: PlanItem | null;
  forkedFrom: { runId: string; seq: number } | null;
}

export function newRunModel(runId: string): RunModel {
  return {
    runId,
    status: "starting",
    task: null,
    items: [],
    events: [],
    lastSeq: -1,
    output: "",
    finalOutput: null,
    error: null,
    usage: { input: 0, output: 0, total: 0 },
    llmRequests: 0,
    startedAt: null,
    endedAt: null,
    configSummary: null,
    workspaceRoot: null,
    pending: new Map(),
    approvals: [],
    statusLines: [],
    openQuestions: new Map(),
    plan: null,
    forkedFrom: null,
  };
}

const str = (value: unknown): string | null => (typeof value === "string" ? value : null);
const num = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
const obj = (value: unknown): Record<string, unknown> => (value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

export function sandboxOf(result: ToolResult | null): SandboxEvidence | null {
  const sandbox = obj(obj(result?.data).sandbox);
  if (Object.keys(sandbox).length === 0) return null;
  const effective = str(sandbox.effective);
  return {
    requested: str(sandbox.requested),
    effective,
    adapter: str(sandbox.adapter),
    active: typeof sandbox.active === "boolean" ? sandbox.active : effective === "restricted",
  };
}

/** The one-line output of a terminal event (the reference's extractRunOutputText). */
export function terminalText(event: RunEvent): string {
  const p = event.payload ?? {};
  switch (event.type) {
    case "run_completed":
      return str(p.final_output) ?? "";
    case "run_failed": {
      const cls = str(obj(p.details).exception_class) ?? str(p.exception_class);
      return `[run_failed] ${str(p.error_kind) ?? "unknown"}: ${str(p.message) ?? ""}${cls ? ` (exception_class=${cls})` : ""}`;
    }
    case "run_cancelled":
      return `[run_cancelled] ${str(p.message) ?? "cancelled"}`;
    case "run_waiting_human":
      return `[run_waiting_human] ${str(p.message) ?? "waiting for your answer"}`;
    default:
      return "";
  }
}

function toolItem(model: RunModel, callId: string): ToolItem | undefined {
  for (let i = model.items.length - 1; i >= 0; i--) {
    const item = model.items[i]!;
    if (item.kind === "tool" && item.callId === callId) return item;
  }
  return undefined;
}

function lastText(model: RunModel): TextItem | undefined {
  const last = model.items[model.items.length - 1];
  return last?.kind === "text" && last.streaming ? last : undefined;
}

function closeText(model: RunModel): void {
  const text = lastText(model);
  if (text) text.streaming = false;
}

function status(model: RunModel, event: RunEvent, text: string, level: StatusLine["level"] = "info"): void {
  model.statusLines.push({ seq: event.seq, timestamp: event.timestamp, text, level });
  if (model.statusLines.length > 200) model.statusLines.splice(0, model.statusLines.length - 200);
}

function humanQuestions(payload: Record<string, unknown>): HumanQuestionView[] {
  const list = Array.isArray(payload.questions) ? payload.questions : [];
  return list.map((raw) => {
    const q = obj(raw);
    const options = Array.isArray(q.options) ? q.options.map((o) => (typeof o === "string" ? o : (str(obj(o).label) ?? JSON.stringify(o)))) : [];
    return { id: str(q.id), header: str(q.header), question: str(q.question) ?? "", options };
  });
}

/** Fold one event into the model; events at or below `lastSeq` are ignored. Returns whether it applied. */
export function applyEvent(model: RunModel, event: RunEvent): boolean {
  if (typeof event.seq === "number" && event.seq <= model.lastSeq) return false;
  model.lastSeq = typeof event.seq === "number" ? event.seq : model.lastSeq + 1;
  model.events.push(event);
  const p = event.payload ?? {};
  const key = `${event.type}:${event.seq}`;
  switch (event.type) {
    case "run_started": {
      model.task = str(p.task);
      model.startedAt ??= event.timestamp;
      model.endedAt = null;
      model.configSummary = obj(p.config_summary);
      model.workspaceRoot = str(p.workspace_root);
      model.status = "running";
      model.error = null;
      model.finalOutput = null;
      const resume = obj(p.resume);
      if (resume.enabled === true) model.items.push({ kind: "notice", key, seq: event.seq, level: "info", title: "Resumed", detail: `strategy ${str(resume.strategy) ?? "?"}, ${num(resume.previous_events) ?? 0} earlier events` });
      status(model, event, "Run started");
      break;
    }
    case "skill_injected":
      model.items.push({ kind: "skill", key, seq: event.seq, name: str(p.skill_name) ?? "?", namespace: str(p.namespace), mention: str(p.mention_text), path: str(p.skill_path), skipped: null });
      status(model, event, `Skill injected: ${str(p.skill_name)}`);
      break;
    case "skill_injection_skipped":
      model.items.push({
        kind: "skill",
        key,
        seq: event.seq,
        name: str(p.skill_name) ?? "?",
        namespace: null,
        mention: null,
        path: str(p.skill_path),
        skipped: `${str(p.reason) ?? "skipped"}${Array.isArray(p.missing_env_vars) ? `: ${p.missing_env_vars.join(", ")}` : ""}`,
      });
      status(model, event, `Skill skipped: ${str(p.skill_name)}`, "warn");
      break;
    case "llm_request_started":
      closeText(model);
      model.llmRequests += 1;
      model.output = "";
      model.items.push({ kind: "llm", key, seq: event.seq, model: str(p.model), turnId: event.turn_id ?? null, messages: num(p.messages_count), tools: num(p.tools_count) });
      status(model, event, `LLM request (${str(p.model) ?? "model"})`);
      break;
    case "llm_response_delta":
      if (p.delta_type === "text" && typeof p.text === "string") {
        let text = lastText(model);
        if (!text) {
          text = { kind: "text", key, seq: event.seq, turnId: event.turn_id ?? null, text: "", streaming: true };
          model.items.push(text);
        }
        text.text += p.text;
        model.output += p.text;
      }
      break;
    case "llm_usage":
      model.usage.input += num(p.input_tokens) ?? 0;
      model.usage.output += num(p.output_tokens) ?? 0;
      model.usage.total += num(p.total_tokens) ?? (num(p.input_tokens) ?? 0) + (num(p.output_tokens) ?? 0);
      break;
    case "llm_retry_scheduled": {
      const reason = [str(p.error_kind), num(p.status_code) !== null ? `HTTP ${p.status_code}` : null].filter(Boolean).join(" ") || "transient error";
      model.items.push({ kind: "retry", key, seq: event.seq, attempt: num(p.attempt), maxRetries: num(p.max_retries), delayMs: num(p.delay_ms) ?? num(p.retry_after_ms), reason });
      status(model, event, `LLM retry scheduled (${reason})`, "warn");
      break;
    }
    case "tool_call_requested": {
      closeText(model);
      const callId = str(p.call_id) ?? `call@${event.seq}`;
      model.items.push({
        kind: "tool",
        key,
        seq: event.seq,
        callId,
        tool: str(p.tool) ?? str(p.name) ?? "tool",
        args: p.arguments ?? null,
        argsValid: p.arguments_valid !== false,
        status: "requested",
        approval: null,
        startedAt: null,
        finishedAt: null,
        result: null,
        durationMs: null,
        sandbox: null,
      });
      status(model, event, `Tool requested: ${str(p.tool)}`);
      break;
    }
    case "approval_requested": {
      const info: ApprovalInfo = {
        key: str(p.approval_key) ?? "",
        tool: str(p.tool) ?? "tool",
        summary: str(p.summary) ?? "",
        request: obj(p.request),
        seq: event.seq,
        timestamp: event.timestamp,
        decision: null,
        reason: null,
      };
      model.pending.set(info.key, info);
      model.approvals.push(info);
      const item = [...model.items].reverse().find((i): i is ToolItem => i.kind === "tool" && i.tool === info.tool && i.status === "requested");
      if (item) {
        item.approval = info;
        item.status = "waiting_approval";
      }
      model.status = "waiting_approval";
      status(model, event, `Approval needed: ${info.tool}`, "warn");
      break;
    }
    case "approval_decided": {
      const approvalKey = str(p.approval_key) ?? "";
      const decision = str(p.decision) ?? "?";
      const info = model.pending.get(approvalKey);
      if (info) {
        info.decision = decision;
        info.reason = str(p.reason);
        model.pending.delete(approvalKey);
      } else {
        model.approvals.push({ key: approvalKey, tool: "", summary: "", request: {}, seq: event.seq, timestamp: event.timestamp, decision, reason: str(p.reason) });
      }
      const approved = decision === "approved" || decision === "approved_for_session";
      for (const item of model.items) {
        if (item.kind === "tool" && item.approval?.key === approvalKey && item.status === "waiting_approval") item.status = approved ? "requested" : "denied";
      }
      if (model.pending.size === 0 && model.status === "waiting_approval") model.status = "running";
      status(model, event, `Approval ${decision}${p.reason ? ` (${p.reason})` : ""}`, approved ? "ok" : "err");
      break;
    }
    case "tool_call_started": {
      const item = toolItem(model, str(p.call_id) ?? "");
      if (item) {
        item.status = "running";
        item.startedAt = event.timestamp;
      }
      break;
    }
    case "tool_call_finished": {
      const callId = str(p.call_id) ?? "";
      let item = toolItem(model, callId);
      if (!item) {
        item = { kind: "tool", key, seq: event.seq, callId, tool: str(p.tool) ?? "tool", args: null, argsValid: true, status: "requested", approval: null, startedAt: null, finishedAt: null, result: null, durationMs: null, sandbox: null };
        model.items.push(item);
      }
      const result = obj(p.result) as ToolResult;
      item.result = result;
      item.finishedAt = event.timestamp;
      item.durationMs = num(result.duration_ms) ?? (item.startedAt ? Date.parse(event.timestamp) - Date.parse(item.startedAt) : null);
      item.sandbox = sandboxOf(result);
      if (item.status !== "denied") item.status = result.ok === true ? "ok" : "failed";
      status(model, event, `Tool ${item.tool}: ${result.ok === true ? "ok" : `failed${result.error_kind ? ` (${result.error_kind})` : ""}`}`, result.ok === true ? "ok" : "err");
      break;
    }
    case "plan_updated": {
      const plan = (Array.isArray(p.plan) ? p.plan : []).map((raw) => ({ step: str(obj(raw).step) ?? "", status: str(obj(raw).status) ?? "pending" }));
      const item: PlanItem = { kind: "plan", key, seq: event.seq, plan, explanation: str(p.explanation) };
      model.items.push(item);
      model.plan = item;
      break;
    }
    case "human_request": {
      closeText(model);
      const context = obj(p.context);
      const item: HumanItem = {
        kind: "human",
        key,
        seq: event.seq,
        callId: str(p.call_id) ?? "",
        tool: str(p.tool) ?? "ask_human",
        question: str(p.question),
        choices: Array.isArray(p.choices) ? p.choices.map(String) : null,
        questions: humanQuestions(p),
        answers: [],
        isEnvVar: context.kind === "env_var",
      };
      model.items.push(item);
      model.openQuestions.set(item.callId, item);
      model.status = "waiting_human";
      status(model, event, `Question for you: ${item.question ?? item.questions[0]?.question ?? ""}`, "warn");
      break;
    }
    case "human_response": {
      const callId = str(p.call_id) ?? "";
      const item = model.openQuestions.get(callId) ?? [...model.items].reverse().find((i): i is HumanItem => i.kind === "human" && i.callId === callId);
      if (item) {
        item.answers.push({ questionId: str(p.question_id), answer: str(p.answer) ?? "" });
        const expected = Math.max(1, item.questions.length);
        if (item.answers.length >= expected) model.openQuestions.delete(callId);
      }
      if (model.openQuestions.size === 0 && model.status === "waiting_human") model.status = "running";
      break;
    }
    case "env_var_required":
      model.items.push({ kind: "notice", key, seq: event.seq, level: "warn", title: `Skill ${str(p.skill_name)} needs ${str(p.env_var)}`, detail: `policy ${str(p.policy) ?? "?"}` });
      break;
    case "env_var_set":
      model.items.push({ kind: "notice", key, seq: event.seq, level: "info", title: `${str(p.env_var)} set`, detail: `from ${str(p.value_source) ?? "?"} (value not recorded)` });
      break;
    case "context_compacted":
    case "compaction_started":
    case "compaction_failed":
    case "context_length_exceeded":
    case "budget_increased":
    case "context_recovery_decided":
      model.items.push({
        kind: "notice",
        key,
        seq: event.seq,
        level: event.type === "compaction_failed" || event.type === "context_length_exceeded" ? "warn" : "info",
        title: event.type.replaceAll("_", " "),
        detail: JSON.stringify(p),
      });
      break;
    case "run_completed":
    case "run_failed":
    case "run_cancelled":
    case "run_waiting_human": {
      closeText(model);
      const text = terminalText(event);
      model.endedAt = event.timestamp;
      model.pending.clear();
      if (event.type === "run_completed") {
        model.status = "completed";
        model.finalOutput = text;
        model.output = text;
      } else if (event.type === "run_failed") {
        model.status = "failed";
        model.error = { kind: str(p.error_kind) ?? "unknown", message: str(p.message) ?? "" };
        model.output = text;
      } else if (event.type === "run_cancelled") {
        model.status = "cancelled";
        model.output = text;
      } else {
        model.status = "waiting_human";
      }
      // Calls the run ended in the middle of never finished: cancelled with the run, else failed.
      const unfinished: ToolStatus = event.type === "run_cancelled" ? "cancelled" : "failed";
      for (const item of model.items) if (item.kind === "tool" && (item.status === "waiting_approval" || item.status === "running" || item.status === "requested")) item.status = unfinished;
      model.items.push({ kind: "end", key, seq: event.seq, type: event.type, text });
      status(model, event, event.type === "run_completed" ? "Completed" : text, event.type === "run_completed" ? "ok" : event.type === "run_waiting_human" ? "warn" : "err");
      break;
    }
    default:
      break;
  }
  return true;
}

/** Sandbox evidence of every finished tool call, oldest first. */
export function sandboxEntries(model: RunModel): ToolItem[] {
  return model.items.filter((i): i is ToolItem => i.kind === "tool" && i.result !== null);
}

export function isTerminal(status: RunStatus): boolean {
  return status === "completed" || status === "failed" || status === "cancelled";
}
