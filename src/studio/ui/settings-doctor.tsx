/**
 * The doctor panel: the server's `GET /api/v1/doctor` report (checks with their fix hints, sandbox,
 * LLM endpoint, config files). It loads offline first (no LLM request); "Check LLM" contacts the
 * endpoint.
 */
import { useEffect, useRef, useState } from "hono/jsx/dom";
import type { Child } from "hono/jsx/dom";
import { api } from "./api.ts";
import { prettyJson } from "./format.ts";
import { extraSections, reachability, statusClass, type DoctorView } from "./settings-model.ts";

export interface DoctorState {
  report: DoctorView | null;
  /** Which kind of request is under way, if any. */
  loading: "offline" | "online" | null;
  error: string | null;
  run: (offline: boolean) => Promise<void>;
}

export function useDoctor(): DoctorState {
  const [report, setReport] = useState<DoctorView | null>(null);
  const [loading, setLoading] = useState<"offline" | "online" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);
  const run = async (offline: boolean) => {
    const mine = ++latest.current;
    setLoading(offline ? "offline" : "online");
    try {
      const next = (await api.doctor(offline)) as DoctorView;
      if (mine !== latest.current) return;
      setReport(next);
      setError(null);
    } catch (e) {
      if (mine === latest.current) setError((e as Error).message);
    } finally {
      if (mine === latest.current) setLoading(null);
    }
  };
  useEffect(() => {
    void run(true);
  }, []);
  return { report, loading, error, run };
}

