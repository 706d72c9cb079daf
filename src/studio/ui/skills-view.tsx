/**
 * The Skills view of a session: scan issues, the session's source folders, the skills (search,
 * enable/disable, edit) and "New skill". Spec 13.2 "Skills tab" and "Create tab", in one view.
 */
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { api, type Skills } from "./api.ts";
import { CreateSkillDialog, type CreatedSkillInfo } from "./skills-create.tsx";
import { SkillEditorDialog } from "./skills-editor.tsx";
import { IssueList } from "./skills-issues.tsx";
import { countIssues, countLabel, envLabel, filterSkills, issueSummary, mentionOf, relativeTo, sourceOfPath, type SkillItem } from "./skills-model.ts";
import { SourcesEditor } from "./skills-sources.tsx";

export interface SkillsViewProps {
  sessionId: string;
  /** Called after anything that changes the session's skills (sources, enabled flags, a new or edited skill). */
  onSkillsChanged?: () => void;
}

export function SkillsView(props: SkillsViewProps) {
  const [data, setData] = useState<Skills | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [toggling, setToggling] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const latest = useRef(0);

  const load = async () => {
    const mine = ++latest.current;
    const id = props.sessionId;
    setLoading(true);
    try {
      const skills = await api.getSkills(id);
      if (mine !== latest.current) return;
      setData(skills);
      setLoadError(null);
    } catch (e) {
      if (mine === latest.current) setLoadError((e as Error).message);
    } finally {
      if (mine === latest.current) setLoading(false);
    }
  };

  const changed = async () => {
    await load();
    props.onSkillsChanged?.();
  };

  useEffect(() => {
    setData(null);
    setLoadError(null);
    setQuery("");
    setCreating(false);
    setEditing(null);
    setActionError(null);
    setNotice(null);
    void load();
  }, [props.sessionId]);

  const toggle = async (skill: SkillItem) => {
    setToggling(skill.path);
    setActionError(null);
    try {
      await api.setSkillEnabled(props.sessionId, skill.path, !skill.enabled);
      await changed();
    } catch (e) {
      setActionError(`Cannot ${skill.enabled ? "disable" : "enable"} skill "${skill.name}": ${(e as Error).message}`);
    } finally {
      setToggling(null);
    }
  };

  const onCreated = (created: CreatedSkillInfo) => {
    setCreating(false);
    setNotice(`Created skill "${created.name}" in ${created.source}.`);
    void changed();
  };

  const sources = data?.filesystem_sources ?? [];
  const shown = data ? filterSkills(data.skills, query) : [];
  const issueCounts = countIssues(data?.issues ?? []);

  return (
    <section class="skills-view" data-testid="skills-view" aria-busy={loading ? "true" : "false"}>
      <header class="view-head">
        <h2>Skills</h2>
        {data ? (
          <span class="badge info" data-testid="skills-count">
            {countLabel(shown.length, data.skills.length)}
          </span>
        ) : null}
        <span class="spacer" />
        <button type="button" data-testid="skills-refresh" onClick={() => void load()} disabled={loading} aria-label="Refresh skills" title="Scan the source folders again">
          {loading ? "Scanning…" : "Refresh"}
        </button>
        <button type="button" class="primary" data-testid="skill-new" onClick={() => setCreating(true)}>
          + New skill
        </button>
      </header>

      {loadError ? (
        <div class="alert err" role="alert" data-testid="skills-error">
          Cannot scan the skills of this session: {loadError}{" "}
          <button type="button" class="small" onClick={() => void load()}>
            Retry
          </button>
        </div>
      ) : null}
      {actionError ? (
        <div class="alert err" role="alert" data-testid="skills-action-error">
          {actionError}{" "}
          <button type="button" class="small" onClick={() => setActionError(null)}>
            Dismiss
          </button>
        </div>
      ) : null}
      {notice ? (
        <div class="alert info" role="status" data-testid="skills-notice">
          {notice}{" "}
          <button type="button" class="small" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      ) : null}

      {data && data.issues.length > 0 ? (
        <section class={`card scan-issues ${issueCounts.errors ? "has-errors" : "has-warnings"}`} data-testid="skill-scan-issues" aria-label="Scan issues">
          <h3>
            Scan issues <span class="small muted">({issueSummary(data.issues)})</span>
          </h3>
          <IssueList issues={data.issues} />
        </section>
      ) : null}

      {data ? <SourcesEditor sessionId={props.sessionId} sources={sources} onSaved={() => void changed()} /> : null}

      <div class="skills-toolbar">
        <input
          type="search"
          class="grow"
          data-testid="skill-search"
          aria-label="Filter skills"
          placeholder="Filter by name, description, path or env var"
          value={query}
          onInput={(e: InputEvent) => setQuery((e.target as HTMLInputElement).value)}
          onKeyDown={(e: KeyboardEvent) => {
            if (e.key === "Escape" && query) {
              e.preventDefault();
              setQuery("");
            }
          }}
        />
      </div>

      {data === null ? (
        loadError ? null : (
          <div class="skill-grid" aria-label="Loading skills">
            {[0, 1, 2].map(() => (
              <div class="card skill-card">
                <div class="skeleton" />
                <div class="skeleton skeleton-tall" />
              </div>
            ))}
          </div>
        )
      ) : data.skills.length === 0 ? (
        <div class="empty" data-testid="skills-empty">
          <p>No skills in this session yet.</p>
          <p class="small">Create a skill or add a source folder.</p>
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            + New skill
          </button>
        </div>
      ) : shown.length === 0 ? (
        <div class="empty" data-testid="skills-no-match">
          No skill matches “{query}”.{" "}
          <button type="button" class="small" onClick={() => setQuery("")}>
            Clear the filter
          </button>
        </div>
      ) : (
        <ul class="skill-grid" data-testid="skill-list">
          {shown.map((skill) => (
            <SkillCard
              key={skill.path}
              skill={skill}
              sources={sources}
              busy={toggling === skill.path}
              onToggle={() => void toggle(skill)}
              onEdit={() => setEditing(skill.name)}
            />
          ))}
        </ul>
      )}

      {creating ? <CreateSkillDialog sessionId={props.sessionId} sources={sources} onClose={() => setCreating(false)} onCreated={onCreated} /> : null}
      {editing !== null ? (
        <SkillEditorDialog
          sessionId={props.sessionId}
          name={editing}
          onClose={() => setEditing(null)}
          onSaved={(name) => {
            setEditing(null);
            setNotice(`Saved skill "${name}".`);
            void changed();
          }}
        />
      ) : null}
    </section>
  );
}

