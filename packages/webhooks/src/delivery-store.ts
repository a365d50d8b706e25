// Delivery rows and their attempts (schema `renders`). One delivery per (render or mockup, event, target),
// enforced by a unique index, so announcing an event twice never sends it twice. Every attempt is
// recorded in the same transaction that moves the delivery on, updates the render's `webhook_*`
// columns (for its own webhook_url) and the endpoint's health (410 Gone or 3 failing days disable it).
import type { Clock } from '@platen/contracts';
import { createRenderRecords, type Database, type WebhookDeliveryStatus } from '@platen/db';
import { sql, type Kysely, type Transaction } from 'kysely';
import { webhookEventId } from './event-id.js';

/** An endpoint whose every attempt failed for this long is disabled. */
export const ENDPOINT_DISABLE_AFTER_MS = 3 * 24 * 3600 * 1000;

export interface RenderEvent {
  accountId: string;
  renderId: string;
  eventType: string;
  /** The event's `data`: the render object. */
  payload: Record<string, unknown>;
  /** The render's own webhook_url (signed with the account secret), if it has one. */
  webhookUrl: string | null;
}

/** An own mockup's import ended (`mockup.ready` / `mockup.failed`): registered endpoints only. */
export interface MockupEvent {
  accountId: string;
  mockupId: string;
  eventType: string;
  /** The event's `data`: the mockup object. */
  payload: Record<string, unknown>;
}

/** A batch finished (`batch.finished`): registered endpoints and the batch's own webhook_url. */
export interface BatchEvent {
  accountId: string;
  batchId: string;
  eventType: string;
  /** The event's `data`: the batch object. */
  payload: Record<string, unknown>;
  /** The batch's webhook_url (signed with the account secret), if it has one. */
  webhookUrl: string | null;
}

export type WebhookEvent = RenderEvent | MockupEvent | BatchEvent;

export interface DeliveryRecord {
  id: string;
  event_id: string;
  account_id: string;
  render_id: string | null;
  endpoint_id: string | null;
  url: string;
  event_type: string;
  payload: Record<string, unknown>;
  status: WebhookDeliveryStatus;
  attempts: number;
  created_at: Date;
  /** The registered endpoint's secret and state; null for a render's own webhook_url. */
  endpoint: { secret: string; usable: boolean } | null;
}

