// A modal dialog on the native <dialog> element: showModal() gives the focus trap, Escape and an inert
// page behind it; we add the accessible name (its heading) and give focus back to whatever opened it.
import { useId, useLayoutEffect, useRef, type ReactNode } from 'react';

export interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Wider dialog for images and tables. */
  wide?: boolean;
}

/** Render it to open it, stop rendering it to close it. Mark the control to focus first with data-autofocus. */
export function Dialog({ title, onClose, children, wide = false }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  // Layout effects: open before the browser paints, and on unmount close and refocus while the dialog
  // is still in the document (a passive effect would run after React removed it).
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    // React's autoFocus fires while the dialog is still closed; mark the field to focus with
    // data-autofocus instead (else the first control of the body, never the Close button).
    const first =
      dialog.querySelector<HTMLElement>('[data-autofocus]') ??
      dialog.querySelector<HTMLElement>('.dialog-body :is(input, select, textarea, button)');
    first?.focus();
    const onCancel = (event: Event) => {
      // Escape: let the owner decide (it unmounts us), rather than the browser closing behind React's back.
      event.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog ref={ref} aria-labelledby={titleId} className={wide ? 'dialog dialog-wide' : 'dialog'}>
      <div className="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button
          type="button"
          className="button-ghost close"
          aria-label="Close"
          onClick={() => onCloseRef.current()}
        >
          ×
        </button>
      </div>
      <div className="dialog-body">{children}</div>
    </dialog>
  );
}
