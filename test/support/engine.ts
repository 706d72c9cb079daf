/**
 * Shared helpers for the engine integration tests: temp workspaces, fake-LLM script builders,
 * small custom tools and a WAL reader that checks the `seq == line index` invariant.
 */
import { afterEach } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { Agent, type AgentOptions } from "../../src/core/agent.ts";
import type { ToolContext, ToolDefinition } from "../../src/tools/registry.ts";
import type { AgentEvent } from "../../src/events/schema.ts";
import { FakeChatBackend, type FakeCall, type FakeStep } from "../../src/llm/fake-backend.ts";
import type { ChatMessage } from "../../src/llm/protocol.ts";

/** Returns a factory of temp workspaces; every workspace is removed after each test. */
export function tempWorkspaces(prefix = "engine-"): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}

// ---------------------------------------------------------------------------------------------
// Fake LLM script builders

export const text = (value: string): FakeStep => ({ type: "text_delta", text: value });
export const done = (finishReason = "stop"): FakeStep => ({ type: "completed", finish_reason: finishReason });
export const wait = (ms: number): FakeStep => ({ type: "wait", ms });
export const usage = (input: number, output: number): FakeStep => ({
  type: "usage",
  usage: { input_tokens: input, output_tokens: output, total_tokens: input + output },
});

export interface CallSpec {
  id: string;
  name: string;
  /** An object (sent as JSON) or the raw argument text. */
  args: Record<string, unknown> | string;
}

export const toolCalls = (...calls: CallSpec[]): FakeStep => ({
  type: "tool_calls",
  tool_calls: calls.map((c) => ({ call_id: c.id, name: c.name, raw_arguments: typeof c.args === "string" ? c.args : JSON.stringify(c.args) })),
});

/** One LLM answer: plain text. */
export const replyText = (value: string): FakeCall => ({ events: [text(value), done()] });

/** One LLM answer: tool calls, optionally with accompanying text. */
export const replyTools = (calls: CallSpec[], withText?: string): FakeCall => ({
  events: [...(withText !== undefined ? [text(withText)] : []), toolCalls(...calls), done("tool_calls")],
});

export const echoCall = (id: string, value = "hi"): CallSpec => ({ id, name: "echo", args: { text: value } });

// ---------------------------------------------------------------------------------------------
// Tools

export interface EchoTool extends ToolDefinition<{ text: string }> {
  /** Arguments of every handler invocation. */
  calls: { text: string }[];
}

/** A custom tool `echo` that returns `echo:<text>` and records its invocations. */
export function echoTool(): EchoTool {
  const calls: { text: string }[] = [];
  return {
    name: "echo",
    description: "Echo the text back.",
    parameters: z.object({ text: z.string() }),
    handler: (args) => {
      calls.push(args);
      return `echo:${args.text}`;
    },
    calls,
  };
}

/** A custom tool with a free-form handler. */
export function customTool(name: string, handler: (args: Record<string, unknown>, ctx: ToolContext) => unknown): ToolDefinition {
  return {
    name,
    description: `Test tool ${name}.`,
    parameters: { type: "object", properties: {}, additionalProperties: true },
    handler: handler as ToolDefinition["handler"],
  };
}

// ---------------------------------------------------------------------------------------------
// Agent and WAL

export interface EngineSetup extends Omit<AgentOptions, "backend" | "workspaceRoot"> {
  workspaceRoot: string;
  script?: FakeCall[];
  /** Use this backend instead of one built from `script` (null = no backend). */
  backend?: AgentOptions["backend"];
}

export function makeAgent(setup: EngineSetup): { agent: Agent; backend: FakeChatBackend } {
  const { script = [], backend: given, ...options } = setup;
  const backend = new FakeChatBackend(script);
  // Engine tests reason about their own tools; builtins are opted into explicitly.
  const agent = new Agent({ builtinTools: false, ...options, backend: given === undefined ? backend : given });
  return { agent, backend };
}

/**
 * Read a JSONL WAL. Throws when a line's `seq` is not its 0-based line index, so every test that
 * reads a WAL through this also checks the invariant.
 */
export function readWal(path: string): AgentEvent[] {
  const lines = readFileSync(path, "utf8").split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line, index) => {
    const event = JSON.parse(line) as AgentEvent;
    if (event.seq !== index) throw new Error(`WAL line ${index} of ${path} has seq ${String(event.seq)} (type ${event.type})`);
    return event;
  });
}

export const typesOf = (events: readonly { type: string }[]): string[] => events.map((e) => e.type);

export function only<T extends AgentEvent["type"]>(events: readonly AgentEvent[], type: T): Extract<AgentEvent, { type: T }>[] {
  return events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);
}

export function one<T extends AgentEvent["type"]>(events: readonly AgentEvent[], type: T): Extract<AgentEvent, { type: T }> {
  const found = only(events, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}: ${typesOf(events).join(", ")}`);
  return found[0]!;
}

/** The event types of one step (tool call), in WAL order. */
export const stepTypes = (events: readonly AgentEvent[], stepId: string): string[] => typesOf(events.filter((e) => e.step_id === stepId));

/** Messages of a recorded request whose role and text content match. */
export const messagesWith = (messages: readonly ChatMessage[], role: string, content: string): ChatMessage[] =>
  messages.filter((m) => m.role === role && m.content === content);

export const toolMessages = (messages: readonly ChatMessage[]) =>
  messages.filter((m): m is Extract<ChatMessage, { role: "tool" }> => m.role === "tool");

/** Resolves when `predicate` holds for an event seen by the hook. */
export function eventWaiter(): { hook: (e: AgentEvent) => void; when: (predicate: (e: AgentEvent) => boolean) => Promise<AgentEvent> } {
  const waiters: { predicate: (e: AgentEvent) => boolean; resolve: (e: AgentEvent) => void }[] = [];
  return {
    hook: (event) => {
      for (const w of [...waiters]) {
        if (w.predicate(event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    },
    when: (predicate) => new Promise((resolve) => waiters.push({ predicate, resolve })),
  };
}
