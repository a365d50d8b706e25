// Changing the password: the current one, then the new one (at least 12 characters, as at sign-up).
// The server signs every other session of the user out and re-issues this one; a wrong current
// password is 403 (shown here, the session goes on), and its guesses count as failed log-ins.
import { useState, type FormEvent } from 'react';
import type { ApiClient } from '../lib/api-client.js';
import { describeError } from '../lib/api-error.js';
import type { Me } from '../lib/api-types.js';
import { PASSWORD_MIN } from '../pages/auth-page.js';
import { Dialog } from './dialog.js';

export interface PasswordDialogProps {
  api: ApiClient;
  onChanged: (me: Me) => void;
  onClose: () => void;
}

export function PasswordDialog({ api, onChanged, onClose }: PasswordDialogProps) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!current) return setError('Enter your current password.');
    if (next.length < PASSWORD_MIN) {
      return setError(`Choose a new password of at least ${PASSWORD_MIN} characters.`);
    }
    setBusy(true);
    setError(null);
    try {
      onChanged(await api.changePassword(current, next));
      setDone(true);
    } catch (reason) {
      setError(describeError(reason));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Change password" onClose={onClose}>
      {done ? (
        <div className="stack">
          <p role="status">Password changed. Every other session of yours has been signed out.</p>
          <button type="button" className="button-primary" onClick={onClose} data-autofocus>
            Done
          </button>
        </div>
      ) : (
        <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
          <label className="field">
            Current password
            <input
              type="password"
              autoComplete="current-password"
              value={current}
              onChange={(event) => setCurrent(event.target.value)}
              required
              data-autofocus
            />
          </label>
          <label className="field">
            New password
            <input
              type="password"
              autoComplete="new-password"
              value={next}
              minLength={PASSWORD_MIN}
              onChange={(event) => setNext(event.target.value)}
              required
            />
          </label>
          <p className="hint">Your other sessions are signed out when the password changes.</p>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </form>
      )}
    </Dialog>
  );
}
