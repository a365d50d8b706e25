// Batches: the account's batches with status, counts and created time, newest first, each with its
// archive (a partial one while it is processing); /dashboard/batches/<uuid> opens one with the status
// of each render, linking to the render's own view.
import { useApp } from '../app-context.js';
import { Dialog } from '../components/dialog.js';
import { ErrorMessage, Loading, StatusBadge } from '../components/feedback.js';
import { Link } from '../components/link.js';
import type { BatchSummary } from '../lib/api-types.js';
import { archiveLink, formatBatchCounts } from '../lib/batch-progress.js';
import { formatDateTime, shortId } from '../lib/format.js';
import { routePath } from '../lib/routes.js';
import { usePaged } from '../use-paged.js';
import { useResource } from '../use-resource.js';

export function BatchesPage({ openUuid }: { openUuid: string | null }) {
  const { api, navigate } = useApp();
  const batches = usePaged<BatchSummary>((cursor) => api.listBatches({ limit: 20, cursor }), [api]);

  return (
    <section aria-labelledby="page-title" className="stack">
      <div className="page-head">
        <h1 id="page-title" tabIndex={-1}>
          Batches
        </h1>
        <button type="button" className="button-secondary" onClick={batches.reload}>
          Refresh
        </button>
      </div>
      <ErrorMessage error={batches.error} />
      {batches.loading && batches.items.length === 0 ? (
        <Loading what="batches" />
      ) : batches.items.length === 0 && !batches.error ? (
        <p className="empty">No batches yet. Send many renders at once with POST /api/v1/renders/batch.</p>
      ) : (
        <div className="table-wrap">
          <table className="responsive">
            <caption className="visually-hidden">Batches</caption>
            <thead>
              <tr>
                <th scope="col">Batch</th>
                <th scope="col">Status</th>
                <th scope="col">Renders</th>
                <th scope="col">Created</th>
                <th scope="col">Archive</th>
              </tr>
            </thead>
            <tbody>
              {batches.items.map((batch) => (
                <tr key={batch.uuid}>
                  <td data-label="Batch">
                    <Link to={routePath('batches', batch.uuid)} label={`Batch ${shortId(batch.uuid)}`}>
                      <code>{shortId(batch.uuid)}</code>
                    </Link>
                  </td>
                  <td data-label="Status">
                    <StatusBadge status={batch.status} />
                  </td>
                  <td data-label="Renders">{formatBatchCounts(batch.counts)}</td>
                  <td data-label="Created">{formatDateTime(batch.created_at)}</td>
                  <td data-label="Archive">
                    <ArchiveAnchor batch={batch} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {batches.hasMore && (
        <button
          type="button"
          className="button-secondary"
          onClick={batches.loadMore}
          disabled={batches.loading}
        >
          {batches.loading ? 'Loading…' : 'Load more'}
        </button>
      )}
      {openUuid && (
        <BatchDialog key={openUuid} uuid={openUuid} onClose={() => navigate(routePath('batches'))} />
      )}
    </section>
  );
}

function ArchiveAnchor({ batch }: { batch: BatchSummary }) {
  const { api } = useApp();
  const link = archiveLink(batch);
  return (
    <a href={api.batchArchiveUrl(batch.uuid, link.partial)} download>
      {link.label}
    </a>
  );
}

function BatchDialog({ uuid, onClose }: { uuid: string; onClose: () => void }) {
  const { api } = useApp();
  const batch = useResource(() => api.getBatch(uuid), [api, uuid]);
  const data = batch.data;

  return (
    <Dialog title={`Batch ${shortId(uuid)}`} onClose={onClose} wide>
      <ErrorMessage error={batch.error} />
      {batch.loading && !data ? (
        <Loading what="the batch" />
      ) : data ? (
        <div className="stack">
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={data.status} />
            </dd>
            <dt>Renders</dt>
            <dd>{formatBatchCounts(data.counts)}</dd>
            <dt>Batch id</dt>
            <dd>
              <code className="break">{data.uuid}</code>
            </dd>
            <dt>Created</dt>
            <dd>{formatDateTime(data.created_at)}</dd>
            <dt>Completed</dt>
            <dd>{formatDateTime(data.completed_at)}</dd>
            <dt>Credits</dt>
            <dd>
              {data.credits_charged}
              {data.credits_refunded > 0 && ` (${data.credits_refunded} refunded)`}
            </dd>
            <dt>Archive</dt>
            <dd>
              <ArchiveAnchor batch={data} />
            </dd>
          </dl>
          <h3>Renders</h3>
          <ul className="batch-renders">
            {data.renders.map((render) => (
              <li key={render.uuid}>
                <StatusBadge status={render.status} />{' '}
                <Link to={routePath('renders', render.uuid)} label={`Render ${shortId(render.uuid)}`}>
                  <code>{shortId(render.uuid)}</code>
                </Link>
                {render.export_label && <span> {render.export_label}</span>}
                {render.color && <code> {render.color}</code>}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Dialog>
  );
}
