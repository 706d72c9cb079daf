/**
 * Sub-agents in a real run (spec 8.3, 8.6 tested semantics, decisions.md item 6): the parent's
 * model calls spawn_agent / wait / send_input / close_agent / resume_agent; each child is a child
 * Agent run with its own WAL. The parent's model is a policy that reads the tool results it got
 * (child ids are random); each child gets its own scripted backend (AgentOptions.childBackend),
 * so parent and child scripts never race for one script.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import type { AgentEvent } from "../../src/events/schema.ts";
import type { ToolResultPayload } from "../../src/events/tool-result.ts";
import { FakeChatBackend, type FakeCall } from "../../src/llm/fake-backend.ts";
import type { ChatBackend, ChatRequest, ChatStreamEvent } from "../../src/llm/protocol.ts";
import { COLLAB_TOOL_NAMES } from "../../src/tools/builtins.ts";
import { builtinChildRunner } from "../../src/tools/collab-builtin-runner.ts";
import { CollabService } from "../../src/tools/collab-service.ts";
import type { ChildInfo } from "../../src/core/child-agent.ts";
import { done, eventWaiter, makeAgent, one, only, readWal, replyText, replyTools, tempWorkspaces, typesOf, wait } from "../support/engine.ts";

const workspace = tempWorkspaces("engine-subagents-");

/** The collab tools plus ask_human; the collab tools are allowed by name (they are gated). */
const SETUP = {
  builtinTools: [...COLLAB_TOOL_NAMES, "ask_human"],
  config: { safety: { tool_allowlist: ["spawn_agent", "send_input", "close_agent", "resume_agent"] } },
};

interface Turn {
  /** How many LLM calls came before this one. */
  index: number;
  /** Tool results of the previous answer, by call id (parsed from the tool messages). */
  results: Map<string, ToolResultPayload>;
  request: ChatRequest;
}

/** A backend whose every answer is computed from the request: the model reads its tool results. */
function policyBackend(policy: (turn: Turn) => FakeCall): ChatBackend & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    requests,
    async *streamChat(request: ChatRequest): AsyncGenerator<ChatStreamEvent, void, undefined> {
      const results = new Map<string, ToolResultPayload>();
      for (const message of request.messages) {
        if (message.role === "tool" && typeof message.content === "string") results.set(message.tool_call_id, JSON.parse(message.content));
      }
      const index = requests.push(request) - 1;
      yield* new FakeChatBackend([policy({ index, results, request })]).streamChat(request);
    },
  };
}

const call = (id: string, name: string, args: Record<string, unknown>) => replyTools([{ id, name, args }]);

/** Children's backends by their message. */
function childBackends(scripts: Record<string, () => ChatBackend>): { backend: (child: ChildInfo) => ChatBackend; children: ChildInfo[] } {
  const children: ChildInfo[] = [];
  return {
    children,
    backend: (child) => {
      children.push(child);
      const make = scripts[child.message];
      if (!make) throw new Error(`no child script for "${child.message}"`);
      return make();
    },
  };
}

function toolResult(events: readonly AgentEvent[], callId: string): ToolResultPayload {
  const finished = only(events, "tool_call_finished").find((e) => e.payload.call_id === callId);
  if (!finished) throw new Error(`no tool_call_finished for ${callId}`);
  return finished.payload.result as ToolResultPayload;
}

