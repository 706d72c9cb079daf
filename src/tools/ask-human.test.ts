import { describe, expect, test } from "bun:test";
import { registryWith, makeToolContext, scriptedHumanIO, tempDirs, type ToolContextOptions } from "../../test/support/tool-context.ts";
import { HumanRequestPayload, HumanResponsePayload } from "../events/payloads/human.ts";
import type { HumanIO } from "./human-io.ts";
import { askHumanTool } from "./ask-human.ts";

const newDir = tempDirs("sr-ask-human-");
const registry = registryWith(askHumanTool);

async function run(args: Record<string, unknown>, options: Partial<ToolContextOptions> = {}) {
  const { ctx, events } = makeToolContext({ callId: "call_7", ...options, workspaceRoot: newDir() });
  const result = await registry.dispatch("ask_human", args, ctx);
  return { result, events, ctx };
}

describe("ask_human", () => {
  test("asks HumanIO and returns the answer between human_request and human_response", async () => {
    const humanIO = scriptedHumanIO(["blue"]);
    const { result, events, ctx } = await run({ question: "Which colour?", choices: ["red", "blue"], context: { why: "theme" } }, { humanIO });
    expect(result).toMatchObject({ ok: true, stdout: "blue", exit_code: 0, data: { answer: "blue" } });
    expect(events).toEqual([
      { type: "human_request", payload: { call_id: "call_7", question: "Which colour?", choices: ["red", "blue"], context: { why: "theme" } } },
      { type: "human_response", payload: { call_id: "call_7", answer: "blue" } },
    ]);
    expect(HumanRequestPayload.safeParse(events[0]!.payload).success).toBe(true);
    expect(HumanResponsePayload.safeParse(events[1]!.payload).success).toBe(true);
    const [request, options] = humanIO.asked[0]!;
    expect(request).toEqual({ callId: "call_7", question: "Which colour?", choices: ["red", "blue"], context: { why: "theme" }, timeoutMs: null });
    expect(options?.signal).toBe(ctx.signal);
  });

  test("sends null choices and context when none are given", async () => {
    const { events } = await run({ question: "Go on?" }, { humanIO: scriptedHumanIO(["yes"]) });
    expect(events[0]!.payload).toEqual({ call_id: "call_7", question: "Go on?", choices: null, context: null });
  });

  test("without HumanIO the result is human_required and the request is still recorded", async () => {
    const { result, events } = await run({ question: "Deploy now?" });
    expect(result).toMatchObject({ ok: false, error_kind: "human_required", data: { question: "Deploy now?" } });
    expect(result.stderr).toContain('Cannot ask "Deploy now?"');
    expect(events.map((e) => e.type)).toEqual(["human_request"]);
  });

  test("bad arguments are a validation error and ask nothing", async () => {
    for (const args of [{ question: "" }, { question: "Q?", extra: 1 }, { question: "Q?", choices: "yes" }, {}]) {
      const humanIO = scriptedHumanIO(["x"]);
      const { result, events } = await run(args, { humanIO });
      expect(result).toMatchObject({ ok: false, error_kind: "validation" });
      expect(events).toEqual([]);
      expect(humanIO.asked).toEqual([]);
    }
  });

  test("aborting the run while waiting for the answer cancels the call", async () => {
    const ac = new AbortController();
    const waiting: HumanIO = {
      requestHumanInput: (_request, options) =>
        new Promise((_, reject) => options?.signal?.addEventListener("abort", () => reject(new Error("aborted")), { once: true })),
    };
    setTimeout(() => ac.abort(), 50);
    const { result, events } = await run({ question: "Still there?" }, { humanIO: waiting, signal: ac.signal });
    expect(result).toMatchObject({ ok: false, error_kind: "cancelled" });
    expect(events.map((e) => e.type)).toEqual(["human_request"]);
  });
});
