/** The session's filesystem source folders: one per line (commas also work); Save replaces them. */
import { useEffect, useState } from "hono/jsx/dom";
import { api } from "./api.ts";
import { formatSources, NO_SPELLCHECK, parseSources, sameList } from "./skills-model.ts";

export function SourcesEditor(props: { sessionId: string; sources: readonly string[]; onSaved: () => void }) {
  // null: not edited, show the server's list.
  const [draft, setDraft] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setDraft(null);
    setError(null);
  }, [props.sessionId]);

  const text = draft ?? formatSources(props.sources);
  const parsed = parseSources(text);
  const dirty = draft !== null && !sameList(parsed, props.sources);

  const save = async () => {
    if (!dirty || saving) return;
    setSaving(true);
    setError(null);
    try {
      await api.setSources(props.sessionId, parsed);
      setDraft(null);
      props.onSaved();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <section class="card skill-sources" data-testid="skill-sources" aria-label="Source folders">
      <label class="field">
        <span class="label">Source folders</span>
        <textarea
          class={`code${error ? " invalid" : ""}`}
          rows={Math.min(6, Math.max(2, parsed.length + 1))}
          data-testid="skill-sources-input"
          placeholder="skills"
          {...NO_SPELLCHECK}
          value={text}
          onInput={(e: InputEvent) => {
            setDraft((e.target as HTMLTextAreaElement).value);
            setError(null);
          }}
          onKeyDown={(e: KeyboardEvent) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void save();
            }
          }}
        />
        <span class="field-hint">
          One folder per line (commas also work). Relative paths start at the workspace root; every folder must stay inside the workspace. Each
          skill is a sub-folder with a SKILL.md.
        </span>
      </label>
      {error ? (
        <div class="field-error" role="alert" data-testid="skill-sources-error">
          Cannot save the source folders: {error}
        </div>
      ) : null}
      <div class="row wrap">
        <button type="button" class="primary small" data-testid="skill-sources-save" disabled={!dirty || saving} onClick={() => void save()} title="Save (Ctrl+Enter)">
          {saving ? "Saving…" : "Save sources"}
        </button>
        {draft !== null ? (
          <button
            type="button"
            class="small"
            disabled={saving}
            onClick={() => {
              setDraft(null);
              setError(null);
            }}
          >
            Reset
          </button>
        ) : null}
        <span class="small muted">
          {parsed.length === 0 ? "No source folder: this session has no filesystem skills." : `${parsed.length} folder${parsed.length === 1 ? "" : "s"}`}
          {dirty ? " · unsaved" : ""}
        </span>
      </div>
    </section>
  );
}
