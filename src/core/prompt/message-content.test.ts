import { describe, expect, test } from "bun:test";
import type { ChatMessage } from "../../llm/protocol.ts";
import { contentLength, contentText, plainContent } from "./message-content.ts";

describe("message content", () => {
  const parts: ChatMessage = {
    role: "user",
    content: [
      { type: "text", text: "a" },
      { type: "image_url", image_url: { url: "u" } },
    ],
  };

  test("measures null, absent, string and part contents", () => {
    expect(contentLength({ role: "assistant", content: null })).toBe(0);
    expect(contentLength({ role: "assistant" })).toBe(0);
    expect(contentLength({ role: "user", content: "四个字符" })).toBe(4);
    expect(contentLength(parts)).toBe(JSON.stringify(parts.content).length);
  });

  test("flattens parts to text, keeping non-text parts as JSON", () => {
    expect(contentText(parts)).toBe('a\n{"type":"image_url","image_url":{"url":"u"}}');
    expect(contentText({ role: "assistant", content: null })).toBe("");
  });

  test("plain content is only a non-empty string", () => {
    expect(plainContent({ role: "user", content: "x" })).toBe("x");
    expect(plainContent({ role: "user", content: "" })).toBeNull();
    expect(plainContent(parts)).toBeNull();
  });
});
