/**
 * A modal dialog: Esc and the close button call `onClose`; focus moves into the dialog when it
 * opens and back where it was when it closes. `closeOnOverlay` lets a click outside close it.
 */
import type { Child } from "hono/jsx/dom";
import { useEffect, useRef } from "hono/jsx/dom";
import { Icon } from "./icons.tsx";

export interface DialogProps {
  title: Child;
  onClose: () => void;
  children?: Child;
  footer?: Child;
  closeOnOverlay?: boolean;
  testId?: string;
  wide?: boolean;
}

export function Dialog(props: DialogProps) {
  const ref = useRef<HTMLDivElement>(null);
  // The latest onClose, so Esc sees the parent's current state (not the first render's).
  const onCloseRef = useRef(props.onClose);
  onCloseRef.current = props.onClose;
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const node = ref.current;
    // Focus by priority: an explicit [data-autofocus], then the first field, then the primary button.
    const first = ["[data-autofocus]", "input, textarea, select", "button.primary", ".body button, footer button"]
      .map((selector) => node?.querySelector<HTMLElement>(selector))
      .find((element) => element);
    first?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        event.preventDefault();
        onCloseRef.current();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
      previous?.focus?.();
    };
  }, []);
  return (
    <div
      class="overlay"
      onClick={(event: MouseEvent) => {
        if (props.closeOnOverlay && event.target === event.currentTarget) props.onClose();
      }}
    >
      <div class={`dialog${props.wide ? " wide" : ""}`} role="dialog" aria-modal="true" ref={ref} data-testid={props.testId}>
        <header>
          <h2 class="grow">{props.title}</h2>
          <button class="icon" aria-label="Close" title="Close (Esc)" onClick={() => props.onClose()}>
            <Icon name="close" />
          </button>
        </header>
        <div class="body">{props.children}</div>
        {props.footer ? <footer>{props.footer}</footer> : null}
      </div>
    </div>
  );
}

/** A yes/no confirmation built on Dialog. */
export function ConfirmDialog(props: { title: string; message: Child; confirmLabel: string; danger?: boolean; onConfirm: () => void; onCancel: () => void }) {
  return (
    <Dialog
      title={props.title}
      onClose={props.onCancel}
      closeOnOverlay
      testId="confirm-dialog"
      footer={
        <>
          <button onClick={props.onCancel}>Cancel</button>
          <button class={props.danger ? "danger solid" : "primary"} data-autofocus onClick={props.onConfirm}>
            {props.confirmLabel}
          </button>
        </>
      }
    >
      <p>{props.message}</p>
    </Dialog>
  );
}
