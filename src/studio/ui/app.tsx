/**
 * The Studio shell: the sessions sidebar, the active session's header and views (Run, Skills,
 * Settings), a connection indicator, and URL routing so reloads and the back button work.
 */
import { useEffect, useState } from "hono/jsx/dom";
import { api, type Session, type Skills } from "./api.ts";
import type { CatalogSkill } from "./mentions.ts";
import { Icon } from "./icons.tsx";
import { formatRoute, parseRoute, type Route, type View } from "./route.ts";
import { RunView } from "./run-view.tsx";
import { SettingsView } from "./settings-view.tsx";
import { Sidebar, sessionTitle } from "./sidebar.tsx";
import { SkillsView } from "./skills-view.tsx";

const LAST_SESSION_KEY = "skills_runtime_studio.last_session";

function catalogOf(skills: Skills | null): CatalogSkill[] {
  if (!skills) return [];
  return skills.skills.map((s) => ({
    namespace: s.namespace,
    name: s.name,
    description: s.description,
    enabled: s.enabled,
  }));
}

export function App() {
  const [route, setRouteState] = useState<Route>(() => parseRoute(location.pathname));
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [online, setOnline] = useState(true);
  const [skills, setSkills] = useState<Skills | null>(null);
  const [skillsVersion, setSkillsVersion] = useState(0);
  const [menuOpen, setMenuOpen] = useState(false);

  const navigate = (next: Route, replace = false) => {
    const url = formatRoute(next);
    if (url !== location.pathname) (replace ? history.replaceState : history.pushState).call(history, null, "", url);
    setRouteState(next);
    if (next.sessionId) localStorage.setItem(LAST_SESSION_KEY, next.sessionId);
  };

  const refreshSessions = async (): Promise<Session[]> => {
    const list = await api.listSessions();
    setSessions(list);
    return list;
  };

  // First load: pick the session in the URL, else the last one used, else the newest; create one when there is none.
  useEffect(() => {
    const onPop = () => setRouteState(parseRoute(location.pathname));
    addEventListener("popstate", onPop);
    void (async () => {
      try {
        let list = await refreshSessions();
        if (list.length === 0) {
          await api.createSession();
          list = await refreshSessions();
        }
        const wanted = [route.sessionId, localStorage.getItem(LAST_SESSION_KEY)].find((id) => id && list.some((s) => s.session_id === id));
        const chosen = wanted ?? list[0]?.session_id ?? null;
        if (chosen !== route.sessionId) navigate({ sessionId: chosen, view: "run", runId: null }, true);
      } catch (e) {
        setError((e as Error).message);
        setSessions([]);
      }
    })();
    return () => removeEventListener("popstate", onPop);
  }, []);

  // Connection indicator.
  useEffect(() => {
    const timer = setInterval(() => {
      api.health().then(() => setOnline(true), () => setOnline(false));
    }, 10_000);
    return () => clearInterval(timer);
  }, []);

  // The active session's skills (for mention suggestions).
  useEffect(() => {
    if (!route.sessionId) return;
    let live = true;
    const id = route.sessionId;
    api.getSkills(id).then((s) => live && setSkills(s), () => live && setSkills(null));
    return () => {
      live = false;
    };
  }, [route.sessionId, skillsVersion]);

  const active = sessions?.find((s) => s.session_id === route.sessionId) ?? null;

  const createSession = async () => {
    try {
      const created = await api.createSession();
      await refreshSessions();
      navigate({ sessionId: created.session_id, view: "run", runId: null });
      setMenuOpen(false);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const deleteSession = async (id: string) => {
    await api.deleteSession(id);
    let list = await refreshSessions();
    if (id === route.sessionId) {
      if (list.length === 0) {
        await api.createSession();
        list = await refreshSessions();
      }
      navigate({ sessionId: list[0]?.session_id ?? null, view: "run", runId: null }, true);
    }
  };

  const setView = (view: View) => navigate({ sessionId: route.sessionId, view, runId: null });

  return (
    <div class={`shell${menuOpen ? " menu-open" : ""}`}>
      <header class="topbar">
        <button class="icon menu-toggle" aria-label="Sessions" aria-expanded={String(menuOpen)} onClick={() => setMenuOpen(!menuOpen)}>
          <Icon name="menu" />
        </button>
        <strong class="brand">skills-runtime Studio</strong>
        {active ? (
          <span class="muted ellipsis" data-testid="active-session-title">
            {sessionTitle(active)}
          </span>
        ) : null}
        <span class="spacer" />
        <nav class="tabs view-tabs" role="tablist" aria-label="Views">
          {(["run", "skills", "settings"] as const).map((view) => (
            <button role="tab" aria-selected={String(route.view === view)} data-testid={`view-${view}`} onClick={() => setView(view)}>
              {view === "run" ? "Run" : view === "skills" ? "Skills" : "Settings"}
            </button>
          ))}
        </nav>
        <span class={`badge ${online ? "ok" : "err"}`} title={online ? "Connected to the Studio server" : "The Studio server does not answer"} data-testid="connection">
          {online ? "connected" : "offline"}
        </span>
      </header>
      <div class="body-row">
        <Sidebar
          sessions={sessions}
          activeId={route.sessionId}
          onSelect={(id) => {
            navigate({ sessionId: id, view: "run", runId: null });
            setMenuOpen(false);
          }}
          onCreate={() => void createSession()}
          onRename={async (id, title) => {
            await api.renameSession(id, title);
            await refreshSessions();
          }}
          onDelete={deleteSession}
        />
        <main class="content">
          {error ? (
            <div class="alert err" role="alert">
              {error}{" "}
              <button class="small" onClick={() => setError(null)}>
                Dismiss
              </button>
            </div>
          ) : null}
          {!online ? <div class="alert warn">The Studio server does not answer. Runs keep going on the server; the page reconnects when it is back.</div> : null}
          {route.sessionId === null ? (
            <div class="empty">{sessions === null ? "Loading sessions…" : "Create a session to start."}</div>
          ) : route.view === "skills" ? (
            <SkillsView sessionId={route.sessionId} onSkillsChanged={() => setSkillsVersion((v) => v + 1)} />
          ) : route.view === "settings" ? (
            <SettingsView sessionId={route.sessionId} />
          ) : (
            <RunView
              sessionId={route.sessionId}
              runId={route.runId}
              skills={catalogOf(skills)}
              onOpenRun={(runId) => navigate({ sessionId: route.sessionId, view: "run", runId })}
              onRunsChanged={() => void refreshSessions().catch(() => undefined)}
            />
          )}
        </main>
      </div>
    </div>
  );
}
