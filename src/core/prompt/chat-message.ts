/**
 * Chat messages in the OpenAI chat-completions shape, as kept in run history and sent to the LLM.
 *
 * An assistant message may carry text AND tool calls (decisions item 5: the text is kept). A tool
 * message answers one call by `tool_call_id`; its content is the JSON of the tool result payload.
 */
import { z } from "zod";

export const ChatToolCall = z.object({
  id: z.string().min(1),
  type: z.literal("function"),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});
export type ChatToolCall = z.infer<typeof ChatToolCall>;

/** A multimodal content part (`{type: "text", text}`, `{type: "image_url", ...}`), passed through. */
export const ChatContentPart = z.looseObject({ type: z.string() });
export type ChatContentPart = z.infer<typeof ChatContentPart>;

export const SystemMessage = z.object({ role: z.literal("system"), content: z.string() });
export const UserMessage = z.object({
  role: z.literal("user"),
  content: z.union([z.string(), z.array(ChatContentPart)]),
});
export const AssistantMessage = z.object({
  role: z.literal("assistant"),
  content: z.string().nullable(),
  tool_calls: z.array(ChatToolCall).min(1).optional(),
});
export const ToolMessage = z.object({
  role: z.literal("tool"),
  tool_call_id: z.string().min(1),
  content: z.string(),
});

export const ChatMessage = z.discriminatedUnion("role", [SystemMessage, UserMessage, AssistantMessage, ToolMessage]);
export type ChatMessage = z.infer<typeof ChatMessage>;
export type SystemMessage = z.infer<typeof SystemMessage>;
export type UserMessage = z.infer<typeof UserMessage>;
export type AssistantMessage = z.infer<typeof AssistantMessage>;
export type ToolMessage = z.infer<typeof ToolMessage>;

/** Length of a message's content for window budgets: string length, null = 0, parts as JSON. */
export function contentLength(message: ChatMessage): number {
  const { content } = message;
  if (content === null) return 0;
  if (typeof content === "string") return content.length;
  return JSON.stringify(content).length;
}

/** The message's content as plain text (`null` → "", text parts joined, other parts as JSON). */
export function contentText(message: ChatMessage): string {
  const { content } = message;
  if (content === null) return "";
  if (typeof content === "string") return content;
  return content
    .map((part) => (part.type === "text" && typeof part.text === "string" ? part.text : JSON.stringify(part)))
    .join("\n");
}
