// Webhook deliveries and every attempt made for each: when, the answer's status code, how long, why it failed.
import type { WebhookDelivery } from '../lib/api-types.js';
import { formatDateTime, formatDuration } from '../lib/format.js';
import { StatusBadge } from './feedback.js';

export function DeliveryList({ deliveries, empty }: { deliveries: WebhookDelivery[]; empty: string }) {
  if (deliveries.length === 0) return <p className="empty">{empty}</p>;
  return (
    <ul className="deliveries">
      {deliveries.map((delivery) => (
        <li key={delivery.id} className="delivery">
          <div className="delivery-head">
            <StatusBadge status={delivery.status} />
            <code>{delivery.type}</code>
            <span className="muted small">{formatDateTime(delivery.created_at)}</span>
          </div>
          <p className="small break">
            to <code>{delivery.url}</code>
          </p>
          <p className="small">
            {delivery.attempts} {delivery.attempts === 1 ? 'attempt' : 'attempts'}
            {delivery.last_status_code !== null && <> · last answer HTTP {delivery.last_status_code}</>}
            {delivery.delivered_at && <> · delivered {formatDateTime(delivery.delivered_at)}</>}
            {delivery.status === 'pending' && delivery.next_attempt_at && (
              <> · next try {formatDateTime(delivery.next_attempt_at)}</>
            )}
          </p>
          {delivery.attempt_log.length > 0 && (
            <details>
              <summary>Attempt log</summary>
              <ol className="attempts">
                {delivery.attempt_log.map((attempt, i) => (
                  <li key={i}>
                    {formatDateTime(attempt.attempted_at)} —{' '}
                    {attempt.status_code !== null ? `HTTP ${attempt.status_code}` : 'no answer'} in{' '}
                    {formatDuration(attempt.duration_ms)}
                    {attempt.error && <span className="error-text"> ({attempt.error})</span>}
                  </li>
                ))}
              </ol>
            </details>
          )}
        </li>
      ))}
    </ul>
  );
}
