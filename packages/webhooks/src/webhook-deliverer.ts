// One attempt of one delivery: load it, pick its secrets (the endpoint's own, or the account's with
// the previous one during a rotation), sign and send, record the attempt, decide what comes next.
// A delivery that is no longer pending is left alone, so a duplicate job never sends twice.
import type { Clock } from '@platen/contracts';
import type { DeliveryStore, AttemptVerdict, DeliveryRecord } from './delivery-store.js';
import type { RetrySchedule } from './retry-schedule.js';
import type { SecretStore } from './secret-store.js';
import type { SendResult, WebhookSender } from './webhook-sender.js';

export type DeliveryOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'delivered'; attempt: number }
  | { status: 'retry'; attempt: number; delayMs: number; error: string | null }
  | { status: 'failed'; attempt: number; error: string | null; endpointDisabled: string | null };

export interface WebhookDeliverer {
  deliver(deliveryId: string): Promise<DeliveryOutcome>;
}

/** The request body: `{"type", "timestamp", "data"}` (docs/api.md); `timestamp` is when the event happened. */
export function webhookBody(delivery: Pick<DeliveryRecord, 'event_type' | 'created_at' | 'payload'>): string {
  return JSON.stringify({
    type: delivery.event_type,
    timestamp: delivery.created_at.toISOString(),
    data: delivery.payload,
  });
}

export function createWebhookDeliverer({
  deliveries,
  secrets,
  sender,
  schedule,
  clock,
}: {
  deliveries: DeliveryStore;
  secrets: SecretStore;
  sender: WebhookSender;
  schedule: RetrySchedule;
  clock: Clock;
}): WebhookDeliverer {
  function verdictFor(result: SendResult, delayMs: number | undefined): AttemptVerdict {
    switch (result.outcome) {
      case 'delivered':
        return { status: 'delivered' };
      case 'gone':
        return { status: 'failed', disableEndpoint: '410 Gone' };
      case 'refused':
        // The address or URL will not change by waiting.
        return { status: 'failed' };
      case 'retry':
        if (delayMs === undefined) return { status: 'failed' };
        return { status: 'pending', nextAttemptAt: new Date(clock.now().getTime() + delayMs) };
    }
  }

  return {
    async deliver(deliveryId) {
      const delivery = await deliveries.find(deliveryId);
      if (!delivery) return { status: 'skipped', reason: 'no such delivery' };
      if (delivery.status !== 'pending') return { status: 'skipped', reason: `already ${delivery.status}` };
      if (delivery.endpoint_id !== null && !delivery.endpoint?.usable) {
        await deliveries.abandon(delivery);
        return { status: 'skipped', reason: 'endpoint deleted or disabled' };
      }

      const signing = delivery.endpoint
        ? [delivery.endpoint.secret]
        : await secrets.signingSecrets(delivery.account_id);
      const result = await sender.send({
        url: delivery.url,
        eventId: delivery.event_id,
        body: webhookBody(delivery),
        secrets: signing,
      });
      const attempt = delivery.attempts + 1;
      const delayMs = result.outcome === 'retry' ? schedule.delayAfter(attempt) : undefined;
      const verdict = verdictFor(result, delayMs);
      const { endpointDisabled } = await deliveries.recordAttempt(delivery, result, verdict);
      switch (verdict.status) {
        case 'delivered':
          return { status: 'delivered', attempt };
        case 'pending':
          return { status: 'retry', attempt, delayMs: delayMs ?? 0, error: result.error };
        case 'failed':
          return { status: 'failed', attempt, error: result.error, endpointDisabled };
      }
    },
  };
}
