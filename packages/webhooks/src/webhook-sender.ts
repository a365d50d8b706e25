// One signed POST to a receiver through the SSRF-safe outbound client, redirects not followed, and
// what the answer means: 2xx within the deadline is delivered, 410 stops, a refused address or bad
// URL can never succeed, anything else (3xx, other 4xx, 5xx, timeout, connection error) is retried.
import { createSystemClock, type Clock } from '@platen/contracts';
import { OutboundError, type OutboundClient } from '@platen/outbound';
import { webhookHeaders } from './webhook-signer.js';

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Receivers' answers are not read; a cap keeps a chatty one from costing memory. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface WebhookMessage {
  url: string;
  /** The `webhook-id`. */
  eventId: string;
  body: string;
  /** One or two (rotation overlap) `whsec_` secrets. */
  secrets: readonly string[];
}

export type SendOutcome = 'delivered' | 'retry' | 'gone' | 'refused';

export interface SendResult {
  outcome: SendOutcome;
  attemptedAt: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface WebhookSender {
  send(message: WebhookMessage): Promise<SendResult>;
}

export function createWebhookSender({
  outbound,
  timeoutMs = WEBHOOK_TIMEOUT_MS,
  clock = createSystemClock(),
}: {
  outbound: OutboundClient;
  timeoutMs?: number;
  /** The signing time; always the real one in production (receivers reject timestamps 5 min off). */
  clock?: Clock;
}): WebhookSender {
  return {
    async send({ url, eventId, body, secrets }) {
      const attemptedAt = clock.now();
      const timestamp = Math.floor(attemptedAt.getTime() / 1000);
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      try {
        const response = await outbound.fetch(url, {
          method: 'POST',
          headers: webhookHeaders({ id: eventId, timestamp, body }, secrets),
          body,
          followRedirects: false,
          maxBytes: MAX_RESPONSE_BYTES,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const durationMs = elapsed();
        if (response.status >= 200 && response.status < 300) {
          return { outcome: 'delivered', attemptedAt, statusCode: response.status, durationMs, error: null };
        }
        const error =
          response.status >= 300 && response.status < 400
            ? `HTTP ${response.status}: redirects are not followed`
            : `HTTP ${response.status}`;
        return { outcome: 'retry', attemptedAt, statusCode: response.status, durationMs, error };
      } catch (error) {
        const durationMs = elapsed();
        if (!(error instanceof OutboundError)) {
          return { outcome: 'retry', attemptedAt, statusCode: null, durationMs, error: String(error) };
        }
        const statusCode = error.status ?? null;
        if (statusCode === 410) {
          return { outcome: 'gone', attemptedAt, statusCode, durationMs, error: 'HTTP 410 Gone' };
        }
        if (error.code === 'FORBIDDEN_ADDRESS' || error.code === 'BAD_URL') {
          return { outcome: 'refused', attemptedAt, statusCode, durationMs, error: error.message };
        }
        if (error.code === 'TIMEOUT') {
          const message = `no answer within ${timeoutMs / 1000} s`;
          return { outcome: 'retry', attemptedAt, statusCode, durationMs, error: message };
        }
        const message = statusCode === null ? error.message : `HTTP ${statusCode}`;
        return { outcome: 'retry', attemptedAt, statusCode, durationMs, error: message };
      }
    },
  };
}
