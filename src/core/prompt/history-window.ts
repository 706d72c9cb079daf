/**
 * The history window: which recent messages still fit in `max_messages` / `max_chars`.
 *
 * Messages are grouped into units first: an assistant message with `tool_calls` plus the tool
 * messages that answer it (immediately after it) form one unit, and a unit is kept or dropped
 * whole, so the window never sends a tool call without its results or a result without its call.
 * The newest unit is always kept, even when it alone exceeds a limit: dropping the latest
 * exchange would leave the model blind to what it just did (context overflow is handled by
 * compaction instead).
 */
import type { ChatMessage } from "../../llm/protocol.ts";
import { contentLength } from "./message-content.ts";

export interface HistoryLimits {
  maxMessages: number;
  maxChars: number;
}

export interface TrimmedHistory {
  kept: ChatMessage[];
  dropped: number;
}

/** Splits messages into window units (tool-call message + its results, or a single message). */
export function groupHistoryUnits(messages: readonly ChatMessage[]): ChatMessage[][] {
  const units: ChatMessage[][] = [];
  let i = 0;
  while (i < messages.length) {
    const message = messages[i] as ChatMessage;
    const unit: ChatMessage[] = [message];
    i += 1;
    if (message.role === "assistant" && message.tool_calls) {
      const ids = new Set(message.tool_calls.map((call) => call.id));
      while (i < messages.length) {
        const next = messages[i] as ChatMessage;
        if (next.role !== "tool" || !ids.has(next.tool_call_id)) break;
        unit.push(next);
        i += 1;
      }
    }
    units.push(unit);
  }
  return units;
}

/**
 * Keeps the longest run of most recent units whose message count and content length stay within
 * the limits (the newest unit is kept regardless). Returns the kept messages in order and how many
 * were dropped from the front.
 */
export function trimHistory(messages: readonly ChatMessage[], limits: HistoryLimits): TrimmedHistory {
  const units = groupHistoryUnits(messages);
  let count = 0;
  let chars = 0;
  let start = units.length;
  for (let u = units.length - 1; u >= 0; u -= 1) {
    const unit = units[u] as ChatMessage[];
    const unitChars = unit.reduce((sum, m) => sum + contentLength(m), 0);
    const isNewest = u === units.length - 1;
    if (!isNewest && (count + unit.length > limits.maxMessages || chars + unitChars > limits.maxChars)) break;
    count += unit.length;
    chars += unitChars;
    start = u;
  }
  const kept = units.slice(start).flat();
  return { kept, dropped: messages.length - kept.length };
}

export interface ConversationWindow {
  /** Kept messages from before the task. */
  before: ChatMessage[];
  /** Kept messages from after the task. */
  after: ChatMessage[];
  dropped: number;
}

/**
 * Windows a conversation split around the task message: `before` (earlier history) and `after`
 * (this run's turns). The task itself is not counted and is never dropped; the window is one
 * suffix of `before ++ after`, cut back into the two parts.
 */
export function windowConversation(
  before: readonly ChatMessage[],
  after: readonly ChatMessage[],
  limits: HistoryLimits,
): ConversationWindow {
  const { kept, dropped } = trimHistory([...before, ...after], limits);
  const keptAfter = Math.min(kept.length, after.length);
  const keptBefore = kept.length - keptAfter;
  return {
    before: keptBefore === 0 ? [] : before.slice(before.length - keptBefore),
    after: keptAfter === 0 ? [] : after.slice(after.length - keptAfter),
    dropped,
  };
}
