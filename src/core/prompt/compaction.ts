/**
 * History compaction (spec 2.8): the summarizer request, the handoff summary and its artifact,
 * and the history that replaces the old one.
 *
 * The transcript covers every message before and after the task (system messages aside) and is
 * clipped as a whole to `compaction_history_max_chars`, keeping the head third and the tail. The
 * reference renders only the last `keep_last_messages` user/assistant messages; with the whole
 * transcript already capped, the summarizer gets more of the run from rendering everything.
 * Lengths are UTF-16 code units; a cut never splits a surrogate pair.
 */
import { sha256Hex } from "../../util/canonical-json.ts";
import type { ChatMessage } from "../../llm/protocol.ts";
import { contentText, plainContent } from "./message-content.ts";
import { renderTemplate } from "./templates.ts";
import systemTemplate from "./templates/compaction/system.md" with { type: "text" };
import userTemplate from "./templates/compaction/user.md" with { type: "text" };
import summaryHeader from "./templates/compaction/summary-header.md" with { type: "text" };
import fallbackTemplate from "./templates/compaction/fallback.md" with { type: "text" };

export const TRANSCRIPT_SEPARATOR = "\n\n---\n\n";
const CLIP_MARKER = "\n...\n";
/** Cap for each of a tool result's stdout and stderr inside the transcript. */
export const TOOL_OUTPUT_CLIP_CHARS = 800;
const TOOL_ARGUMENTS_CLIP_CHARS = 400;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Caps `text` at `maxChars`. Above 50 the head third and the tail are kept around a `\n...\n`
 * line; at 50 or below the text is cut and ends with `...`. The result never exceeds the cap.
 */
export function clipMiddle(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  if (maxChars <= 50) {
    let end = Math.max(0, maxChars - 3);
    if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    return `${text.slice(0, end)}...`.slice(0, maxChars);
  }
  const budget = maxChars - CLIP_MARKER.length;
  let headEnd = Math.floor(budget / 3);
  if (isHighSurrogate(text.charCodeAt(headEnd - 1))) headEnd -= 1;
  let tailStart = text.length - (budget - Math.floor(budget / 3));
  if (isHighSurrogate(text.charCodeAt(tailStart - 1))) tailStart += 1;
  return `${text.slice(0, headEnd)}${CLIP_MARKER}${text.slice(tailStart)}`;
}

function renderToolResult(toolCallId: string, content: string): string {
  let payload: Record<string, unknown> | null = null;
  try {
    const parsed: unknown = JSON.parse(content);
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) payload = parsed as Record<string, unknown>;
  } catch {
    payload = null;
  }
  if (payload === null) {
    return `TOOL RESULT tool_call_id=${toolCallId}\ncontent:\n${clipMiddle(content, TOOL_OUTPUT_CLIP_CHARS)}`;
  }
  const lines = [
    `TOOL RESULT tool_call_id=${toolCallId} ok=${String(payload.ok ?? "unknown")} error_kind=${String(payload.error_kind ?? "none")}`,
  ];
  for (const stream of ["stdout", "stderr"] as const) {
    const value = payload[stream];
    if (typeof value === "string" && value !== "") {
      lines.push(`${stream}:\n${clipMiddle(value, TOOL_OUTPUT_CLIP_CHARS)}`);
    }
  }
  return lines.join("\n");
}

function renderMessage(message: ChatMessage): string | null {
  switch (message.role) {
    case "system":
    case "developer":
      return null;
    case "tool":
      return renderToolResult(message.tool_call_id, contentText(message));
    case "user":
      return `USER\n${contentText(message)}`;
    case "assistant": {
      const lines = ["ASSISTANT"];
      const text = contentText(message);
      if (text !== "") lines.push(text);
      for (const call of message.tool_calls ?? []) {
        const args = clipMiddle(call.function.arguments, TOOL_ARGUMENTS_CLIP_CHARS);
        lines.push(`[tool call ${call.id}] ${call.function.name} ${args}`);
      }
      return lines.length > 1 ? lines.join("\n") : null;
    }
  }
}

/** Renders messages as `ROLE\ncontent` blocks separated by `---`, clipped as a whole to `maxChars`. */
export function renderTranscript(messages: readonly ChatMessage[], maxChars: number): string {
  const blocks = messages.map(renderMessage).filter((block): block is string => block !== null);
  return clipMiddle(blocks.join(TRANSCRIPT_SEPARATOR), maxChars);
}

export interface CompactionRequestInput {
  task: string;
  /** Conversation before the task. */
  history: readonly ChatMessage[];
  /** This run's messages after the task. */
  turns?: readonly ChatMessage[];
  /** `run.context_recovery.compaction_history_max_chars`. */
  maxChars: number;
}