export interface AttemptRecord {
  attemptedAt: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

/** What the attempt means for the delivery. */
export type AttemptVerdict =
  | { status: 'delivered' }
  | { status: 'pending'; nextAttemptAt: Date }
  | { status: 'failed'; disableEndpoint?: string };

export interface DeliveryStore {
  /** Creates the event's deliveries (idempotent); returns the ids of those still pending. */
  createForEvent(event: WebhookEvent): Promise<string[]>;
  find(id: string): Promise<DeliveryRecord | undefined>;
  /** Records the attempt and applies the verdict; returns why the endpoint got disabled, if it did now. */
  recordAttempt(
    delivery: DeliveryRecord,
    attempt: AttemptRecord,
    verdict: AttemptVerdict,
  ): Promise<{ endpointDisabled: string | null }>;
  /** Fails a delivery that will not be tried (its endpoint was deleted or disabled); no attempt is made. */
  abandon(delivery: DeliveryRecord): Promise<void>;
}

export function createDeliveryStore({ db, clock }: { db: Kysely<Database>; clock: Clock }): DeliveryStore {
  return {
    async createForEvent(event) {
      const { accountId, eventType, payload } = event;
      const subject =
        'renderId' in event
          ? { column: 'render_id' as const, id: event.renderId, webhookUrl: event.webhookUrl }
          : 'batchId' in event
            ? { column: 'batch_id' as const, id: event.batchId, webhookUrl: event.webhookUrl }
            : { column: 'mockup_id' as const, id: event.mockupId, webhookUrl: null };
      const { webhookUrl } = subject;
      return db.transaction().execute(async (trx) => {
        const endpoints = await trx
          .selectFrom('renders.webhook_endpoints')
          .select(['id', 'url'])
          .where('account_id', '=', accountId)
          .where('deleted_at', 'is', null)
          .where('disabled_at', 'is', null)
          .where(sql<boolean>`${eventType} = any(events)`)
          .execute();
        const targets = [
          ...(webhookUrl === null ? [] : [{ endpoint_id: null, url: webhookUrl }]),
          ...endpoints.map((endpoint) => ({ endpoint_id: endpoint.id, url: endpoint.url })),
        ];
        if (targets.length === 0) return [];
        const eventId = webhookEventId(subject.id, eventType);
        const body = JSON.stringify(payload);
        const now = clock.now();
        await trx
          .insertInto('renders.webhook_deliveries')
          .values(
            targets.map((target) => ({
              ...target,
              event_id: eventId,
              account_id: accountId,
              [subject.column]: subject.id,
              event_type: eventType,
              payload: body,
              next_attempt_at: now,
              created_at: now,
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .execute();
        if (webhookUrl !== null && subject.column === 'render_id') {
          await createRenderRecords({ db: trx }).mirrorOwnWebhook(
            subject.id,
            { status: 'pending' },
            { ifUnset: true },
          );
        }
        const pending = await trx
          .selectFrom('renders.webhook_deliveries')
          .select('id')
          .where(subject.column, '=', subject.id)
          .where('event_type', '=', eventType)
          .where('status', '=', 'pending')
          .orderBy('created_at')
          .execute();
        return pending.map((row) => row.id);
      });
    },

    async find(id) {
      const row = await db
        .selectFrom('renders.webhook_deliveries as d')
        .leftJoin('renders.webhook_endpoints as e', 'e.id', 'd.endpoint_id')
        .select([
          'd.id',
          'd.event_id',
          'd.account_id',
          'd.render_id',
          'd.endpoint_id',
          'd.url',
          'd.event_type',
          'd.payload',
          'd.status',
          'd.attempts',
          'd.created_at',
          'e.secret as endpoint_secret',
          'e.disabled_at as endpoint_disabled_at',
          'e.deleted_at as endpoint_deleted_at',
        ])
        .where('d.id', '=', id)
        .executeTakeFirst();
      if (!row) return undefined;
      const { endpoint_secret, endpoint_disabled_at, endpoint_deleted_at, ...delivery } = row;
      return {
        ...delivery,
        endpoint:
          delivery.endpoint_id === null || endpoint_secret === null
            ? null
            : {
                secret: endpoint_secret,
                usable: endpoint_disabled_at === null && endpoint_deleted_at === null,
              },
      };
    },

    async recordAttempt(delivery, attempt, verdict) {
      return db.transaction().execute(async (trx) => {
        await trx
          .insertInto('renders.webhook_attempts')
          .values({
            delivery_id: delivery.id,
            attempted_at: attempt.attemptedAt,
            status_code: attempt.statusCode,
            duration_ms: Math.round(attempt.durationMs),
            error: attempt.error,
          })
          .execute();
        const updated = await trx
          .updateTable('renders.webhook_deliveries')
          .set((eb) => ({
            attempts: eb('attempts', '+', 1),
            status: verdict.status,
            last_status_code: attempt.statusCode,
            next_attempt_at: verdict.status === 'pending' ? verdict.nextAttemptAt : null,
            ...(verdict.status === 'delivered' ? { delivered_at: attempt.attemptedAt } : {}),
          }))
          .where('id', '=', delivery.id)
          .returning(['attempts', 'status'])
          .executeTakeFirstOrThrow();
        await mirrorOnRender(trx, delivery, updated);
        if (delivery.endpoint_id === null) return { endpointDisabled: null };
        return {
          endpointDisabled: await updateEndpointHealth(
            trx,
            delivery.endpoint_id,
            attempt,
            verdict,
            clock.now(),
          ),
        };
      });
    },

    async abandon(delivery) {
      await db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('renders.webhook_deliveries')
          .set({ status: 'failed', next_attempt_at: null })
          .where('id', '=', delivery.id)
          .where('status', '=', 'pending')
          .returning(['attempts', 'status'])
          .executeTakeFirst();
        if (updated) await mirrorOnRender(trx, delivery, updated);
      });
    },
  };
}

/**
 * The render's `webhook` field follows the delivery to its own webhook_url: this store is the only
 * writer of those columns (a redelivery marks them pending through here too), so they never disagree
 * with the delivery row they copy.
 */
export async function mirrorOnRender(
  trx: Transaction<Database>,
  delivery: Pick<DeliveryRecord, 'render_id' | 'endpoint_id'>,
  state: { attempts?: number; status: WebhookDeliveryStatus },
): Promise<void> {
  if (delivery.render_id === null || delivery.endpoint_id !== null) return;
  await createRenderRecords({ db: trx }).mirrorOwnWebhook(delivery.render_id, state);
}

/** Healthy again on a 2xx; disabled on 410 or once every attempt has failed for 3 days (by the store's clock). */
async function updateEndpointHealth(
  trx: Transaction<Database>,
  endpointId: string,
  attempt: AttemptRecord,
  verdict: AttemptVerdict,
  now: Date,
): Promise<string | null> {
  const endpoints = trx.updateTable('renders.webhook_endpoints').where('id', '=', endpointId);
  if (verdict.status === 'delivered') {
    await endpoints.set({ failing_since: null }).execute();
    return null;
  }
  if (verdict.status === 'failed' && verdict.disableEndpoint !== undefined) {
    const disabled = await endpoints
      .set({ disabled_at: now, disabled_reason: verdict.disableEndpoint })
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    return disabled.numUpdatedRows > 0n ? verdict.disableEndpoint : null;
  }
  const { failing_since } = await endpoints
    .set((eb) => ({ failing_since: eb.fn.coalesce('failing_since', eb.val(now)) }))
    .returning('failing_since')
    .executeTakeFirstOrThrow();
  if (failing_since === null) return null;
  if (now.getTime() - failing_since.getTime() < ENDPOINT_DISABLE_AFTER_MS) return null;
  const reason = `Every delivery attempt failed for 3 days (since ${failing_since.toISOString()}); last error: ${attempt.error ?? 'unknown'}`;
  const disabled = await trx
    .updateTable('renders.webhook_endpoints')
    .set({ disabled_at: now, disabled_reason: reason })
    .where('id', '=', endpointId)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return disabled.numUpdatedRows > 0n ? reason : null;
}
