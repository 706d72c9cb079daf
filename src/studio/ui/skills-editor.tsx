/**
 * The SKILL.md editor: loads the file with its lint issues, lints edits live (debounced, on the
 * server), refuses to save while the current text has error-level issues, and asks before
 * discarding unsaved changes (Esc, Cancel, the close button). Ctrl/Cmd+S saves.
 */
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { api, type SkillDoc } from "./api.ts";
import { ConfirmDialog, Dialog } from "./dialog.tsx";
import { IssueList } from "./skills-issues.tsx";
import { useLiveLint } from "./skills-lint.ts";
import { hasErrorIssues, NO_SPELLCHECK, issueSummary } from "./skills-model.ts";

export interface SkillEditorProps {
  sessionId: string;
  name: string;
  onClose: () => void;
  /** After a successful save; `name` is the skill's name in the saved text. */
  onSaved: (name: string) => void;
}

export function SkillEditorDialog(props: SkillEditorProps) {
  const [doc, setDoc] = useState<SkillDoc | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [text, setText] = useState("");
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    let live = true;
    api.getSkill(props.sessionId, props.name).then(
      (loaded) => {
        if (!live) return;
        setDoc(loaded);
        setText(loaded.skill_md);
        setTimeout(() => textRef.current?.focus(), 0);
      },
      (e: Error) => live && setLoadError(e.message),
    );
    return () => {
      live = false;
    };
  }, [props.sessionId, props.name]);

  const dirty = doc !== null && text !== doc.skill_md;
  const lint = useLiveLint(dirty ? text : null);
  // Unchanged text: the file's own lint (with its folder); edited text: the live lint (the last answer while a new one is pending).
  const issues = dirty ? (lint.result?.issues ?? []) : (doc?.issues ?? []);
  const blocked = hasErrorIssues(issues);
  const canSave = dirty && !saving && !blocked;

  // The Dialog keeps the Esc handler of its first render: read the live state through refs.
  const state = useRef({ dirty, confirming, saving });
  state.current = { dirty, confirming, saving };
  const requestClose = () => {
    if (state.current.confirming) return;
    if (state.current.dirty) setConfirming(true);
    else props.onClose();
  };

  const save = async () => {
    if (!canSave) return;
    setSaving(true);
    setSaveError(null);
    try {
      const saved = await api.saveSkill(props.sessionId, props.name, text);
      props.onSaved(saved.name);
    } catch (e) {
      setSaveError((e as Error).message);
      setSaving(false);
    }
  };

  let status: string;
  if (!dirty) status = issues.length ? `This file has ${issueSummary(issues)}.` : "No changes.";
  else if (lint.error) status = `Cannot check the text: ${lint.error}`;
  else if (!lint.current) status = "Checking…";
  else status = issues.length ? `${issueSummary(issues)}${blocked ? ": fix the errors to save." : "."}` : "The engine's lint finds no issues.";

  return (
    <>
      <Dialog
        title={
          <>
            Edit <span class="mono">{props.name}</span>
          </>
        }
        onClose={requestClose}
        wide
        testId="skill-editor-dialog"
        footer={
          <>
            <span class="small muted grow">{dirty ? "Unsaved changes" : ""}</span>
            <button type="button" onClick={requestClose}>
              Cancel
            </button>
            <button type="button" class="primary" data-testid="skill-editor-save" disabled={!canSave} onClick={() => void save()} title="Save (Ctrl+S)">
              {saving ? "Saving…" : "Save"}
            </button>
          </>
        }
      >
        {loadError ? (
          <div class="alert err" role="alert">
            Cannot open skill "{props.name}": {loadError}
          </div>
        ) : doc === null ? (
          <div class="stack">
            <div class="skeleton" />
            <div class="skeleton skeleton-tall" />
          </div>
        ) : (
          <div class="stack">
            <div class="small muted skill-editor-meta">
              <span class={`badge ${doc.enabled ? "ok" : ""}`}>{doc.enabled ? "ENABLED" : "DISABLED"}</span>{" "}
              <span class="mono skill-path" title={doc.path}>
                {doc.path}
              </span>
            </div>
            <textarea
              ref={textRef}
              class={`code skill-editor-text${blocked ? " invalid" : ""}`}
              rows={20}
              {...NO_SPELLCHECK}
              aria-label={`SKILL.md of ${props.name}`}
              data-testid="skill-editor"
              value={text}
              onInput={(e: InputEvent) => {
                setText((e.target as HTMLTextAreaElement).value);
                setSaveError(null);
              }}
              onKeyDown={(e: KeyboardEvent) => {
                if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
                  e.preventDefault();
                  void save();
                }
              }}
            />
            <div class="stack" aria-live="polite" data-testid="skill-editor-issues">
              <div class={`small ${blocked ? "field-error" : issues.length ? "" : "lint-ok"}`}>{status}</div>
              <IssueList issues={issues} compact />
            </div>
            {saveError ? (
              <div class="alert err" role="alert" data-testid="skill-editor-error">
                {saveError}
              </div>
            ) : null}
          </div>
        )}
      </Dialog>
      {confirming ? (
        <ConfirmDialog
          title="Discard changes?"
          message={`Your edits to ${props.name}/SKILL.md are not saved.`}
          confirmLabel="Discard"
          danger
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            props.onClose();
          }}
        />
      ) : null}
    </>
  );
}