function SkillCard(props: { skill: SkillItem; sources: readonly string[]; busy: boolean; onToggle: () => void; onEdit: () => void }) {
  const { skill } = props;
  const from = sourceOfPath(skill.path, props.sources);
  const env = skill.dependencies.env_vars;
  return (
    <li class={`card skill-card${skill.enabled ? "" : " disabled"}`} data-testid="skill-card" data-skill-name={skill.name} data-enabled={skill.enabled ? "true" : "false"}>
      <div class="skill-card-head">
        <h3 class="mono skill-name">{skill.name}</h3>
        <span class={`badge ${skill.enabled ? "ok" : ""}`} data-testid="skill-status">
          {skill.enabled ? "ENABLED" : "DISABLED"}
        </span>
      </div>
      <p class="skill-desc">{skill.description}</p>
      <dl class="skill-meta small">
        <dt>mention</dt>
        <dd class="mono" data-testid="skill-mention">
          {mentionOf(skill)}
        </dd>
        <dt>SKILL.md</dt>
        <dd class="mono skill-path" title={skill.path}>
          {from ? relativeTo(skill.path, from.source) : skill.path}
        </dd>
        <dt>source</dt>
        <dd class="mono skill-path" title={from?.source ?? ""}>
          {from ? (props.sources.length > 1 ? `#${from.index + 1} ${from.source}` : from.source) : <span class="muted">not under a session source</span>}
        </dd>
      </dl>
      <div class="skill-card-foot">
        <span class={`badge ${env.length ? "info" : ""} mono`} title="Environment variables this skill needs" data-testid="skill-env">
          {envLabel(env)}
        </span>
        <span class="spacer" />
        <button type="button" class="small" data-testid="skill-edit" aria-label={`Edit skill ${skill.name}`} onClick={props.onEdit}>
          Edit
        </button>
        <button
          type="button"
          class="small"
          role="switch"
          aria-checked={skill.enabled ? "true" : "false"}
          aria-label={`${skill.enabled ? "Disable" : "Enable"} skill ${skill.name}`}
          data-testid="skill-toggle"
          disabled={props.busy}
          onClick={props.onToggle}
        >
          {props.busy ? "…" : skill.enabled ? "Disable" : "Enable"}
        </button>
      </div>
    </li>
  );
}
