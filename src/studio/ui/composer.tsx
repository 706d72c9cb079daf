/**
 * The task composer: Enter runs, Shift+Enter adds a line; typing `$[` opens mention suggestions
 * (↑/↓ to move, Enter or Tab to accept, Esc to close).
 */
import { useRef, useState } from "hono/jsx/dom";
import { applySuggestion, mentionAt, suggest, type CatalogSkill, type MentionContext, type Suggestion } from "./mentions.ts";

export interface ComposerProps {
  skills: CatalogSkill[];
  busy: boolean;
  onSubmit: (text: string) => Promise<boolean>;
  placeholder?: string;
}

export function Composer(props: ComposerProps) {
  const [text, setText] = useState("");
  const [context, setContext] = useState<MentionContext | null>(null);
  const [items, setItems] = useState<Suggestion[]>([]);
  const [index, setIndex] = useState(0);
  const ref = useRef<HTMLTextAreaElement>(null);

  const refresh = (value: string, caret: number) => {
    const ctx = mentionAt(value, caret);
    setContext(ctx);
    const next = ctx ? suggest(ctx, props.skills) : [];
    setItems(next);
    setIndex(0);
  };

  const accept = (suggestion: Suggestion) => {
    if (!context) return;
    const next = applySuggestion(text, context, suggestion);
    setText(next.text);
    const node = ref.current;
    if (node) {
      node.value = next.text;
      node.focus();
      node.setSelectionRange(next.caret, next.caret);
    }
    if (suggestion.continues) refresh(next.text, next.caret);
    else {
      setContext(null);
      setItems([]);
    }
  };

  const submit = async () => {
    const value = text.trim();
    if (!value || props.busy) return;
    if (await props.onSubmit(value)) {
      setText("");
      if (ref.current) ref.current.value = "";
      setItems([]);
    }
  };

  const open = items.length > 0;
  return (
    <div class="composer">
      {open ? (
        <ul class="suggestions" role="listbox" data-testid="mention-suggestions">
          {items.map((item, i) => (
            <li
              key={item.label}
              role="option"
              aria-selected={String(i === index)}
              class={i === index ? "selected" : ""}
              onMouseDown={(e: MouseEvent) => {
                e.preventDefault();
                accept(item);
              }}
            >
              <span class="mono">{item.label}</span>
              <span class="muted small ellipsis">{item.detail}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <textarea
        ref={ref}
        rows={2}
        data-testid="composer-input"
        aria-label="Task"
        placeholder={props.placeholder ?? "Describe a task. Mention a skill with $[namespace].skill-name. Enter runs, Shift+Enter adds a line."}
        value={text}
        onInput={(e: InputEvent) => {
          const node = e.target as HTMLTextAreaElement;
          setText(node.value);
          refresh(node.value, node.selectionStart ?? node.value.length);
        }}
        onKeyDown={(e: KeyboardEvent) => {
          if (open) {
            if (e.key === "ArrowDown" || e.key === "ArrowUp") {
              e.preventDefault();
              setIndex((i) => (i + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length);
              return;
            }
            if (e.key === "Enter" || e.key === "Tab") {
              e.preventDefault();
              const item = items[index];
              if (item) accept(item);
              return;
            }
            if (e.key === "Escape") {
              e.preventDefault();
              e.stopPropagation();
              setItems([]);
              return;
            }
          }
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            void submit();
          }
        }}
        onBlur={() => setItems([])}
      />
      <button class="primary" data-testid="run-button" disabled={props.busy || text.trim() === ""} onClick={() => void submit()} title="Run (Enter)">
        Run
      </button>
    </div>
  );
}
