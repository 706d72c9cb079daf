/**
 * The runtime server's collab methods (spec 8.4 `collab.*`, with the TESTED semantics of 8.6):
 * children live in a `CollabService` driven by the runner the server was given. A `wait_input:`
 * child of the builtin runner is `waiting_human` until `send_input`; closed and finished children
 * are terminal (send_input -> not_found, resume of a cancelled child -> not_found).
 *
 * `collab.spawn` may name the child's LLM backend (`backend`, `fake_script`); they travel as the
 * spawn request's `options` and the runner receives them as its third argument
 * (`ChildSpawnOptions`). `runtime.cleanup` cancels every child and forgets them all (a fresh service).
 */
import { CollabService, type ChildOutcome, type ChildRunContext } from "../tools/collab-service.ts";
import type { ChildSnapshot } from "../tools/collab.ts";
import type { ChildBackend, MethodData, ParsedParams } from "./protocol.ts";

/** What `collab.spawn` says about the child's backend. */
export interface ChildSpawnOptions {
  /** null: chosen like `skills-runtime run` does. */
  backend: ChildBackend | null;
  /** The fake backend's script text (YAML or JSON), or null. */
  fakeScript: string | null;
}

/** A child runner that may honour the spawn's backend choice (a plain `ChildRunner` ignores it). */
export type HostedChildRunner = (message: string, ctx: ChildRunContext, options: ChildSpawnOptions) => Promise<ChildOutcome>;

function spawnOptionsOf(options: Readonly<Record<string, unknown>>): ChildSpawnOptions {
  const backend = options.backend === "fake" || options.backend === "openai" ? options.backend : null;
  return { backend, fakeScript: typeof options.fakeScript === "string" ? options.fakeScript : null };
}

function childData(snapshot: ChildSnapshot): MethodData<"collab.resume"> {
  return { ...snapshot };
}

export class CollabHost {
  private service: CollabService;
  constructor(private readonly runner: HostedChildRunner) {
    this.service = this.newService();
  }

  private newService(): CollabService {
    return new CollabService({
      runner: (message, ctx) => this.runner(message, ctx, spawnOptionsOf(ctx.options)),
    });
  }

  async spawn(params: ParsedParams<"collab.spawn">): Promise<MethodData<"collab.spawn">> {
    const options: ChildSpawnOptions = { backend: params.backend ?? null, fakeScript: params.fake_script ?? null };
    const child = await this.service.spawn({ message: params.message, agentType: params.agent_type, options: { ...options } });
    return childData(child);
  }

  async wait(params: ParsedParams<"collab.wait">, signal?: AbortSignal): Promise<MethodData<"collab.wait">> {
    const children = await this.service.wait(params.ids, params.timeout_ms ?? null, signal ? { signal } : {});
    return { results: children.map(childData) };
  }

  async sendInput(params: ParsedParams<"collab.send_input">): Promise<MethodData<"collab.send_input">> {
    await this.service.sendInput(params.id, params.message);
    return { id: params.id };
  }

  async close(params: ParsedParams<"collab.close">): Promise<MethodData<"collab.close">> {
    await this.service.close(params.id);
    return { id: params.id };
  }

  async resume(params: ParsedParams<"collab.resume">): Promise<MethodData<"collab.resume">> {
    return childData(await this.service.resume(params.id));
  }

  /** Running or waiting_human children. */
  liveCount(): number {
    return this.service.liveCount;
  }

  /** Cancel every live child and forget all children; returns how many were cancelled. */
  async cleanup(): Promise<number> {
    const cancelled = this.liveCount();
    const old = this.service;
    this.service = this.newService();
    await old.closeAll();
    return cancelled;
  }

  /** Cancel every live child (server exit). */
  async closeAll(): Promise<number> {
    const cancelled = this.liveCount();
    await this.service.closeAll();
    return cancelled;
  }
}
