/**
 * A modal dialog: Esc and the close button call `onClose`; focus moves into the dialog when it
 * opens and back where it was when it closes. `closeOnOverlay` lets a click outside close it.
 */
import type { Child } from "hono/jsx/dom";
import { useEffect, useRef } from "hono/jsx/dom";

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
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const node = ref.current;
    const first = node?.querySelector<HTMLElement>("[data-autofocus], input, textarea, select, button.primary, button");
    first?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        event.preventDefault();
        props.onClose();
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
            ✕
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
