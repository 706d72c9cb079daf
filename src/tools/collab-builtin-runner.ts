/**
 * The child runner of a process without an LLM (the runtime server, spec 8.4): a message starting
 * with `wait_input:` waits (as `waiting_human`) for one `send_input` message and finishes with
 * `got:<message>`; any other message finishes at once with `echo:<message>`. A closed child ends
 * `cancelled`.
 */
import type { ChildRunner } from "./collab-service.ts";

export const WAIT_INPUT_PREFIX = "wait_input:";

export const builtinChildRunner: ChildRunner = async (message, ctx) => {
  if (!message.startsWith(WAIT_INPUT_PREFIX)) return { finalOutput: `echo:${message}` };
  const question = message.slice(WAIT_INPUT_PREFIX.length).trim() || message;
  try {
    const input = await ctx.waitForInput(question);
    return { finalOutput: `got:${input}` };
  } catch (error) {
    if (ctx.signal.aborted) return { finalOutput: "cancelled", status: "cancelled" };
    throw error;
  }
};
