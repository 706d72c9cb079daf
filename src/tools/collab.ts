/**
 * Sub-agents as the tools see them (spec 8.3 with the TESTED semantics of 8.6, decisions.md 6):
 * `spawn_agent` starts a child, `wait` waits for children, `send_input` gives a live child a
 * message (the answer a `waiting_human` child waits for), `close_agent` cancels one, and
 * `resume_agent` reports one again. Two implementations share this interface: the in-process
 * manager of a run (children are child Agents with their own WAL) and the persistent one that talks
 * to the per-workspace runtime server (src/runtime/persistent-collab.ts).
 *
 * Statuses: `running`, `waiting_human` (live: waiting for send_input), then one terminal status
 * `completed` | `failed` | `cancelled`. Terminal children leave the live table: `send_input` on
 * them is `not_found` "agent not found"; `resume` of a cancelled or unknown child is `not_found`
 * "child not found" (the tool reports `validation`); `close` of a terminal child is a no-op.
 * Errors are `RuntimeError`s with a kind.
 */

export type ChildStatus = "running" | "waiting_human" | "completed" | "failed" | "cancelled";

export const LIVE_STATUSES: readonly ChildStatus[] = ["running", "waiting_human"];

export interface ChildSnapshot {
  /** 32 lowercase hex characters. */
  id: string;
  agent_type: string;
  status: ChildStatus;
  /** Only when completed. */
  final_output?: string;
  /** Only when failed. */
  error?: string;
  /** The child's own run and WAL, when the child is an Agent run. */
  run_id?: string;
  wal_locator?: string;
  /** The question a `waiting_human` child waits on. */
  question?: string;
}

export interface CollabSpawnRequest {
  message: string;
  /** The child profile id (the spawn_agent tool derives it; the model's agent_type is ignored). */
  agentType: string;
  /** Runner-specific options passed through untouched (the runtime server's backend choice). */
  options?: Readonly<Record<string, unknown>>;
}

export interface CollabManager {
  spawn(request: CollabSpawnRequest): Promise<ChildSnapshot>;
  /**
   * Snapshots in the requested order once every child is terminal or the deadline passed (no
   * timeout: until all are terminal). `signal` stops the wait (a `cancelled` RuntimeError).
   */
  wait(ids: readonly string[], timeoutMs?: number | null, options?: { signal?: AbortSignal }): Promise<ChildSnapshot[]>;
  sendInput(id: string, message: string): Promise<void>;
  close(id: string): Promise<void>;
  resume(id: string): Promise<ChildSnapshot>;
  /** Cancel every live child (end of run, server shutdown). */
  closeAll(): Promise<void>;
  readonly kind: string;
}
