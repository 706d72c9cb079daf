/**
 * The "New skill" dialog: name (the engine's slug rule, checked live), description, title, target
 * source and body. Once the fields are valid, the SKILL.md the server would write is linted live
 * by the server; Enter in a single-line field submits.
 */
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { api, ApiError } from "./api.ts";
import { Dialog } from "./dialog.tsx";
import { IssueList } from "./skills-issues.tsx";
import { useLiveLint } from "./skills-lint.ts";
import { hasErrorIssues, NO_SPELLCHECK, issueSummary } from "./skills-model.ts";
import { createRequest, draftProblems, renderSkillMd, SKILL_NAME_RULE, suggestSkillName, type SkillDraft } from "./skills-validate.ts";

export interface CreatedSkillInfo {
  name: string;
  skillMd: string;
  source: string;
}

export interface CreateSkillDialogProps {
  sessionId: string;
  sources: readonly string[];
  onClose: () => void;
  onCreated: (created: CreatedSkillInfo) => void;
}

const valueOf = (e: Event) => (e.target as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement).value;

export function CreateSkillDialog(props: CreateSkillDialogProps) {
  const [draft, setDraft] = useState<SkillDraft>({ name: "", description: "", title: "", body: "" });
  const [target, setTarget] = useState("");
  const [touched, setTouched] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  // The dialog focuses its first control (the close button); move focus to the name field once it has.
  useEffect(() => {
    const timer = setTimeout(() => nameRef.current?.focus(), 0);
    return () => clearTimeout(timer);
  }, []);

  const problems = draftProblems(draft);
  const fieldsOk = problems.name === null && problems.description === null;
  const skillMd = fieldsOk ? renderSkillMd({ ...draft, name: draft.name.trim() }) : null;
  const lint = useLiveLint(skillMd);
  const lintIssues = lint.result?.issues ?? [];
  const lintBlocks = lint.current && hasErrorIssues(lintIssues);
  const noSources = props.sources.length === 0;
  const canSubmit = fieldsOk && !lintBlocks && !submitting && !noSources;
  const nameError = draft.name !== "" || touched ? problems.name : null;
  const descriptionError = draft.description !== "" || touched ? problems.description : null;
  const suggestion = nameError ? suggestSkillName(draft.name) : "";

  const update = (patch: Partial<SkillDraft>) => {
    setDraft((d: SkillDraft) => ({ ...d, ...patch }));
    setError(null);
  };

  const submit = async () => {
    setTouched(true);
    if (!canSubmit) return;
    setSubmitting(true);
    setError(null);
    try {
      const created = await api.createSkill(props.sessionId, createRequest(draft, target));
      props.onCreated({ name: draft.name.trim(), skillMd: created.skill_md, source: created.filesystem_source });
    } catch (e) {
      setError(e instanceof ApiError && e.status === 409 ? `${e.message}. Choose another name or target source.` : (e as Error).message);
      setSubmitting(false);
    }
  };

  const submitOnEnter = (e: KeyboardEvent) => {
    if (e.key === "Enter" && !e.isComposing) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <Dialog
      title="New skill"
      onClose={props.onClose}
      wide
      testId="skill-create-dialog"
      footer={
        <>
          <button type="button" onClick={() => props.onClose()}>
            Cancel
          </button>
          <button type="button" class="primary" data-testid="skill-create-submit" disabled={!canSubmit} onClick={() => void submit()}>
            {submitting ? "Creating…" : "Create skill"}
          </button>
        </>
      }
    >
      <div class="skill-form-layout">
        <form
          class="stack skill-form"
          data-testid="skill-create-form"
          noValidate
          onSubmit={(e: Event) => {
            e.preventDefault();
            void submit();
          }}
        >
          {noSources ? (
            <div class="alert warn" data-testid="skill-create-no-sources">
              This session has no source folder yet. Add one under Source folders, then create the skill.
            </div>
          ) : null}
          <label class="field">
            <span class="label">Name (required)</span>
            <input
              type="text"
              ref={nameRef}
              data-testid="skill-name"
              class={nameError ? "invalid mono" : "mono"}
              placeholder="article-writer"
              autocomplete="off"
              {...NO_SPELLCHECK}
              aria-invalid={nameError ? "true" : "false"}
              value={draft.name}
              onInput={(e: InputEvent) => update({ name: valueOf(e) })}
              onKeyDown={submitOnEnter}
            />
            {nameError ? (
              <span class="field-error" data-testid="skill-name-error">
                {nameError}
                {suggestion && suggestion !== draft.name ? (
                  <>
                    {" "}
                    <button type="button" class="small" onClick={() => update({ name: suggestion })}>
                      Use “{suggestion}”
                    </button>
                  </>
                ) : null}
              </span>
            ) : (
              <span class="field-hint">{SKILL_NAME_RULE}. The folder gets this name.</span>
            )}
          </label>
          <label class="field">
            <span class="label">Description (required)</span>
            <input
              type="text"
              data-testid="skill-description"
              class={descriptionError ? "invalid" : ""}
              placeholder="What the skill does and when to use it"
              aria-invalid={descriptionError ? "true" : "false"}
              value={draft.description}
              onInput={(e: InputEvent) => update({ description: valueOf(e) })}
              onKeyDown={submitOnEnter}
            />
            {descriptionError ? <span class="field-error">{descriptionError}</span> : <span class="field-hint">The model sees this text when it picks skills.</span>}
          </label>
          <label class="field">
            <span class="label">Title</span>
            <input
              type="text"
              data-testid="skill-title"
              placeholder={draft.name.trim() ? `Skill：${draft.name.trim()}` : "Optional heading"}
              value={draft.title}
              onInput={(e: InputEvent) => update({ title: valueOf(e) })}
              onKeyDown={submitOnEnter}
            />
          </label>
          <label class="field">
            <span class="label">Target source</span>
            <select data-testid="skill-target-source" value={target} disabled={noSources} onChange={(e: Event) => setTarget(valueOf(e))}>
              <option value="">{noSources ? "No source folder" : `Default: the first source (${props.sources[0]})`}</option>
              {props.sources.map((source) => (
                <option value={source}>{source}</option>
              ))}
            </select>
          </label>
          <label class="field">
            <span class="label">Body (Markdown)</span>
            <textarea
              class="code"
              rows={8}
              data-testid="skill-body"
              {...NO_SPELLCHECK}
              placeholder={"## Steps\n1. …"}
              value={draft.body}
              onInput={(e: InputEvent) => update({ body: valueOf(e) })}
            />
          </label>
          {error ? (
            <div class="alert err" role="alert" data-testid="skill-create-error">
              {error}
            </div>
          ) : null}
        </form>
        <aside class="skill-lint-panel" aria-live="polite" data-testid="skill-create-lint">
          <h3>Checks</h3>
          {skillMd === null ? (
            <p class="small muted">Fill in a valid name and a description; the server then checks the SKILL.md it would write.</p>
          ) : lint.error ? (
            <p class="small field-error">Cannot check the skill: {lint.error}</p>
          ) : !lint.current ? (
            <p class="small muted">Checking…</p>
          ) : lintIssues.length === 0 ? (
            <p class="small lint-ok">The engine's lint finds no issues.</p>
          ) : (
            <p class="small">{issueSummary(lintIssues)}</p>
          )}
          <IssueList issues={lintIssues} compact testId="skill-create-issues" />
          {skillMd !== null ? (
            <details class="skill-preview">
              <summary>Preview SKILL.md</summary>
              <pre class="code-block">{skillMd}</pre>
            </details>
          ) : null}
        </aside>
      </div>
    </Dialog>
  );
}
