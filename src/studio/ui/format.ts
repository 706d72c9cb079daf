/** Small display helpers shared by the views (pure). */

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const today = new Date();
  const sameDay = date.toDateString() === today.toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

export function formatTokens(n: number | null | undefined): string {
  if (n === null || n === undefined) return "–";
  return n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

export function prettyJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The last 4 characters of an id, upper-cased (the reference's "frame badge"). */
export function shortId(id: string): string {
  return id.slice(-4).toUpperCase();
}

/** A plain-language line for an approval request (the reference's `summary` stays visible beside it). */
export function describeApproval(tool: string, request: Record<string, unknown>): string | null {
  const s = (key: string) => (typeof request[key] === "string" ? (request[key] as string) : null);
  const argv = Array.isArray(request.argv) ? request.argv.map(String) : null;
  switch (tool) {
    case "file_write":
      return `Write ${typeof request.bytes === "number" ? `${request.bytes} bytes` : "a file"} to ${s("path") ?? "?"}`;
    case "apply_patch":
      return `Apply a patch${s("path") ? ` to ${s("path")}` : ""}`;
    case "shell_exec":
      return argv ? `Run ${argv.join(" ")}${s("cwd") ? ` in ${s("cwd")}` : ""}` : null;
    case "shell":
    case "shell_command":
      return s("command") ? `Run ${s("command")}` : argv ? `Run ${argv.join(" ")}` : null;
    case "exec_command":
      return s("cmd") ? `Start ${s("cmd")}` : null;
    case "skill_exec":
      return `Run action ${s("action_id") ?? "?"} of ${s("skill_mention") ?? "a skill"}`;
    default:
      return null;
  }
}
