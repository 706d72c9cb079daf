/** Pure helpers of the Settings view: the backend form, local LLM servers and the doctor report. */
import type { DoctorCheck, DoctorReport as CoreDoctorReport } from "../../core/doctor.ts";
import { ApiError, type LocalServer, type Settings } from "./api.ts";

export type BackendChoice = "" | "fake" | "openai";

export interface SettingsDraft {
  backend: BackendChoice;
  model: string;
  baseUrl: string;
}

export const BACKEND_LABELS: Record<BackendChoice, string> = {
  "": "Server default",
  fake: "Fake (offline)",
  openai: "OpenAI-compatible endpoint",
};

export function draftOf(settings: Settings): SettingsDraft {
  return { backend: settings.backend ?? "", model: settings.model ?? "", baseUrl: settings.base_url ?? "" };
}

/** The settings a draft saves: blank fields mean "the server's default" (null). */
export function settingsOf(draft: SettingsDraft): Settings {
  return { backend: draft.backend === "" ? null : draft.backend, model: draft.model.trim() || null, base_url: draft.baseUrl.trim() || null };
}

export function sameSettings(a: Settings, b: Settings): boolean {
  return a.backend === b.backend && a.model === b.model && a.base_url === b.base_url;
}

/** Why `value` cannot be a base URL (http or https only); null when blank or valid. */
export function baseUrlProblem(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed === "") return null;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return `Start the URL with http:// or https:// (for example http://${trimmed.replace(/^\/+/, "")}).`;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return `"${trimmed}" is not a URL; write it like http://127.0.0.1:11434/v1.`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `Only http:// and https:// URLs work here, not ${url.protocol}//.`;
  if (url.hostname === "") return "The URL needs a host.";
  return null;
}

export function modelProblem(value: string): string | null {
  return value.trim().length > 200 ? "The model name is longer than 200 characters." : null;
}

/** The local servers of an answer, accepting `base_url` or `baseUrl` (the probe's own field name). */
export function normalizeLocalServers(answer: unknown): LocalServer[] {
  const list = (answer as { servers?: unknown } | null)?.servers;
  if (!Array.isArray(list)) return [];
  const out: LocalServer[] = [];
  for (const item of list) {
    if (!item || typeof item !== "object") continue;
    const raw = item as { name?: unknown; base_url?: unknown; baseUrl?: unknown; port?: unknown; models?: unknown };
    const baseUrl = typeof raw.base_url === "string" ? raw.base_url : typeof raw.baseUrl === "string" ? raw.baseUrl : null;
    if (baseUrl === null) continue;
    const models = Array.isArray(raw.models) ? raw.models.filter((m): m is string => typeof m === "string") : [];
    out.push({ name: typeof raw.name === "string" && raw.name ? raw.name : baseUrl, base_url: baseUrl, models });
  }
  return out;
}

/** The draft after choosing a local server: the OpenAI-compatible backend at its URL with `model` (default: its first). */
export function withLocalServer(draft: SettingsDraft, server: LocalServer, model?: string): SettingsDraft {
  return { backend: "openai", baseUrl: server.base_url, model: model ?? server.models[0] ?? draft.model };
}

/** A readable message when detecting local servers fails. */
export function localServersError(error: unknown): string {
  if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
    return "This server cannot detect local LLM servers (GET /api/v1/llm/local is not available). Enter the base URL by hand.";
  }
  return `Cannot detect local LLM servers: ${(error as Error)?.message ?? String(error)}`;
}

/** The doctor report as the server sends it: the core report plus the server's own state. */
export type DoctorView = Partial<CoreDoctorReport> & {
  server?: { active_runs?: number; fake_backend?: boolean };
  [key: string]: unknown;
};

export function forcedFake(report: DoctorView | null): boolean {
  return report?.server?.fake_backend === true;
}

export function statusClass(status: DoctorCheck["status"] | string | undefined): "ok" | "warn" | "err" | "" {
  return status === "ok" ? "ok" : status === "warn" ? "warn" : status === "error" ? "err" : "";
}

/** "reachable" / "unreachable" / "not contacted" for `llm.reachable`. */
export function reachability(reachable: boolean | null | undefined): { label: string; cls: "ok" | "err" | "" } {
  if (reachable === true) return { label: "reachable", cls: "ok" };
  if (reachable === false) return { label: "unreachable", cls: "err" };
  return { label: "not contacted", cls: "" };
}

/** Fields of the report the panel shows in its own sections; the rest go under "More". */
export const SHOWN_REPORT_KEYS = new Set([
  "ok",
  "version",
  "platform",
  "workspace_root",
  "state_dir",
  "state_dir_exists",
  "overlay_paths",
  "env_file",
  "dotenv_keys",
  "config",
  "sources",
  "sandbox",
  "llm",
  "checks",
  "config_error",
  "server",
]);

export function extraSections(report: DoctorView): [string, unknown][] {
  return Object.entries(report).filter(([key]) => !SHOWN_REPORT_KEYS.has(key));
}