describe("sub-agents", () => {
  test("a spawned child runs as its own Agent run to completion; the parent's WAL links the child's WAL", async () => {
    const childBackend = new FakeChatBackend([replyText("child summary")]);
    const kids = childBackends({ "summarise the repo": () => childBackend });
    const parent = policyBackend(({ index, results }) => {
      if (index === 0) return call("c1", "spawn_agent", { message: "summarise the repo", agent_type: "explorer" });
      const id = results.get("c1")!.data!.id as string;
      if (index === 1) return call("c2", "wait", { ids: [id] });
      const [child] = results.get("c2")!.data!.results as { final_output: string }[];
      return replyText(`parent saw: ${child!.final_output}`);
    });
    const { agent } = makeAgent({ workspaceRoot: workspace(), ...SETUP, backend: parent, childBackend: kids.backend });
    const result = await agent.run("delegate");
    expect(result).toMatchObject({ status: "completed", finalOutput: "parent saw: child summary" });

    const events = readWal(result.walLocator);
    const spawned = toolResult(events, "c1");
    const id = spawned.data!.id as string;
    expect(spawned).toMatchObject({ ok: true, data: { status: "running", parent_profile_id: null, child_profile_id: "default" } });
    expect(spawned.data!.child_run_id).toBe(`run_${id}`);
    const childWal = spawned.data!.child_wal_locator as string;
    expect(existsSync(childWal)).toBe(true);
    expect(dirname(dirname(childWal))).toBe(dirname(dirname(result.walLocator)));
    expect(childWal).not.toBe(result.walLocator);

    expect(toolResult(events, "c2").data).toEqual({
      results: [{ id, status: "completed", agent_type: "default", final_output: "child summary", run_id: `run_${id}`, wal_locator: childWal }],
    });

    const childEvents = readWal(childWal);
    expect(typesOf(childEvents)).toEqual(["run_started", "llm_request_started", "llm_response_delta", "run_completed"]);
    expect(childEvents.every((e) => e.run_id === `run_${id}`)).toBe(true);
    expect(one(childEvents, "run_started").payload).toMatchObject({ task: "summarise the repo", config_summary: { profile_id: "default" } });
    expect(one(childEvents, "run_completed").payload).toMatchObject({ final_output: "child summary" });
    // No grandchildren: the child is offered the parent's tools without the collab tools.
    const childTools = (childBackend.requests[0]!.tools ?? []).map((t) => t.function.name);
    expect(childTools).toEqual(["ask_human"]);
    expect(kids.children).toEqual([{ id, agentType: "default", message: "summarise the repo" }]);
  });

  test("a child that asks a human is waiting_human until send_input answers; the answer is in its WAL", async () => {
    const childBackend = policyBackend(({ index, results }) => {
      if (index === 0) return call("h1", "ask_human", { question: "Which colour?" });
      return replyText(`painted it ${results.get("h1")!.data!.answer as string}`);
    });
    const kids = childBackends({ "paint the shed": () => childBackend });
    const seen: unknown[] = [];
    // The parent polls with short waits until the child asks, answers it, then waits for the end.
    const parent = policyBackend(({ index, results }) => {
      if (index === 0) return call("c0", "spawn_agent", { message: "paint the shed" });
      const id = results.get("c0")!.data!.id as string;
      const [lastId, last] = [...results.entries()].at(-1)!;
      const child = (last.data?.results as { status: string; question?: string; final_output?: string }[] | undefined)?.[0];
      if (lastId.startsWith("poll")) seen.push({ status: child!.status, question: child!.question });
      if (lastId === "c0" || (lastId.startsWith("poll") && child!.status === "running" && index < 100)) {
        return call(`poll${index}`, "wait", { ids: [id], timeout_ms: 100 });
      }
      if (lastId.startsWith("poll") && child!.status === "waiting_human") return call("answer", "send_input", { id, message: "blue" });
      if (lastId === "answer") return call("final", "wait", { ids: [id] });
      return replyText(`child said: ${child?.final_output}`);
    });
    const { agent } = makeAgent({ workspaceRoot: workspace(), ...SETUP, backend: parent, childBackend: kids.backend });
    const result = await agent.run("delegate the painting");
    expect(result).toMatchObject({ status: "completed", finalOutput: "child said: painted it blue" });
    expect(seen.at(-1)).toEqual({ status: "waiting_human", question: "Which colour?" });

    const events = readWal(result.walLocator);
    const childWal = toolResult(events, "c0").data!.child_wal_locator as string;
    const childEvents = readWal(childWal);
    expect(one(childEvents, "human_request").payload).toMatchObject({ call_id: "h1", question: "Which colour?" });
    expect(one(childEvents, "human_response").payload).toEqual({ call_id: "h1", answer: "blue" });
    expect(childEvents.at(-1)!.type).toBe("run_completed");
    expect(one(childEvents, "run_completed").payload).toMatchObject({ final_output: "painted it blue" });
  });

  test("close_agent cancels a child (its WAL ends with run_cancelled); then send_input is not_found and resume is validation", async () => {
    const kids = childBackends({ "think forever": () => new FakeChatBackend([{ events: [wait(30_000), done()] }]) });
    const parent = policyBackend(({ index, results }) => {
      if (index === 0) return call("c1", "spawn_agent", { message: "think forever" });
      const id = results.get("c1")!.data!.id as string;
      return [
        () => call("c2", "close_agent", { id }),
        () => call("c3", "send_input", { id, message: "hello?" }),
        () => call("c4", "resume_agent", { id }),
        () => call("c5", "wait", { ids: [id] }),
        () => call("c6", "close_agent", { id }),
        () => replyText("closed it"),
      ][index - 1]!();
    });
    const { agent } = makeAgent({ workspaceRoot: workspace(), ...SETUP, backend: parent, childBackend: kids.backend });
    const result = await agent.run("start and stop");
    expect(result.status).toBe("completed");

    const events = readWal(result.walLocator);
    const id = toolResult(events, "c1").data!.id as string;
    expect(toolResult(events, "c2")).toMatchObject({ ok: true, data: { id } });
    expect(toolResult(events, "c3")).toMatchObject({ ok: false, error_kind: "not_found" });
    expect(toolResult(events, "c3").stderr).toContain("agent not found");
    expect(toolResult(events, "c4")).toMatchObject({ ok: false, error_kind: "validation" });
    expect(toolResult(events, "c5").data).toMatchObject({ results: [{ id, status: "cancelled" }] });
    expect(toolResult(events, "c6")).toMatchObject({ ok: true, data: { id } });

    const childEvents = readWal(toolResult(events, "c1").data!.child_wal_locator as string);
    expect(childEvents.at(-1)!.type).toBe("run_cancelled");
    expect(childEvents.filter((e) => e.type.startsWith("run_") && e.type !== "run_started").map((e) => e.type)).toEqual(["run_cancelled"]);
  });

  test("a child still running when the parent run ends is cancelled before the run returns", async () => {
    const kids = childBackends({ "slow job": () => new FakeChatBackend([{ events: [wait(30_000), done()] }]) });
    const parent = policyBackend(({ index }) => (index === 0 ? call("c1", "spawn_agent", { message: "slow job" }) : replyText("not waiting")));
    const { agent } = makeAgent({ workspaceRoot: workspace(), ...SETUP, backend: parent, childBackend: kids.backend });
    const result = await agent.run("fire and forget");
    expect(result.status).toBe("completed");
    const childWal = toolResult(readWal(result.walLocator), "c1").data!.child_wal_locator as string;
    expect(readWal(childWal).at(-1)!.type).toBe("run_cancelled");
  });

  test("cancelling the parent while it waits without a timeout cancels the wait and the child", async () => {
    const kids = childBackends({ "think forever": () => new FakeChatBackend([{ events: [wait(30_000), done()] }]) });
    const parent = policyBackend(({ index, results }) =>
      index === 0 ? call("c1", "spawn_agent", { message: "think forever" }) : call("c2", "wait", { ids: [results.get("c1")!.data!.id as string] }),
    );
    const waiter = eventWaiter();
    const controller = new AbortController();
    const { agent } = makeAgent({ workspaceRoot: workspace(), ...SETUP, backend: parent, childBackend: kids.backend, eventHooks: [waiter.hook] });
    const running = agent.run("wait forever", { signal: controller.signal });
    await waiter.when((e) => e.type === "tool_call_started" && e.payload.call_id === "c2");
    controller.abort();
    const result = await running;
    expect(result.status).toBe("cancelled");
    const events = readWal(result.walLocator);
    expect(toolResult(events, "c2")).toMatchObject({ ok: false, error_kind: "cancelled" });
    expect(readWal(toolResult(events, "c1").data!.child_wal_locator as string).at(-1)!.type).toBe("run_cancelled");
  });

  test("a profiled parent spawns its mapped child profile; without a mapping the call is denied", async () => {
    const kids = childBackends({ go: () => new FakeChatBackend([replyText("ok")]) });
    const script = () => policyBackend(({ index }) => (index === 0 ? call("c1", "spawn_agent", { message: "go" }) : replyText("end")));
    const mapped = makeAgent({ workspaceRoot: workspace(), ...SETUP, backend: script(), childBackend: kids.backend, profileId: "lead", childProfileMap: { lead: "worker" } });
    const result = await mapped.agent.run("delegate");
    const events = readWal(result.walLocator);
    expect(one(events, "run_started").payload).toMatchObject({ config_summary: { profile_id: "lead" } });
    const spawned = toolResult(events, "c1");
    expect(spawned.data).toMatchObject({ parent_profile_id: "lead", child_profile_id: "worker" });
    const childStarted = one(readWal(spawned.data!.child_wal_locator as string), "run_started");
    expect(childStarted.payload).toMatchObject({ config_summary: { profile_id: "worker" } });

    const unmapped = makeAgent({ workspaceRoot: workspace(), ...SETUP, backend: script(), childBackend: kids.backend, profileId: "solo" });
    const denied = toolResult(readWal((await unmapped.agent.run("delegate")).walLocator), "c1");
    expect(denied).toMatchObject({ ok: false, error_kind: "permission", data: { reason: "child_profile_map_missing", parent_profile_id: "solo" } });
  });

  test("spawn_agent goes through the gate: tool_denylist denies it and no child starts", async () => {
    const kids = childBackends({});
    const parent = policyBackend(({ index }) => (index === 0 ? call("c1", "spawn_agent", { message: "go" }) : replyText("end")));
    const { agent } = makeAgent({
      workspaceRoot: workspace(),
      builtinTools: COLLAB_TOOL_NAMES,
      config: { safety: { mode: "allow", tool_denylist: ["spawn_agent"] } },
      backend: parent,
      childBackend: kids.backend,
    });
    const result = await agent.run("delegate");
    expect(toolResult(readWal(result.walLocator), "c1")).toMatchObject({ ok: false, error_kind: "permission" });
    expect(kids.children).toEqual([]);
  });

  test("an injected collab manager is used as is and not closed when the run ends", async () => {
    const collab = new CollabService({ runner: builtinChildRunner });
    const parent = policyBackend(({ index }) => (index === 0 ? call("c1", "spawn_agent", { message: "wait_input:q" }) : replyText("end")));
    const { agent } = makeAgent({ workspaceRoot: workspace(), ...SETUP, backend: parent, collab });
    const result = await agent.run("delegate");
    const id = toolResult(readWal(result.walLocator), "c1").data!.id as string;
    expect((await collab.resume(id)).status).toBe("waiting_human");
    await collab.closeAll();
  });
});
