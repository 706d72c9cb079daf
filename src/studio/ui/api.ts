/**
 * The Studio's thin API client: one typed function per endpoint of `serve`. Types come from the
 * server's zod schemas (`import type` only, so nothing of the server lands in the bundle).
 * Errors: every non-2xx answer becomes an `ApiError` whose message is readable as is
 * (the server's `detail.message`, or the first 422 field problem).
 */
import type { z } from "zod";
import type { PendingApproval } from "../../server/approvals-hub.ts";
import type { SessionSettings } from "../../server/context.ts";
import type { RunDetail, RunListItem, WaitingHuman } from "../../server/run-views.ts";
import type { CreatedRun, ForkedRun, ResumedRun, CancelledRun } from "../../server/routes/runs.ts";
import type { SessionDetail, SessionItem, CreatedSession } from "../../server/routes/sessions.ts";
import type { CreatedSkill, ReplacedSkill, SessionSkills, SkillDocument, SkillValidation } from "../../server/routes/skills.ts";
import type { HumanAnswerResult } from "../../server/routes/human.ts";
import type { LocalLlmServers } from "../../server/routes/llm.ts";
import type { SessionConfigView } from "../../server/session-config.ts";

export type Session = z.infer<typeof SessionItem>;
export type SessionInfo = z.infer<typeof SessionDetail>;
export type Settings = SessionSettings;
export type RunSummary = RunListItem;
export type Run = RunDetail;
export type Approval = PendingApproval;
export type HumanQuestion = WaitingHuman;
export type Skills = z.infer<typeof SessionSkills>;
export type SkillDoc = z.infer<typeof SkillDocument>;
export type Validation = z.infer<typeof SkillValidation>;
export type Decision = "approved" | "approved_for_session" | "denied" | "abort";

/** One WAL event as the server sends it (`seq` is the SSE id). */
export interface RunEvent {
  type: string;
  timestamp: string;
  run_id: string;
  seq: number;
  turn_id?: string;
  step_id?: string;
  payload: Record<string, unknown>;
}

export interface EventsPage {
  run_id: string;
  events: RunEvent[];
  next_after: number;
  terminal: boolean;
}

export interface DoctorReport {
  [key: string]: unknown;
}

export type EffectiveConfig = z.infer<typeof SessionConfigView>;
export type LocalServer = z.infer<typeof LocalLlmServers>["servers"][number];

export class ApiError extends Error {
  readonly status: number;
  readonly kind: string;
  readonly details: unknown;
  constructor(status: number, kind: string, message: string, details: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.kind = kind;
    this.details = details;
  }
}

/** A readable message for any server error body. */
export function errorMessage(status: number, body: unknown, fallback: string): { kind: string; message: string; details: unknown } {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (Array.isArray(detail)) {
    const first = detail[0] as { loc?: unknown[]; msg?: string } | undefined;
    const field = (first?.loc ?? []).filter((part) => part !== "body").join(".");
    return { kind: "validation_error", message: `${field ? `${field}: ` : ""}${first?.msg ?? "invalid request"}`, details: detail };
  }
  if (detail && typeof detail === "object") {
    const d = detail as { kind?: string; message?: string; details?: unknown };
    return { kind: d.kind ?? `http_${status}`, message: d.message ?? fallback, details: d.details ?? null };
  }
  if (typeof detail === "string") return { kind: `http_${status}`, message: detail, details: null };
  return { kind: `http_${status}`, message: fallback, details: null };
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiError(0, "network_error", `Cannot reach the Studio server (${method} ${path}): ${(error as Error).message}. Is \`skills-runtime serve\` still running?`, null);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const { kind, message, details } = errorMessage(response.status, parsed, text.slice(0, 300) || `${method} ${path} failed with HTTP ${response.status}`);
    throw new ApiError(response.status, kind, message, details);
  }
  return parsed as T;
}

const enc = encodeURIComponent;