function Field(props: { label: string; children?: Child }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

function Fix(props: { text: string | null | undefined }) {
  return props.text ? (
    <div class="doctor-fix">
      <strong>Fix:</strong> {props.text}
    </div>
  ) : null;
}

const yesNo = (value: boolean | undefined, yes: string, no: string, cls: "ok" | "err" | "warn" = "err") =>
  value === undefined ? <span class="muted">–</span> : <span class={`badge ${value ? "ok" : cls}`}>{value ? yes : no}</span>;

export function DoctorPanel(props: { doctor: DoctorState }) {
  const { report, loading, error, run } = props.doctor;
  const sandbox = report?.sandbox ?? null;
  const llm = report?.llm ?? null;
  const reach = reachability(llm?.reachable);
  return (
    <section class="card doctor" data-testid="doctor-panel" aria-busy={loading ? "true" : "false"} aria-label="Diagnostics">
      <header class="doctor-head">
        <h3>Diagnostics</h3>
        {report ? (
          <span class={`badge ${report.ok ? "ok" : "err"}`} data-testid="doctor-status">
            {report.ok ? "all checks pass" : "problems found"}
          </span>
        ) : null}
        {report?.version ? (
          <span class="small muted">
            v{report.version} · {report.platform}
          </span>
        ) : null}
        <span class="spacer" />
        <button type="button" class="small" data-testid="doctor-refresh" disabled={loading !== null} onClick={() => void run(true)} aria-label="Refresh diagnostics">
          {loading === "offline" ? "Checking…" : "Refresh"}
        </button>
        <button type="button" class="small" data-testid="doctor-check-llm" disabled={loading !== null} onClick={() => void run(false)} title="Contact the configured LLM endpoint (GET /models)">
          {loading === "online" ? "Contacting the LLM…" : "Check LLM"}
        </button>
      </header>
      <p class="small muted">For the whole server (its config and machine), not only this session.</p>
      {error ? (
        <div class="alert err" role="alert" data-testid="doctor-error">
          Cannot run the diagnostics: {error}
        </div>
      ) : null}
      {report === null ? (
        error ? null : (
          <div class="stack">
            <div class="skeleton" />
            <div class="skeleton" />
            <div class="skeleton" />
          </div>
        )
      ) : (
        <div class="stack">
          {report.config_error ? (
            <div class="alert err" role="alert">
              The config does not load{report.config_error.code ? ` (${report.config_error.code})` : ""}: {report.config_error.message}
            </div>
          ) : null}
          <ul class="doctor-checks" data-testid="doctor-checks">
            {(report.checks ?? []).map((check) => (
              <li class={`doctor-check ${statusClass(check.status)}`} data-check={check.name}>
                <span class={`badge ${statusClass(check.status)}`}>{check.status}</span>
                <div class="grow">
                  <strong>{check.name}</strong> <span class="doctor-message">{check.message}</span>
                  <Fix text={check.fix} />
                </div>
              </li>
            ))}
          </ul>

          <div class="doctor-sections">
            <section class="doctor-section" data-testid="doctor-sandbox">
              <h4>Sandbox</h4>
              {sandbox ? (
                <>
                  <dl class="doctor-kv">
                    <Field label="adapter">
                      <span class="mono">{sandbox.adapter ?? "none (mode or platform has no adapter)"}</span> {yesNo(sandbox.available, "available", "unavailable", sandbox.default_policy === "restricted" ? "err" : "warn")}
                    </Field>
                    {sandbox.binary ? (
                      <Field label="binary">
                        <span class="mono">
                          {sandbox.binary}
                          {sandbox.version ? ` ${sandbox.version}` : ""}
                        </span>
                      </Field>
                    ) : null}
                    <Field label="mode / profile">
                      <span class="mono">
                        {sandbox.mode} / {sandbox.profile}
                      </span>
                    </Field>
                    <Field label="default policy">
                      <span class="mono">{sandbox.default_policy}</span>
                      {sandbox.unshare_net ? <span class="small muted"> · network unshared</span> : null}
                    </Field>
                    <Field label="restricted calls">{sandbox.restricted}</Field>
                    {sandbox.reason ? <Field label="reason">{sandbox.reason}</Field> : null}
                  </dl>
                  <Fix text={sandbox.fix} />
                </>
              ) : (
                <p class="small muted">No sandbox probe (the config did not load).</p>
              )}
            </section>

            <section class="doctor-section" data-testid="doctor-llm">
              <h4>LLM endpoint</h4>
              {llm ? (
                <dl class="doctor-kv">
                  <Field label="base URL">
                    <span class="mono">{llm.base_url}</span>
                  </Field>
                  <Field label="executor model">
                    <span class="mono">{llm.executor_model}</span>
                  </Field>
                  <Field label="API key">
                    <span class="mono">{llm.api_key_env}</span> {yesNo(llm.api_key_present, "set", "not set", "warn")}
                  </Field>
                  <Field label="status">
                    <span class={`badge ${reach.cls}`}>{reach.label}</span> <span class="small">{llm.detail}</span>
                  </Field>
                </dl>
              ) : (
                <p class="small muted">No LLM status (the config did not load).</p>
              )}
              {report.server ? (
                <p class="small muted">
                  Server: {report.server.active_runs ?? 0} active run(s){report.server.fake_backend ? " · forced fake backend" : ""}
                </p>
              ) : null}
            </section>

            <section class="doctor-section" data-testid="doctor-config">
              <h4>Configuration</h4>
              <dl class="doctor-kv">
                <Field label="workspace">
                  <span class="mono">{report.workspace_root}</span>
                </Field>
                <Field label="state dir">
                  <span class="mono">{report.state_dir || "–"}</span> {report.state_dir ? yesNo(report.state_dir_exists, "exists", "not created yet", "warn") : null}
                </Field>
                <Field label="config overlays">
                  {report.overlay_paths?.length ? report.overlay_paths.map((path) => <div class="mono">{path}</div>) : <span class="muted">none (embedded defaults)</span>}
                </Field>
                <Field label=".env file">
                  {report.env_file ? <span class="mono">{report.env_file}</span> : <span class="muted">none loaded</span>}
                  {report.dotenv_keys?.length ? <div class="small muted">keys: {report.dotenv_keys.join(", ")}</div> : null}
                </Field>
              </dl>
            </section>
          </div>

          {report.config ? (
            <details class="doctor-more">
              <summary>Effective config (JSON, secrets redacted)</summary>
              <pre class="code-block">{prettyJson(report.config)}</pre>
            </details>
          ) : null}
          {report.sources && Object.keys(report.sources).length ? (
            <details class="doctor-more">
              <summary>Where each config value comes from</summary>
              <pre class="code-block">{prettyJson(report.sources)}</pre>
            </details>
          ) : null}
          {extraSections(report).map(([key, value]) => (
            <details class="doctor-more">
              <summary>{key}</summary>
              <pre class="code-block">{prettyJson(value)}</pre>
            </details>
          ))}
        </div>
      )}
    </section>
  );
}
