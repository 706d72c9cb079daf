/**
 * The Settings view of a session: its LLM backend (server default, the offline fake backend or an
 * OpenAI-compatible endpoint, with a model and base URL), detection of local LLM servers on
 * 127.0.0.1, and the server's diagnostics (doctor).
 */
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { api, type LocalServer, type Settings } from "./api.ts";
import { DoctorPanel, useDoctor } from "./settings-doctor.tsx";
import {
  BACKEND_LABELS,
  baseUrlProblem,
  draftOf,
  forcedFake,
  localServersError,
  modelProblem,
  normalizeLocalServers,
  sameSettings,
  settingsOf,
  withLocalServer,
  type BackendChoice,
  type SettingsDraft,
} from "./settings-model.ts";

const EMPTY: SettingsDraft = { backend: "", model: "", baseUrl: "" };

type LocalState = { phase: "idle" | "loading" } | { phase: "done"; servers: LocalServer[] } | { phase: "error"; message: string };

export function SettingsView(props: { sessionId: string }) {
  const [saved, setSaved] = useState<Settings | null>(null);
  const [draft, setDraft] = useState<SettingsDraft>(EMPTY);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [feedback, setFeedback] = useState<{ ok: boolean; text: string } | null>(null);
  const [local, setLocal] = useState<LocalState>({ phase: "idle" });
  const [chosenModels, setChosenModels] = useState<Record<string, string>>({});
  const saveRef = useRef<HTMLButtonElement>(null);
  const doctor = useDoctor();

  useEffect(() => {
    let live = true;
    setSaved(null);
    setDraft(EMPTY);
    setLoadError(null);
    setFeedback(null);
    api.getSettings(props.sessionId).then(
      (settings) => {
        if (!live) return;
        setSaved(settings);
        setDraft(draftOf(settings));
      },
      (e: Error) => live && setLoadError(e.message),
    );
    return () => {
      live = false;
    };
  }, [props.sessionId]);

  const urlError = baseUrlProblem(draft.baseUrl);
  const modelError = modelProblem(draft.model);
  const next = settingsOf(draft);
  const dirty = saved !== null && !sameSettings(next, saved);
  const canSave = saved !== null && dirty && !saving && urlError === null && modelError === null;
  const llm = doctor.report?.llm ?? null;

  const update = (patch: Partial<SettingsDraft>) => {
    setDraft((d: SettingsDraft) => ({ ...d, ...patch }));
    setFeedback(null);
  };

  const save = async () => {
    if (!canSave) return;
    setSaving(true);
    setFeedback(null);
    try {
      const stored = await api.putSettings(props.sessionId, next);
      setSaved(stored);
      setDraft(draftOf(stored));
      setFeedback({ ok: true, text: "Saved. The next run of this session uses these settings." });
    } catch (e) {
      setFeedback({ ok: false, text: `Cannot save the settings: ${(e as Error).message}` });
    } finally {
      setSaving(false);
    }
  };

  const detect = async () => {
    setLocal({ phase: "loading" });
    try {
      setLocal({ phase: "done", servers: normalizeLocalServers(await api.localServers()) });
    } catch (e) {
      setLocal({ phase: "error", message: localServersError(e) });
    }
  };

  const use = (server: LocalServer) => {
    const model = chosenModels[server.base_url];
    setDraft((d: SettingsDraft) => withLocalServer(d, server, model));
    setFeedback({ ok: true, text: `Filled in ${server.name} at ${server.base_url}. Save to use it for this session.` });
    setTimeout(() => saveRef.current?.focus(), 0);
  };

  return (
    <section class="settings-view" data-testid="settings-view">
      <header class="view-head">
        <h2>Settings</h2>
      </header>

      <section class="card settings-llm" aria-label="LLM backend">
        <h3>LLM backend of this session</h3>
        {forcedFake(doctor.report) ? (
          <div class="alert warn" role="note" data-testid="settings-forced-fake">
            This server was started with the fake backend (<span class="mono">--backend fake</span>): every run uses the offline fake backend,
            whatever this session chooses.
          </div>
        ) : null}
        {loadError ? (
          <div class="alert err" role="alert" data-testid="settings-load-error">
            Cannot load the settings of this session: {loadError}
          </div>
        ) : null}
        {saved === null && !loadError ? (
          <div class="stack">
            <div class="skeleton" />
            <div class="skeleton" />
          </div>
        ) : null}
        {saved !== null ? (
          <form
            class="settings-form"
            noValidate
            onSubmit={(e: Event) => {
              e.preventDefault();
              void save();
            }}
          >
            <label class="field">
              <span class="label">Backend</span>
              <select data-testid="settings-backend" value={draft.backend} onChange={(e: Event) => update({ backend: (e.target as HTMLSelectElement).value as BackendChoice })}>
                {(Object.keys(BACKEND_LABELS) as BackendChoice[]).map((choice) => (
                  <option value={choice}>{BACKEND_LABELS[choice]}</option>
                ))}
              </select>
              <span class="field-hint">
                {draft.backend === "fake"
                  ? "Scripted offline replies: no network, no API key. Model and base URL are ignored."
                  : draft.backend === "openai"
                    ? "The OpenAI-compatible endpoint at the base URL below (or the configured llm.base_url)."
                    : "The server decides: the configured endpoint when its API key is set, else a local server on 127.0.0.1."}
              </span>
            </label>
            <label class="field">
              <span class="label">Model</span>
              <input
                type="text"
                class={modelError ? "invalid mono" : "mono"}
                data-testid="settings-model"
                autocomplete="off"
                placeholder={llm?.executor_model ? `Default: ${llm.executor_model}` : "Default: models.executor"}
                value={draft.model}
                onInput={(e: InputEvent) => update({ model: (e.target as HTMLInputElement).value })}
              />
              {modelError ? <span class="field-error">{modelError}</span> : <span class="field-hint">Blank: the configured executor model.</span>}
            </label>
            <label class="field">
              <span class="label">Base URL</span>
              <input
                type="url"
                class={urlError ? "invalid mono" : "mono"}
                data-testid="settings-base-url"
                autocomplete="off"
                aria-invalid={urlError ? "true" : "false"}
                placeholder={llm?.base_url ? `Default: ${llm.base_url}` : "Default: llm.base_url"}
                value={draft.baseUrl}
                onInput={(e: InputEvent) => update({ baseUrl: (e.target as HTMLInputElement).value })}
              />
              {urlError ? (
                <span class="field-error" data-testid="settings-base-url-error">
                  {urlError}
                </span>
              ) : (
                <span class="field-hint">Blank: the configured llm.base_url. The API key stays on the server (its api_key_env).</span>
              )}
            </label>
            <div class="row wrap settings-actions">
              <button type="submit" class="primary" ref={saveRef} data-testid="settings-save" disabled={!canSave}>
                {saving ? "Saving…" : "Save"}
              </button>
              {dirty ? (
                <button type="button" disabled={saving} onClick={() => {
                    setDraft(draftOf(saved));
                    setFeedback(null);
                  }}>
                  Reset
                </button>
              ) : null}
              {feedback ? (
                <span class={`settings-feedback ${feedback.ok ? "ok" : "err"}`} role={feedback.ok ? "status" : "alert"} data-testid="settings-feedback">
                  {feedback.text}
                </span>
              ) : dirty ? (
                <span class="small muted">Unsaved changes</span>
              ) : null}
            </div>
          </form>
        ) : null}
      </section>

      <section class="card settings-local" aria-label="Local LLM servers" data-testid="local-servers">
        <div class="row wrap">
          <h3 class="grow">Local LLM servers</h3>
          <button type="button" class="small" data-testid="settings-detect-local" disabled={local.phase === "loading"} onClick={() => void detect()}>
            {local.phase === "loading" ? "Detecting…" : "Detect local servers"}
          </button>
        </div>
        <p class="small muted">Looks for OpenAI-compatible servers (Ollama, vLLM, LM Studio, llama.cpp) on 127.0.0.1 only.</p>
        {local.phase === "error" ? (
          <div class="alert err" role="alert" data-testid="local-servers-error">
            {local.message}
          </div>
        ) : null}
        {local.phase === "done" && local.servers.length === 0 ? (
          <p class="small" data-testid="local-servers-none">
            No local server answered. Start one (for example <span class="mono">ollama serve</span>) and detect again.
          </p>
        ) : null}
        {local.phase === "done" && local.servers.length > 0 ? (
          <ul class="local-servers">
            {local.servers.map((server) => (
              <li class="local-server" data-testid="local-server">
                <div class="grow local-server-text">
                  <strong>{server.name}</strong> <span class="mono small">{server.base_url}</span>
                  <div class="small muted">{server.models.length ? `${server.models.length} model(s)` : "no model listed"}</div>
                </div>
                {server.models.length > 1 ? (
                  <select
                    class="local-model"
                    aria-label={`Model of ${server.name}`}
                    value={chosenModels[server.base_url] ?? server.models[0]}
                    onChange={(e: Event) => setChosenModels((m: Record<string, string>) => ({ ...m, [server.base_url]: (e.target as HTMLSelectElement).value }))}
                  >
                    {server.models.map((model) => (
                      <option value={model}>{model}</option>
                    ))}
                  </select>
                ) : server.models[0] ? (
                  <span class="mono small">{server.models[0]}</span>
                ) : null}
                <button type="button" class="small" data-testid="local-server-use" aria-label={`Use ${server.name} at ${server.base_url}`} onClick={() => use(server)}>
                  Use
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <DoctorPanel doctor={doctor} />
    </section>
  );
}
