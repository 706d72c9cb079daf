/** The Config tab: the effective config of the session's runs, where each value came from, and the open run's config summary. */
import { useState } from "hono/jsx/dom";
import { api } from "./api.ts";
import { prettyJson } from "./format.ts";
import { useLoad } from "./hooks.ts";

export function ConfigPanel(props: { sessionId: string; runSummary: Record<string, unknown> | null }) {
  const { data: config, error } = useLoad(() => api.getConfig(props.sessionId), [props.sessionId]);
  const [filter, setFilter] = useState("");
  const [showRaw, setShowRaw] = useState(false);
  const sources = config ? Object.entries(config.sources).filter(([key, source]) => !filter || key.includes(filter) || source.includes(filter)) : [];
  return (
    <div class="stack" data-testid="config-panel">
      {error ? <div class="alert err">Cannot load the effective config: {error}</div> : null}
      {config ? (
        <>
          <div class="small">
            <div>
              <strong>LLM:</strong> {config.backend.kind}
              {config.backend.forced_fake ? " (forced by the server)" : ""} · model <span class="mono">{config.backend.model ?? "–"}</span>
              {config.backend.base_url ? (
                <>
                  {" "}
                  · <span class="mono">{config.backend.base_url}</span>
                </>
              ) : null}
            </div>
            <div>
              <strong>Overlays:</strong> {config.overlays.length ? config.overlays.map((o) => <div class="mono ellipsis" title={o}>{o}</div>) : "none"}
            </div>
            <div>
              <strong>.env:</strong> <span class="mono">{config.env_file ?? "none loaded"}</span>
            </div>
          </div>
          <input type="text" placeholder="Filter keys or sources" aria-label="Filter config keys" value={filter} onInput={(e: InputEvent) => setFilter((e.target as HTMLInputElement).value)} />
          <table class="kv-table">
            <thead>
              <tr>
                <th>key</th>
                <th>source</th>
              </tr>
            </thead>
            <tbody>
              {sources.slice(0, 400).map(([key, source]) => (
                <tr>
                  <td class="mono">{key}</td>
                  <td class={`mono small ${source === "embedded_default" ? "muted" : ""}`}>{source}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button class="small" onClick={() => setShowRaw(!showRaw)}>
            {showRaw ? "Hide" : "Show"} the effective config (JSON)
          </button>
          {showRaw ? <pre class="code-block">{prettyJson(config.config)}</pre> : null}
        </>
      ) : !error ? (
        <div class="skeleton" />
      ) : null}
      {props.runSummary ? (
        <>
          <div class="kv-title">This run's config summary (run_started)</div>
          <pre class="code-block">{prettyJson(props.runSummary)}</pre>
        </>
      ) : null}
    </div>
  );
}
