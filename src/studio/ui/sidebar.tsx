/**
 * The sessions sidebar: newest first, each with its run count and last activity; create, rename
 * (inline; Enter saves, Esc cancels) and delete (after a confirmation).
 */
import { useState } from "hono/jsx/dom";
import type { Session } from "./api.ts";
import { ConfirmDialog } from "./dialog.tsx";
import { formatDateTime, shortId } from "./format.ts";
import { Icon } from "./icons.tsx";

export interface SidebarProps {
  sessions: Session[] | null;
  activeId: string | null;
  onSelect: (id: string) => void;
  onCreate: () => void;
  onRename: (id: string, title: string | null) => Promise<void>;
  onDelete: (id: string) => Promise<void>;
}

export function sessionTitle(session: Session): string {
  return session.title ?? `Session ${shortId(session.session_id)}`;
}

export function Sidebar(props: SidebarProps) {
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const [deleting, setDeleting] = useState<Session | null>(null);
  const [error, setError] = useState<string | null>(null);

  const saveRename = async (id: string) => {
    try {
      await props.onRename(id, draft.trim() || null);
      setEditing(null);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <nav class="sidebar" aria-label="Sessions">
      <div class="sidebar-head">
        <h2 class="grow">Sessions</h2>
        <button class="primary small" data-testid="new-session" onClick={() => props.onCreate()} title="Create a session">
          + New
        </button>
      </div>
      {error ? <div class="alert err small">{error}</div> : null}
      {props.sessions === null ? (
        <div class="stack pad">
          <div class="skeleton" />
          <div class="skeleton" />
        </div>
      ) : props.sessions.length === 0 ? (
        <div class="empty">No sessions yet.</div>
      ) : (
        <ul class="session-list" data-testid="session-list">
          {props.sessions.map((session) => (
            <li
              key={session.session_id}
              class={`session${session.session_id === props.activeId ? " active" : ""}`}
              data-testid="session-item"
              data-session-id={session.session_id}
            >
              {editing === session.session_id ? (
                <input
                  class="rename"
                  aria-label="Session title"
                  data-testid="session-rename-input"
                  value={draft}
                  ref={(node: HTMLInputElement | null) => node?.focus()}
                  onInput={(e: InputEvent) => setDraft((e.target as HTMLInputElement).value)}
                  onKeyDown={(e: KeyboardEvent) => {
                    if (e.key === "Enter") void saveRename(session.session_id);
                    if (e.key === "Escape") {
                      e.stopPropagation();
                      setEditing(null);
                    }
                  }}
                  onBlur={() => setEditing(null)}
                />
              ) : (
                <button class="session-main" onClick={() => props.onSelect(session.session_id)} aria-current={session.session_id === props.activeId ? "page" : undefined}>
                  <span class="frame">{shortId(session.session_id)}</span>
                  <span class="session-text">
                    <span class="session-title ellipsis">{sessionTitle(session)}</span>
                    <span class="session-meta small muted">
                      {formatDateTime(session.updated_at)} · {session.runs_count} {session.runs_count === 1 ? "run" : "runs"}
                    </span>
                  </span>
                </button>
              )}
              <span class="session-actions">
                <button
                  class="icon"
                  title="Rename"
                  aria-label={`Rename ${sessionTitle(session)}`}
                  onClick={() => {
                    setDraft(session.title ?? "");
                    setEditing(session.session_id);
                  }}
                >
                  <Icon name="pencil" />
                </button>
                <button class="icon" title="Delete" aria-label={`Delete ${sessionTitle(session)}`} data-testid="session-delete" onClick={() => setDeleting(session)}>
                  <Icon name="trash" />
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {deleting ? (
        <ConfirmDialog
          title="Delete session?"
          message={
            <>
              “{sessionTitle(deleting)}” and its {deleting.runs_count} {deleting.runs_count === 1 ? "run" : "runs"} (their event logs) will be deleted. Running runs are cancelled first. This cannot be
              undone.
            </>
          }
          confirmLabel="Delete"
          danger
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const target = deleting;
            setDeleting(null);
            props.onDelete(target.session_id).catch((e: Error) => setError(e.message));
          }}
        />
      ) : null}
    </nav>
  );
}
