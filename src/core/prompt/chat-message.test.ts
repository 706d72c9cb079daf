import { describe, expect, test } from "bun:test";
import { ChatMessage, contentLength, contentText } from "./chat-message.ts";

describe("ChatMessage", () => {
  test("accepts an assistant message carrying both text and tool calls", () => {
    const message = {
      role: "assistant",
      content: "Checking the file.",
      tool_calls: [{ id: "c1", type: "function", function: { name: "file_read", arguments: "{}" } }],
    };
    expect(ChatMessage.parse(message)).toEqual(message as ChatMessage);
  });

  test("rejects a tool message without tool_call_id and an unknown role", () => {
    expect(ChatMessage.safeParse({ role: "tool", content: "{}" }).success).toBe(false);
    expect(ChatMessage.safeParse({ role: "developer", content: "x" }).success).toBe(false);
  });

  test("measures and flattens content", () => {
    const parts: ChatMessage = { role: "user", content: [{ type: "text", text: "a" }, { type: "image_url", image_url: { url: "u" } }] };
    expect(contentLength({ role: "assistant", content: null })).toBe(0);
    expect(contentLength({ role: "user", content: "四个字符" })).toBe(4);
    expect(contentText(parts)).toBe('a\n{"type":"image_url","image_url":{"url":"u"}}');
  });
});
