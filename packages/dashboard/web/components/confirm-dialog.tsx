// "Are you sure?" for actions that cannot be undone; the action's error stays in the dialog.
import { useState, type ReactNode } from 'react';
import { describeError } from '../lib/api-error.js';
import { Dialog } from './dialog.js';

export interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger = false,
  onConfirm,
  onClose,
}: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (reason) {
      setError(reason);
      setBusy(false);
    }
  };

  return (
    <Dialog title={title} onClose={onClose}>
      <div className="stack">
        {children}
        {error !== null && (
          <p role="alert" className="error">
            {describeError(error)}
          </p>
        )}
        <div className="actions">
          <button type="button" className="button-secondary" onClick={onClose} data-autofocus>
            Cancel
          </button>
          <button
            type="button"
            className={danger ? 'button-danger' : 'button-primary'}
            disabled={busy}
            onClick={() => void confirm()}
          >
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
