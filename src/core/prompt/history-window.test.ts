import { describe, expect, test } from "bun:test";
import type { ChatMessage } from "../../llm/protocol.ts";
import { groupHistoryUnits, trimHistory, windowConversation } from "./history-window.ts";

const user = (content: string): ChatMessage => ({ role: "user", content });
const assistant = (content: string | null, ...ids: string[]): ChatMessage => ({
  role: "assistant",
  content,
  ...(ids.length > 0
    ? { tool_calls: ids.map((id) => ({ id, type: "function" as const, function: { name: "file_read", arguments: "{}" } })) }
    : {}),
});
const tool = (id: string, content = "{}"): ChatMessage => ({ role: "tool", tool_call_id: id, content });

describe("trimHistory", () => {
  const abc = [user("a".repeat(10)), user("b".repeat(10)), user("c".repeat(10))];

  test("keeps the last max_messages messages", () => {
    const { kept, dropped } = trimHistory(abc, { maxMessages: 2, maxChars: 1000 });
    expect(kept.map((m) => m.content)).toEqual(["b".repeat(10), "c".repeat(10)]);
    expect(dropped).toBe(1);
  });

  test("drops from the front while content exceeds max_chars", () => {
    const { kept, dropped } = trimHistory(abc, { maxMessages: 10, maxChars: 15 });
    expect(kept.map((m) => m.content)).toEqual(["c".repeat(10)]);
    expect(dropped).toBe(2);
  });

  test("counts null content as zero and content parts by their JSON", () => {
    const parts: ChatMessage = { role: "user", content: [{ type: "text", text: "hi" }] };
    const partsLength = JSON.stringify([{ type: "text", text: "hi" }]).length;
    const messages = [user("x"), parts, assistant(null, "c1"), tool("c1", "")];
    expect(trimHistory(messages, { maxMessages: 10, maxChars: partsLength }).kept).toEqual(messages.slice(1));
  });

  test("never separates an assistant tool_calls message from its tool results", () => {
    const messages = [user("start"), assistant("reading both", "c1", "c2"), tool("c1"), tool("c2"), user("next")];
    // Room for 3 messages: the tool group (3) plus "next" (1) does not fit, so the group goes whole.
    const { kept, dropped } = trimHistory(messages, { maxMessages: 3, maxChars: 1000 });
    expect(kept).toEqual([user("next")]);
    expect(dropped).toBe(4);
    const wider = trimHistory(messages, { maxMessages: 4, maxChars: 1000 });
    expect(wider.kept).toEqual(messages.slice(1));
    expect(wider.kept[0]).toEqual(assistant("reading both", "c1", "c2"));
  });

  test("applies the char limit to whole tool groups", () => {
    const messages = [assistant(null, "c1"), tool("c1", "x".repeat(50)), assistant("done")];
    expect(trimHistory(messages, { maxMessages: 10, maxChars: 40 }).kept).toEqual([assistant("done")]);
  });

  test("always keeps the newest unit even when it alone exceeds the limits", () => {
    const messages = [user("old"), assistant(null, "c1", "c2"), tool("c1", "y".repeat(500)), tool("c2")];
    const { kept, dropped } = trimHistory(messages, { maxMessages: 2, maxChars: 10 });
    expect(kept).toEqual(messages.slice(1));
    expect(dropped).toBe(1);
  });

  test("returns an empty window for empty history", () => {
    expect(trimHistory([], { maxMessages: 1, maxChars: 1 })).toEqual({ kept: [], dropped: 0 });
  });
});

describe("groupHistoryUnits", () => {
  test("leaves a tool message with an unknown id as its own unit", () => {
    const units = groupHistoryUnits([assistant(null, "c1"), tool("c1"), tool("zz"), user("u")]);
    expect(units.map((u) => u.length)).toEqual([2, 1, 1]);
  });
});

describe("windowConversation", () => {
  test("splits one suffix window back into before and after the task", () => {
    const before = [user("b1"), assistant("b2")];
    const after = [assistant(null, "c1"), tool("c1"), assistant("a3")];
    const window = windowConversation(before, after, { maxMessages: 4, maxChars: 1000 });
    expect(window.before).toEqual([assistant("b2")]);
    expect(window.after).toEqual(after);
    expect(window.dropped).toBe(1);
  });

  test("drops all earlier history when the run's turns fill the window", () => {
    const window = windowConversation([user("b1")], [assistant("a1"), assistant("a2")], { maxMessages: 1, maxChars: 1000 });
    expect(window.before).toEqual([]);
    expect(window.after).toEqual([assistant("a2")]);
    expect(window.dropped).toBe(2);
  });
});