export interface CompactionRequest {
  messages: ChatMessage[];
  /** Always none: the summarizer gets no tools. */
  tools: [];
  temperature: number;
  extra: { purpose: "compaction" };
  /** The clipped transcript, reused for the fallback summary when the request fails. */
  transcript: string;
}

/** Builds the summarizer request: a system message and a user message with the task and transcript. */
export function buildCompactionRequest(input: CompactionRequestInput): CompactionRequest {
  const transcript = renderTranscript([...input.history, ...(input.turns ?? [])], input.maxChars);
  const user = renderTemplate(userTemplate, { task: input.task, transcript }).trimEnd();
  return {
    messages: [
      { role: "system", content: systemTemplate.trimEnd() },
      { role: "user", content: user },
    ],
    tools: [],
    temperature: 0.2,
    extra: { purpose: "compaction" },
    transcript,
  };
}

/**
 * The handoff summary: a fixed two-line header, a newline, then the model's text trimmed, with a
 * trailing newline. Without usable model text (request failed or blank answer) the body is a
 * marker line followed by the clipped transcript.
 */
export function buildHandoffSummary(input: { modelText?: string | null; transcript: string }): string {
  const text = input.modelText?.trim() ?? "";
  const body = text !== "" ? text : renderTemplate(fallbackTemplate, { transcript: input.transcript }).trim();
  return `${summaryHeader.trimEnd()}\n${body}\n`;
}

/** True for a message that is a handoff summary written by an earlier compaction. */
export function isHandoffSummary(message: ChatMessage): boolean {
  return message.role === "assistant" && (plainContent(message) ?? "").startsWith(summaryHeader.trimEnd());
}

/** `artifacts/NNN_handoff_summary.md`, relative to the run directory; `index` is 1-based. */
export function handoffArtifactPath(index: number): string {
  if (!Number.isInteger(index) || index < 1) {
    throw new RangeError(`Cannot name handoff artifact: index "${index}" is not a positive integer`);
  }
  return `artifacts/${String(index).padStart(3, "0")}_handoff_summary.md`;
}

export interface HandoffArtifact {
  /** Relative to the run directory. */
  path: string;
  /** File content (the summary itself). */
  text: string;
  /** Length in code points, as the reference's `context_compacted.summary_len`. */
  summary_len: number;
  summary_sha256: string;
}

/** The artifact for the `index`-th compaction of a run, with the `context_compacted` figures. */
export function buildHandoffArtifact(index: number, summary: string): HandoffArtifact {
  return {
    path: handoffArtifactPath(index),
    text: summary,
    summary_len: [...summary].length,
    summary_sha256: sha256Hex(summary),
  };
}

export interface CompactedHistory {
  /** New history before the task: the summary, then kept messages that came before the task. */
  history: ChatMessage[];
  /** New turns after the task: kept messages from this run. */
  turns: ChatMessage[];
}

/**
 * Replaces the conversation with the summary plus the last `keepLastMessages` user/assistant
 * text messages. Tool traffic is dropped (an assistant message keeps its text, loses its calls);
 * earlier handoff summaries are dropped too, since the new summary covers them.
 */
export function rebuildHistoryAfterCompaction(input: {
  history: readonly ChatMessage[];
  turns?: readonly ChatMessage[];
  summary: string;
  keepLastMessages: number;
}): CompactedHistory {
  const keepable = (message: ChatMessage): ChatMessage | null => {
    const text = plainContent(message);
    if (text === null || isHandoffSummary(message)) return null;
    if (message.role === "user" || message.role === "assistant") return { role: message.role, content: text };
    return null;
  };
  const tagged = [
    ...input.history.map((m) => ({ m: keepable(m), after: false })),
    ...(input.turns ?? []).map((m) => ({ m: keepable(m), after: true })),
  ].filter((entry): entry is { m: ChatMessage; after: boolean } => entry.m !== null);
  const keep = Math.max(0, Math.floor(input.keepLastMessages));
  const kept = keep === 0 ? [] : tagged.slice(-keep);
  const summary: ChatMessage = { role: "assistant", content: input.summary };
  return {
    history: [summary, ...kept.filter((e) => !e.after).map((e) => e.m)],
    turns: kept.filter((e) => e.after).map((e) => e.m),
  };
}

export interface CompactionNotice {
  kind: "context_compacted";
  count: number;
  message: string;
  suggestion: string;
}

/** The `run_completed.metadata.notices` entry written when a run compacted at least once. */
export function compactionNotice(count: number): CompactionNotice {
  const times = count === 1 ? "once" : `${count} times`;
  return {
    kind: "context_compacted",
    count,
    message: `The conversation was compacted ${times} to fit the model's context window; earlier messages were replaced by a handoff summary.`,
    suggestion:
      "Read the handoff summary artifacts to check what was kept. For long tasks, split the work into smaller runs or use a model with a larger context window.",
  };
}