export const api = {
  health: () => request<{ ok: true; env_loaded: boolean }>("GET", "/api/v1/health"),
  doctor: (offline = false) => request<DoctorReport>("GET", `/api/v1/doctor${offline ? "?offline=1" : ""}`),
  localServers: () => request<{ servers: LocalServer[] }>("GET", "/api/v1/llm/local"),

  listSessions: async () => (await request<{ sessions: Session[] }>("GET", "/api/v1/sessions")).sessions,
  createSession: (title?: string) => request<z.infer<typeof CreatedSession>>("POST", "/api/v1/sessions", title ? { title } : {}),
  getSession: (id: string) => request<SessionInfo>("GET", `/api/v1/sessions/${enc(id)}`),
  renameSession: (id: string, title: string | null) => request<Session>("PATCH", `/api/v1/sessions/${enc(id)}`, { title }),
  deleteSession: (id: string) => request<void>("DELETE", `/api/v1/sessions/${enc(id)}`),
  getSettings: (id: string) => request<Settings>("GET", `/api/v1/sessions/${enc(id)}/settings`),
  putSettings: (id: string, settings: Settings) => request<Settings>("PUT", `/api/v1/sessions/${enc(id)}/settings`, settings),
  getConfig: (id: string) => request<EffectiveConfig>("GET", `/api/v1/sessions/${enc(id)}/config`),

  getSkills: (id: string) => request<Skills>("GET", `/api/v1/sessions/${enc(id)}/skills`),
  setSources: (id: string, sources: string[]) =>
    request<{ ok: true; filesystem_sources: string[] }>("PUT", `/api/v1/sessions/${enc(id)}/skills/sources`, { filesystem_sources: sources }),
  setSkillEnabled: (id: string, path: string, enabled: boolean) =>
    request<{ ok: true; disabled_paths: string[] }>("PUT", `/api/v1/sessions/${enc(id)}/skills/enabled`, { path, enabled }),
  createSkill: (id: string, body: { name: string; description: string; body_markdown?: string; title?: string | null; target_source?: string | null }) =>
    request<z.infer<typeof CreatedSkill>>("POST", `/studio/api/v1/sessions/${enc(id)}/skills`, body),
  getSkill: (id: string, name: string) => request<SkillDoc>("GET", `/studio/api/v1/sessions/${enc(id)}/skills/${enc(name)}`),
  saveSkill: (id: string, name: string, skillMd: string) =>
    request<z.infer<typeof ReplacedSkill>>("PUT", `/studio/api/v1/sessions/${enc(id)}/skills/${enc(name)}`, { skill_md: skillMd }),
  validateSkill: (skillMd: string) => request<Validation>("POST", "/studio/api/v1/skills/validate", { skill_md: skillMd }),

  createRun: (sessionId: string, message: string) => request<z.infer<typeof CreatedRun>>("POST", `/api/v1/sessions/${enc(sessionId)}/runs`, { message }),
  listRuns: async (sessionId: string) => (await request<{ runs: RunSummary[] }>("GET", `/api/v1/sessions/${enc(sessionId)}/runs`)).runs,
  getRun: (runId: string) => request<Run>("GET", `/api/v1/runs/${enc(runId)}`),
  cancelRun: (runId: string) => request<z.infer<typeof CancelledRun>>("POST", `/api/v1/runs/${enc(runId)}/cancel`),
  forkRun: (runId: string, options: { from_seq?: number; message?: string } = {}) => request<z.infer<typeof ForkedRun>>("POST", `/api/v1/runs/${enc(runId)}/fork`, options),
  resumeRun: (runId: string, message?: string) => request<z.infer<typeof ResumedRun>>("POST", `/api/v1/runs/${enc(runId)}/resume`, message ? { message } : {}),
  eventsPage: (runId: string, after = -1, limit = 500) => request<EventsPage>("GET", `/api/v1/runs/${enc(runId)}/events?after=${after}&limit=${limit}`),

  pendingApprovals: async (runId: string) => (await request<{ run_id: string; approvals: Approval[] }>("GET", `/api/v1/runs/${enc(runId)}/approvals/pending`)).approvals,
  decide: (runId: string, key: string, decision: Decision) => request<{ ok: true }>("POST", `/api/v1/runs/${enc(runId)}/approvals/${enc(key)}`, { decision }),
  pendingQuestions: async (runId: string) => (await request<{ run_id: string; questions: HumanQuestion[] }>("GET", `/api/v1/runs/${enc(runId)}/human/pending`)).questions,
  answer: (runId: string, callId: string, answer: string) =>
    request<z.infer<typeof HumanAnswerResult>>("POST", `/api/v1/runs/${enc(runId)}/human`, { call_id: callId, answer }),
};
