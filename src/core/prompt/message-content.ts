/**
 * Reading the content of chat messages (the `ChatMessage` schema lives in src/llm/protocol.ts):
 * its length for window budgets and its plain text for transcripts.
 */
import type { ChatMessage } from "../../llm/protocol.ts";

/** Length of a message's content: string length, null/absent = 0, content parts as their JSON. */
export function contentLength(message: ChatMessage): number {
  const { content } = message;
  if (content === null || content === undefined) return 0;
  if (typeof content === "string") return content.length;
  return JSON.stringify(content).length;
}

/** The message's content as plain text: null/absent → "", text parts joined, other parts as JSON. */
export function contentText(message: ChatMessage): string {
  const { content } = message;
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  return content.map((part) => (part.type === "text" ? part.text : JSON.stringify(part))).join("\n");
}

/** The content when it is a non-empty string, else null (multimodal and empty messages). */
export function plainContent(message: ChatMessage): string | null {
  return typeof message.content === "string" && message.content !== "" ? message.content : null;
}
