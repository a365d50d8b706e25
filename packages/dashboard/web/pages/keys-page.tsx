// API keys: the list (filterable by status), create with an optional expiry, revoke, rotate.
import { useState, type FormEvent } from 'react';
import { useApp } from '../app-context.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Dialog } from '../components/dialog.js';
import { ErrorMessage, Loading, StatusBadge } from '../components/feedback.js';
import { SecretReveal } from '../components/secret-reveal.js';
import { describeError } from '../lib/api-error.js';
import { KEY_STATUSES, type ApiKey, type CreatedApiKey, type KeyStatus } from '../lib/api-types.js';
import { formatCount, formatDate, formatDateTime, formatRelative } from '../lib/format.js';
import {
  GRACE_PERIODS,
  KEY_NAME_MAX,
  expiryFromDateInput,
  minimumExpiryDay,
  validateKeyName,
} from '../lib/key-form.js';
import { useResource } from '../use-resource.js';

type Action = { kind: 'create' } | { kind: 'revoke'; key: ApiKey } | { kind: 'rotate'; key: ApiKey } | null;

const SHOWN_ONCE =
  'Copy this key now: you will not see it again. Store it somewhere safe, like a password manager.';

export function KeysPage() {
  const { api } = useApp();
  const [filter, setFilter] = useState<KeyStatus | ''>('');
  const keys = useResource(() => api.listKeys(filter || undefined), [api, filter]);
  const [action, setAction] = useState<Action>(null);
  const now = new Date();

  const replaceKey = (updated: ApiKey) =>
    keys.setData((list) => list?.map((key) => (key.id === updated.id ? updated : key)));

  return (
    <section aria-labelledby="page-title" className="stack">
      <div className="page-head">
        <h1 id="page-title" tabIndex={-1}>
          API keys
        </h1>
        <button type="button" className="button-primary" onClick={() => setAction({ kind: 'create' })}>
          Create key
        </button>
      </div>
      <p className="muted">
        Send a key in the <code>X-API-KEY</code> header (or <code>Authorization: Bearer</code>) to call the
        API.
      </p>
      <div className="toolbar">
        <label>
          Status
          <select value={filter} onChange={(event) => setFilter(event.target.value as KeyStatus | '')}>
            <option value="">All keys</option>
            {KEY_STATUSES.map((status) => (
              <option key={status} value={status}>
                {status[0]?.toUpperCase() + status.slice(1)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorMessage error={keys.error} />
      {keys.loading && !keys.data ? (
        <Loading what="keys" />
      ) : keys.data && keys.data.length === 0 ? (
        <p className="empty">
          {filter ? `No ${filter} keys.` : 'No keys yet. Create one to start calling the API.'}
        </p>
      ) : keys.data ? (
        <div className="table-wrap">
          <table className="responsive">
            <caption className="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Requests
                </th>
                <th scope="col" className="num">
                  Credits used
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((key) => (
                <tr key={key.id}>
                  <th scope="row" data-label="Name">
                    {key.name}
                  </th>
                  <td data-label="Key">
                    <code>{key.key_hint}…</code>
                  </td>
                  <td data-label="Created">{formatDate(key.created_at)}</td>
                  <td data-label="Last used" title={formatDateTime(key.last_used_at)}>
                    {key.last_used_at ? formatRelative(key.last_used_at, now) : 'Never'}
                  </td>
                  <td data-label="Expires" title={formatDateTime(key.expires_at)}>
                    {key.expires_at ? formatDateTime(key.expires_at) : 'Never'}
                  </td>
                  <td data-label="Status">
                    <StatusBadge status={key.status} />
                  </td>
                  <td data-label="Requests" className="num">
                    {formatCount(key.requests_total)}
                  </td>
                  <td data-label="Credits used" className="num">
                    {formatCount(key.credits_used)}
                  </td>
                  <td className="row-actions">
                    {key.status === 'active' && (
                      <>
                        <button
                          type="button"
                          className="button-secondary"
                          aria-label={`Rotate ${key.name}`}
                          onClick={() => setAction({ kind: 'rotate', key })}
                        >
                          Rotate
                        </button>
                        <button
                          type="button"
                          className="button-danger-outline"
                          aria-label={`Revoke ${key.name}`}
                          onClick={() => setAction({ kind: 'revoke', key })}
                        >
                          Revoke
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {action?.kind === 'create' && (
        <CreateKeyDialog
          onClose={() => setAction(null)}
          onCreated={(created) =>
            keys.setData((list) => (filter === '' || filter === 'active' ? [created, ...(list ?? [])] : list))
          }
        />
      )}
      {action?.kind === 'revoke' && (
        <ConfirmDialog
          title="Revoke API key"
          confirmLabel="Revoke key"
          danger
          onClose={() => setAction(null)}
          onConfirm={async () => {
            const revoked = await api.revokeKey(action.key.id);
            if (filter === 'active') keys.setData((list) => list?.filter((key) => key.id !== revoked.id));
            else replaceKey(revoked);
            setAction(null);
          }}
        >
          <p>
            Revoke <strong>{action.key.name}</strong> (<code>{action.key.key_hint}…</code>)? Every request
            made with it is refused within a second. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
      {action?.kind === 'rotate' && (
        <RotateKeyDialog
          key={action.key.id}
          apiKey={action.key}
          onClose={() => setAction(null)}
          onRotated={keys.reload}
        />
      )}
    </section>
  );
}

function CreateKeyDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (key: CreatedApiKey) => void;
}) {
  const { api } = useApp();
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checkedName = validateKeyName(name);
    if (!checkedName.ok) return setError(checkedName.error);
    const checkedExpiry = expiryFromDateInput(expiry, new Date());
    if (!checkedExpiry.ok) return setError(checkedExpiry.error);
    setBusy(true);
    setError(null);
    try {
      const key = await api.createKey({ name: checkedName.value, expires_at: checkedExpiry.value });
      setCreated(key);
      onCreated(key);
    } catch (reason) {
      setError(describeError(reason));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="New API key" onClose={onClose}>
      {created ? (
        <div className="stack">
          <p>
            Key <strong>{created.name}</strong> is ready
            {created.expires_at ? ` and expires ${formatDateTime(created.expires_at)}` : ''}.
          </p>
          <SecretReveal secret={created.key} label="New API key value" warning={SHOWN_ONCE} />
          <div className="actions">
            <button type="button" className="button-primary" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
          <label className="field">
            Name
            <input
              name="name"
              value={name}
              onChange={(event) => setName(event.target.value)}
              placeholder="e.g. Production server"
              data-autofocus
              required
              maxLength={KEY_NAME_MAX}
              aria-invalid={error !== null && name.trim() === ''}
            />
          </label>
          <div className="field">
            <label className="field">
              Expires on (optional)
              <input
                name="expires"
                type="date"
                value={expiry}
                min={minimumExpiryDay(new Date())}
                onChange={(event) => setExpiry(event.target.value)}
                aria-describedby="expiry-hint"
              />
            </label>
            <span id="expiry-hint" className="hint">
              The key works until the end of that day (UTC). Leave empty for a key that does not expire.
            </span>
          </div>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <div className="actions">
            <button type="button" className="button-secondary" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="button-primary" disabled={busy}>
              {busy ? 'Creating…' : 'Create'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function RotateKeyDialog({
  apiKey,
  onClose,
  onRotated,
}: {
  apiKey: ApiKey;
  onClose: () => void;
  onRotated: () => void;
}) {
  const { api } = useApp();
  const [grace, setGrace] = useState<number>(86_400);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [rotated, setRotated] = useState<CreatedApiKey | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setRotated(await api.rotateKey(apiKey.id, grace));
      onRotated();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={rotated ? 'New API key' : 'Rotate API key'} onClose={onClose}>
      {rotated ? (
        <div className="stack">
          <p>
            <strong>{rotated.name}</strong> has a new key.{' '}
            {grace === 0
              ? 'The old key has stopped working.'
              : `The old key keeps working for ${GRACE_PERIODS.find((period) => period.seconds === grace)?.label ?? `${grace} s`}.`}
          </p>
          <SecretReveal secret={rotated.key} label="New API key value" warning={SHOWN_ONCE} />
          <div className="actions">
            <button type="button" className="button-primary" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form className="stack" onSubmit={(event) => void submit(event)}>
          <p>
            Make a new key for <strong>{apiKey.name}</strong> (<code>{apiKey.key_hint}…</code>) with the same
            settings. Give the old one a grace period to switch your apps over.
          </p>
          <label className="field">
            Grace period for the old key
            <select value={grace} onChange={(event) => setGrace(Number(event.target.value))}>
              {GRACE_PERIODS.map((period) => (
                <option key={period.seconds} value={period.seconds}>
                  {period.label}
                </option>
              ))}
            </select>
          </label>
          <ErrorMessage error={error} />
          <div className="actions">
            <button type="button" className="button-secondary" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="button-primary" disabled={busy}>
              {busy ? 'Rotating…' : 'Rotate key'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
