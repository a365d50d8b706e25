// Credits: the balance, how it is topped up on this install (the operator's CLI command), and the
// ledger (grants, charges, refunds), each charge or refund linked to its render.
import { useState } from 'react';
import { useApp } from '../app-context.js';
import { CopyButton } from '../components/copy-button.js';
import { ErrorMessage, Loading, StatusBadge } from '../components/feedback.js';
import { Link } from '../components/link.js';
import type { CreditEntry } from '../lib/api-types.js';
import { formatCount, formatDateTime, formatSignedAmount, shortId } from '../lib/format.js';
import { routePath } from '../lib/routes.js';
import { topUpCommand } from '../lib/top-up.js';
import { usePaged } from '../use-paged.js';

export function CreditsPage() {
  const { api, me } = useApp();
  const command = topUpCommand(me.account.email);
  const [balance, setBalance] = useState<number | null>(null);
  const ledger = usePaged<CreditEntry>(
    async (cursor) => {
      const page = await api.credits({ limit: 50, cursor });
      setBalance(page.balance);
      return { items: page.entries, next_cursor: page.next_cursor };
    },
    [api],
  );

  return (
    <section aria-labelledby="page-title" className="stack">
      <div className="page-head">
        <h1 id="page-title" tabIndex={-1}>
          Credits
        </h1>
      </div>
      <div className="card stats">
        <div>
          <span className="stat-value" aria-describedby="balance-label">
            {balance === null ? '…' : formatCount(balance)}
          </span>
          <span className="stat-label" id="balance-label">
            credits left
          </span>
        </div>
        <p className="muted small">
          A render costs its credits when it is accepted and refunds them if it finally fails.
        </p>
      </div>
      <section className="card stack" aria-labelledby="top-up-title">
        <div className="page-head">
          <h2 id="top-up-title">Getting more credits</h2>
          <CopyButton text={command} label="Copy command" />
        </div>
        <p className="small muted">
          On this Platen install, credits are added by its operator (whoever runs the server) with the command
          line. Ask them to run (with the amount you need):
        </p>
        <pre className="code" aria-label="top-up command" tabIndex={0}>
          {command}
        </pre>
      </section>
      <h2>Ledger</h2>
      <ErrorMessage error={ledger.error} />
      {ledger.loading && ledger.items.length === 0 ? (
        <Loading what="the ledger" />
      ) : ledger.items.length === 0 && !ledger.error ? (
        <p className="empty">No credit movements yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="responsive">
            <caption className="visually-hidden">Credit ledger</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Kind</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Render</th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              {ledger.items.map((entry) => (
                <tr key={entry.id}>
                  <td data-label="When">{formatDateTime(entry.created_at)}</td>
                  <td data-label="Kind">
                    <StatusBadge status={entry.kind} />
                  </td>
                  <td data-label="Amount" className={`num ${entry.amount < 0 ? 'negative' : 'positive'}`}>
                    {formatSignedAmount(entry.amount)}
                  </td>
                  <td data-label="Render">
                    {entry.render_id ? (
                      <Link
                        to={routePath('renders', entry.render_id)}
                        label={`Render ${shortId(entry.render_id)}`}
                      >
                        <code>{shortId(entry.render_id)}</code>
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td data-label={entry.note ? 'Note' : undefined}>{entry.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {ledger.hasMore && (
        <button
          type="button"
          className="button-secondary"
          onClick={ledger.loadMore}
          disabled={ledger.loading}
        >
          {ledger.loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
