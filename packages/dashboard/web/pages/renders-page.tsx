// Renders: the account's recent renders with thumbnail, status, duration, error and webhook state;
// /dashboard/renders/<uuid> opens one with its full image and every webhook delivery attempt.
import { useState } from 'react';
import { useApp } from '../app-context.js';
import { DeliveryList } from '../components/delivery-list.js';
import { Dialog } from '../components/dialog.js';
import { ErrorMessage, Loading, StatusBadge } from '../components/feedback.js';
import { RENDER_STATUSES, type Mockup, type Render, type RenderStatus } from '../lib/api-types.js';
import { durationBetween, formatBytes, formatDateTime, formatDuration, shortId } from '../lib/format.js';
import { routePath } from '../lib/routes.js';
import { usePaged } from '../use-paged.js';
import { useResource } from '../use-resource.js';

export function RendersPage({ openUuid }: { openUuid: string | null }) {
  const { api, navigate } = useApp();
  const [status, setStatus] = useState<RenderStatus | ''>('');
  const renders = usePaged<Render>((cursor) => api.listRenders({ limit: 20, cursor, status }), [api, status]);
  const mockups = useResource(() => api.listMockups().catch(() => [] as Mockup[]), [api]);
  const mockupName = (uuid: string) =>
    mockups.data?.find((mockup) => mockup.uuid === uuid)?.name ?? shortId(uuid);

  return (
    <section aria-labelledby="page-title" className="stack">
      <div className="page-head">
        <h1 id="page-title" tabIndex={-1}>
          Renders
        </h1>
        <button type="button" className="button-secondary" onClick={renders.reload}>
          Refresh
        </button>
      </div>
      <div className="toolbar">
        <label>
          Status
          <select value={status} onChange={(event) => setStatus(event.target.value as RenderStatus | '')}>
            <option value="">All renders</option>
            {RENDER_STATUSES.map((value) => (
              <option key={value} value={value}>
                {value[0]?.toUpperCase() + value.slice(1)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorMessage error={renders.error} />
      {renders.loading && renders.items.length === 0 ? (
        <Loading what="renders" />
      ) : renders.items.length === 0 && !renders.error ? (
        <p className="empty">
          {status
            ? `No ${status} renders.`
            : 'No renders yet. Try a mockup, or call POST /api/v1/renders with a key.'}
        </p>
      ) : (
        <ul className="render-list">
          {renders.items.map((render) => (
            <li key={render.uuid} className="render-item">
              <button
                type="button"
                className="thumb-button"
                aria-label={`View render ${shortId(render.uuid)}`}
                onClick={() => navigate(routePath('renders', render.uuid))}
              >
                {render.result ? (
                  <img src={render.result.url} alt="" loading="lazy" className="thumb" />
                ) : (
                  <span className="thumb thumb-empty" aria-hidden="true">
                    {render.status === 'failed' ? '!' : '…'}
                  </span>
                )}
              </button>
              <div className="render-info">
                <div className="render-title">
                  <code>{shortId(render.uuid)}</code> <span>{mockupName(render.mockup_uuid)}</span>
                </div>
                <div className="render-meta">
                  <StatusBadge status={render.status} />
                  <span>{formatDateTime(render.created_at)}</span>
                  <span title="From start to completion">
                    {formatDuration(durationBetween(render.started_at, render.completed_at))}
                  </span>
                  {render.error && <code className="error-text">{render.error.code}</code>}
                  {render.webhook && (
                    <span>
                      webhook {render.webhook.status}, {render.webhook.attempts}{' '}
                      {render.webhook.attempts === 1 ? 'attempt' : 'attempts'}
                    </span>
                  )}
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
      {renders.hasMore && (
        <button
          type="button"
          className="button-secondary"
          onClick={renders.loadMore}
          disabled={renders.loading}
        >
          {renders.loading ? 'Loading…' : 'Load more'}
        </button>
      )}
      {openUuid && (
        <RenderDialog
          key={openUuid}
          uuid={openUuid}
          mockupName={mockupName}
          onClose={() => navigate(routePath('renders'))}
        />
      )}
    </section>
  );
}

function RenderDialog({
  uuid,
  mockupName,
  onClose,
}: {
  uuid: string;
  mockupName: (uuid: string) => string;
  onClose: () => void;
}) {
  const { api } = useApp();
  const render = useResource(() => api.getRender(uuid), [api, uuid]);
  const data = render.data;

  return (
    <Dialog title={`Render ${shortId(uuid)}`} onClose={onClose} wide>
      <ErrorMessage error={render.error} />
      {render.loading && !data ? (
        <Loading what="the render" />
      ) : data ? (
        <div className="stack">
          {data.result ? (
            <figure className="full-image">
              <img src={data.result.url} alt={`Render ${shortId(uuid)} of ${mockupName(data.mockup_uuid)}`} />
              <figcaption>
                {data.result.width} × {data.result.height} {data.result.format.toUpperCase()},{' '}
                {formatBytes(data.result.bytes)} ·{' '}
                <a href={data.result.url} target="_blank" rel="noreferrer">
                  Open full size
                </a>
              </figcaption>
            </figure>
          ) : null}
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={data.status} />
            </dd>
            <dt>Mockup</dt>
            <dd>{mockupName(data.mockup_uuid)}</dd>
            <dt>Render id</dt>
            <dd>
              <code className="break">{data.uuid}</code>
            </dd>
            <dt>Created</dt>
            <dd>{formatDateTime(data.created_at)}</dd>
            <dt>Duration</dt>
            <dd>{formatDuration(durationBetween(data.started_at, data.completed_at))}</dd>
            <dt>Attempts</dt>
            <dd>{data.attempts}</dd>
            <dt>Credits</dt>
            <dd>
              {data.credits_charged}
              {data.credits_refunded > 0 && ` (${data.credits_refunded} refunded)`}
            </dd>
            {data.error && (
              <>
                <dt>Error</dt>
                <dd>
                  <code className="error-text">{data.error.code}</code> {data.error.message}
                </dd>
              </>
            )}
          </dl>
          <h3>Webhook deliveries</h3>
          <DeliveryList
            deliveries={data.webhook_deliveries}
            empty={data.webhook ? 'No delivery attempts yet.' : 'This render has no webhook_url.'}
          />
        </div>
      ) : null}
    </Dialog>
  );
}
