/** The Studio's URL: /sessions/<id>[/runs/<run_id> | /skills | /settings] (pure parse/format). */

export type View = "run" | "skills" | "settings";

export interface Route {
  sessionId: string | null;
  view: View;
  runId: string | null;
}

export function parseRoute(pathname: string): Route {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== "sessions" || !parts[1]) return { sessionId: null, view: "run", runId: null };
  const sessionId = parts[1];
  if (parts[2] === "runs" && parts[3]) return { sessionId, view: "run", runId: parts[3] };
  if (parts[2] === "skills") return { sessionId, view: "skills", runId: null };
  if (parts[2] === "settings") return { sessionId, view: "settings", runId: null };
  return { sessionId, view: "run", runId: null };
}

export function formatRoute(route: Route): string {
  if (!route.sessionId) return "/";
  const base = `/sessions/${encodeURIComponent(route.sessionId)}`;
  if (route.view === "skills") return `${base}/skills`;
  if (route.view === "settings") return `${base}/settings`;
  return route.runId ? `${base}/runs/${encodeURIComponent(route.runId)}` : base;
}
