/**
 * Sub-agents kept by the workspace's runtime server (spec 8.2), behind the same `CollabManager`
 * interface as a run's in-process manager: the tools CLI uses it so that a child started by
 * `tools spawn-agent` in one process is waited for, answered and closed by later ones.
 *
 * `childBackend` is what every `spawn` of this instance asks the server to run the child with
 * (`--backend` / `--fake-script` of `tools spawn-agent`).
 */
import type { ChildSnapshot, ChildStatus, CollabManager, CollabSpawnRequest } from "../tools/collab.ts";
import type { RuntimeClient } from "./client.ts";
import type { ChildBackend, MethodData } from "./protocol.ts";

export interface PersistentCollabOptions {
  childBackend?: { backend?: ChildBackend | null; fakeScript?: string | null };
}

function snapshot(data: MethodData<"collab.resume">, agentType = "default"): ChildSnapshot {
  const { status, agent_type, ...rest } = data;
  return { ...rest, agent_type: agent_type ?? agentType, status: status as ChildStatus };
}

export class PersistentCollab implements CollabManager {
  readonly kind = "runtime_server";

  constructor(
    private readonly client: RuntimeClient,
    private readonly options: PersistentCollabOptions = {},
  ) {}

  async spawn(request: CollabSpawnRequest): Promise<ChildSnapshot> {
    const backend = this.options.childBackend;
    const data = await this.client.call("collab.spawn", {
      message: request.message,
      agent_type: request.agentType,
      ...(backend?.backend ? { backend: backend.backend } : {}),
      ...(backend?.fakeScript != null ? { fake_script: backend.fakeScript } : {}),
    });
    return snapshot(data, request.agentType);
  }

  async wait(ids: readonly string[], timeoutMs?: number | null, options: { signal?: AbortSignal } = {}): Promise<ChildSnapshot[]> {
    const data = await this.client.call("collab.wait", { ids: [...ids], timeout_ms: timeoutMs ?? null }, options.signal ? { signal: options.signal } : {});
    return data.results.map((child) => snapshot(child));
  }

  async sendInput(id: string, message: string): Promise<void> {
    await this.client.call("collab.send_input", { id, message });
  }

  async close(id: string): Promise<void> {
    await this.client.call("collab.close", { id });
  }

  async resume(id: string): Promise<ChildSnapshot> {
    return snapshot(await this.client.call("collab.resume", { id }));
  }

  /** Cancels the server's children only through `runtime cleanup`: a CLI call ending must not stop them. */
  async closeAll(): Promise<void> {}
}
