// Webhooks: the account's signing secret (for renders' webhook_url), the registered endpoints with
// their recent deliveries, create (secret shown once) and delete.
import { useState, type FormEvent } from 'react';
import { useApp } from '../app-context.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { CopyButton } from '../components/copy-button.js';
import { DeliveryList } from '../components/delivery-list.js';
import { Dialog } from '../components/dialog.js';
import { ErrorMessage, Loading } from '../components/feedback.js';
import { SecretReveal } from '../components/secret-reveal.js';
import { describeError } from '../lib/api-error.js';
import {
  WEBHOOK_EVENTS,
  type CreatedWebhookEndpoint,
  type WebhookEndpoint,
  type WebhookEvent,
} from '../lib/api-types.js';
import { formatDate, formatDateTime } from '../lib/format.js';
import { validateWebhookForm } from '../lib/webhook-form.js';
import { useResource } from '../use-resource.js';

type Action =
  { kind: 'create' } | { kind: 'delete'; endpoint: WebhookEndpoint } | { kind: 'rotate-secret' } | null;

export function WebhooksPage() {
  const { api } = useApp();
  const endpoints = useResource(() => api.listWebhooks(), [api]);
  const secret = useResource(() => api.webhookSecret(), [api]);
  const [action, setAction] = useState<Action>(null);
  const [secretShown, setSecretShown] = useState(false);
  const [openDeliveries, setOpenDeliveries] = useState<string | null>(null);

  return (
    <section aria-labelledby="page-title" className="stack">
      <div className="page-head">
        <h1 id="page-title" tabIndex={-1}>
          Webhooks
        </h1>
        <button type="button" className="button-primary" onClick={() => setAction({ kind: 'create' })}>
          Add endpoint
        </button>
      </div>

      <div className="card stack">
        <h2>Signing secret</h2>
        <p className="small muted">
          Signs the events sent to a render&apos;s <code>webhook_url</code> (Standard Webhooks). Endpoints
          added below have their own secret each.
        </p>
        <ErrorMessage error={secret.error} />
        {secret.data ? (
          <>
            <div className="secret-row">
              <input
                className="secret"
                type="text"
                readOnly
                aria-label="Signing secret"
                value={
                  secretShown ? secret.data.secret : `${secret.data.secret.slice(0, 6)}${'•'.repeat(24)}`
                }
                spellCheck={false}
              />
              <button
                type="button"
                className="button-secondary"
                onClick={() => setSecretShown((shown) => !shown)}
              >
                {secretShown ? 'Hide' : 'Show'}
              </button>
              <CopyButton text={secret.data.secret} />
            </div>
            <p className="small muted">
              {secret.data.rotated_at
                ? `Rotated ${formatDateTime(secret.data.rotated_at)}.`
                : 'Never rotated.'}{' '}
              {secret.data.previous_secret_expires_at &&
                `The previous secret also signs until ${formatDateTime(secret.data.previous_secret_expires_at)}.`}
            </p>
            <div>
              <button
                type="button"
                className="button-secondary"
                onClick={() => setAction({ kind: 'rotate-secret' })}
              >
                Rotate secret
              </button>
            </div>
          </>
        ) : secret.loading ? (
          <Loading what="the secret" />
        ) : null}
      </div>

      <h2>Endpoints</h2>
      <ErrorMessage error={endpoints.error} />
      {endpoints.loading && !endpoints.data ? (
        <Loading what="endpoints" />
      ) : endpoints.data && endpoints.data.length === 0 ? (
        <p className="empty">No endpoints. Add one to receive render.succeeded and render.failed events.</p>
      ) : (
        <ul className="endpoint-list">
          {endpoints.data?.map((endpoint) => (
            <li key={endpoint.id} className="card stack">
              <div className="endpoint-head">
                <code className="break endpoint-url">{endpoint.url}</code>
                <EndpointState endpoint={endpoint} />
              </div>
              {endpoint.description && <p>{endpoint.description}</p>}
              <p className="small muted">
                {endpoint.events.join(', ')} · added {formatDate(endpoint.created_at)}
              </p>
              <div className="actions actions-start">
                <button
                  type="button"
                  className="button-secondary"
                  aria-expanded={openDeliveries === endpoint.id}
                  aria-controls={`deliveries-${endpoint.id}`}
                  onClick={() => setOpenDeliveries((open) => (open === endpoint.id ? null : endpoint.id))}
                >
                  {openDeliveries === endpoint.id ? 'Hide deliveries' : 'Recent deliveries'}
                </button>
                <button
                  type="button"
                  className="button-danger-outline"
                  aria-label={`Delete endpoint ${endpoint.url}`}
                  onClick={() => setAction({ kind: 'delete', endpoint })}
                >
                  Delete
                </button>
              </div>
              {openDeliveries === endpoint.id && (
                <div id={`deliveries-${endpoint.id}`}>
                  <Deliveries endpointId={endpoint.id} />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}

      {action?.kind === 'create' && (
        <CreateEndpointDialog
          onClose={() => setAction(null)}
          onCreated={(created) => endpoints.setData((list) => [created, ...(list ?? [])])}
        />
      )}
      {action?.kind === 'delete' && (
        <ConfirmDialog
          title="Delete webhook endpoint"
          confirmLabel="Delete endpoint"
          danger
          onClose={() => setAction(null)}
          onConfirm={async () => {
            await api.deleteWebhook(action.endpoint.id);
            endpoints.setData((list) => list?.filter((endpoint) => endpoint.id !== action.endpoint.id));
            setAction(null);
          }}
        >
          <p>
            Stop sending events to <code className="break">{action.endpoint.url}</code>? Deliveries still
            pending for it are dropped.
          </p>
        </ConfirmDialog>
      )}
      {action?.kind === 'rotate-secret' && (
        <ConfirmDialog
          title="Rotate signing secret"
          confirmLabel="Rotate secret"
          onClose={() => setAction(null)}
          onConfirm={async () => {
            const rotated = await api.rotateWebhookSecret();
            secret.setData(() => rotated);
            setSecretShown(true);
            setAction(null);
          }}
        >
          <p>
            Make a new signing secret? For 24 hours every delivery carries signatures from both the old and
            the new secret, so you can update your receivers without losing events.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function EndpointState({ endpoint }: { endpoint: WebhookEndpoint }) {
  if (endpoint.disabled_at) {
    return (
      <span className="badge badge-failed" title={endpoint.disabled_reason ?? undefined}>
        disabled{endpoint.disabled_reason ? `: ${endpoint.disabled_reason}` : ''}
      </span>
    );
  }
  if (endpoint.failing_since) {
    return <span className="badge badge-pending">failing since {formatDate(endpoint.failing_since)}</span>;
  }
  return <span className="badge badge-active">active</span>;
}

function Deliveries({ endpointId }: { endpointId: string }) {
  const { api } = useApp();
  const deliveries = useResource(() => api.webhookDeliveries(endpointId, 20), [api, endpointId]);
  return (
    <div className="stack">
      <ErrorMessage error={deliveries.error} />
      {deliveries.loading && !deliveries.data ? (
        <Loading what="deliveries" />
      ) : deliveries.data ? (
        <DeliveryList deliveries={deliveries.data} empty="No deliveries yet." />
      ) : null}
    </div>
  );
}

function CreateEndpointDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (endpoint: CreatedWebhookEndpoint) => void;
}) {
  const { api } = useApp();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>([...WEBHOOK_EVENTS]);
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedWebhookEndpoint | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = validateWebhookForm({ url, events, description });
    if (!checked.ok) return setError(checked.error);
    setBusy(true);
    setError(null);
    try {
      const endpoint = await api.createWebhook(checked.value);
      setCreated(endpoint);
      onCreated(endpoint);
    } catch (reason) {
      setError(describeError(reason));
    } finally {
      setBusy(false);
    }
  };

  const toggle = (value: WebhookEvent, on: boolean) =>
    setEvents((current) => (on ? [...new Set([...current, value])] : current.filter((one) => one !== value)));

  return (
    <Dialog title="New webhook endpoint" onClose={onClose}>
      {created ? (
        <div className="stack">
          <p>
            Events now go to <code className="break">{created.url}</code>. Verify them with this secret.
          </p>
          <SecretReveal
            secret={created.secret}
            label="Endpoint signing secret"
            warning="Copy this secret now: you will not see it again."
          />
          <div className="actions">
            <button type="button" className="button-primary" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
          <label className="field">
            Endpoint URL
            <input
              type="url"
              inputMode="url"
              value={url}
              onChange={(event) => setUrl(event.target.value)}
              placeholder="https://example.com/platen-events"
              required
              data-autofocus
            />
          </label>
          <fieldset className="field">
            <legend>Events</legend>
            {WEBHOOK_EVENTS.map((value) => (
              <label key={value} className="check">
                <input
                  type="checkbox"
                  checked={events.includes(value)}
                  onChange={(event) => toggle(value, event.target.checked)}
                />
                <code>{value}</code>
              </label>
            ))}
          </fieldset>
          <label className="field">
            Description (optional)
            <input
              value={description}
              maxLength={500}
              onChange={(event) => setDescription(event.target.value)}
            />
          </label>
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
              {busy ? 'Creating…' : 'Create endpoint'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
