// What the public webhook routes read and change: an account's registered endpoints (each with its
// own secret, shown once at creation), their deliveries with every attempt, and a render's own
// webhook deliveries for redelivery. Every query is scoped by account: another account's id is "not found".
import type { WebhookEventType, Clock } from '@platen/contracts';
import type { Database, WebhookDeliveryStatus } from '@platen/db';
import type { Kysely } from 'kysely';
import { mirrorOnRender } from './delivery-store.js';
import { generateWebhookSecret } from './webhook-signer.js';

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  created_at: Date;
  disabled_at: Date | null;
  /** Why it was disabled ("410 Gone", "Every delivery attempt failed for 3 days ..."). */
  disabled_reason: string | null;
  failing_since: Date | null;
}

export interface WebhookAttempt {
  attempted_at: Date;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

export interface WebhookDelivery {
  id: string;
  event_id: string;
  event_type: string;
  render_id: string | null;
  mockup_id: string | null;
  batch_id: string | null;
  endpoint_id: string | null;
  url: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_status_code: number | null;
  created_at: Date;
  delivered_at: Date | null;
  attempt_log: WebhookAttempt[];
}

export interface PreparedRedelivery {
  deliveryId: string;
  jobId: string;
  /** The delivery's attempts when it was prepared (what abandonRedelivery checks nothing ran since). */
  attempts: number;
  /** Null for the render's own webhook_url. */
  endpointId: string | null;
}

/** Where a page of deliveries ended (newest first; ties on created_at broken by id). */
export interface DeliveryPosition {
  createdAt: Date;
  id: string;
}

export interface EndpointStore {
  /** The endpoint and its secret: the only time the secret is returned. */
  create(
    accountId: string,
    input: { url: string; events: readonly WebhookEventType[]; description?: string | null },
  ): Promise<WebhookEndpoint & { secret: string }>;
  list(accountId: string): Promise<WebhookEndpoint[]>;
  /** Endpoints the account has (not deleted), for the per-account limit. */
  count(accountId: string): Promise<number>;
  find(accountId: string, endpointId: string): Promise<WebhookEndpoint | undefined>;
  /** Soft delete; its pending deliveries are dropped when their next attempt comes. False: not found. */
  remove(accountId: string, endpointId: string): Promise<boolean>;
  /** Newest first, each with its attempts; `before` is the last delivery of the previous page. */
  deliveries(
    accountId: string,
    endpointId: string,
    page: { limit: number; before?: DeliveryPosition },
  ): Promise<WebhookDelivery[]>;
  /** The deliveries of a render to its own webhook_url (endpoint_id null), with attempts. */
  renderDeliveries(accountId: string, renderId: string): Promise<WebhookDelivery[]>;
  /**
   * Puts a render's deliveries back to pending for a redelivery (same webhook-id): its latest delivery to
   * its own webhook_url, whatever its status, and every FAILED delivery to a registered endpoint that is
   * neither deleted nor disabled (delivered ones were received; pending ones are still being tried).
   * Returns each delivery id with a jobId unique to this redelivery, to pass to `enqueueDelivery`;
   * empty when there is nothing to send again.
   */
  prepareRedelivery(accountId: string, renderId: string): Promise<PreparedRedelivery[]>;
  /**
   * Undoes prepareRedelivery for endpoint deliveries whose job could not be queued: failed again, so
   * asking again finds them (a webhook_url delivery is always found again and is left as it is).
   */
  abandonRedelivery(accountId: string, prepared: readonly PreparedRedelivery[]): Promise<void>;
  /** The deliveries with these ids, with attempts (oldest first); another account's are left out. */
  findDeliveries(accountId: string, deliveryIds: readonly string[]): Promise<WebhookDelivery[]>;
}

const ENDPOINT_COLUMNS = [
  'id',
  'url',
  'events',
  'description',
  'created_at',
  'disabled_at',
  'disabled_reason',
  'failing_since',
] as const;

const DELIVERY_COLUMNS = [
  'id',
  'event_id',
  'event_type',
  'render_id',
  'mockup_id',
  'batch_id',
  'endpoint_id',
  'url',
  'status',
  'attempts',
  'next_attempt_at',
  'last_status_code',
  'created_at',
  'delivered_at',
] as const;

export function createEndpointStore({
  db,
  clock,
  generate = generateWebhookSecret,
}: {
  db: Kysely<Database>;
  clock: Clock;
  generate?: () => string;
}): EndpointStore {
  const live = (accountId: string) =>
    db
      .selectFrom('renders.webhook_endpoints')
      .select(ENDPOINT_COLUMNS)
      .where('account_id', '=', accountId)
      .where('deleted_at', 'is', null);

  async function withAttempts(rows: Omit<WebhookDelivery, 'attempt_log'>[]): Promise<WebhookDelivery[]> {
    if (rows.length === 0) return [];
    const attempts = await db
      .selectFrom('renders.webhook_attempts')
      .select(['delivery_id', 'attempted_at', 'status_code', 'duration_ms', 'error'])
      .where(
        'delivery_id',
        'in',
        rows.map((row) => row.id),
      )
      .orderBy('attempted_at')
      .execute();
    return rows.map((row) => ({
      ...row,
      attempt_log: attempts
        .filter((attempt) => attempt.delivery_id === row.id)
        .map(({ delivery_id: _id, ...attempt }) => attempt),
    }));
  }

  return {
    async create(accountId, { url, events, description = null }) {
      const secret = generate();
      const endpoint = await db
        .insertInto('renders.webhook_endpoints')
        .values({
          account_id: accountId,
          url,
          events: [...events],
          description,
          secret,
          created_at: clock.now(),
        })
        .returning(ENDPOINT_COLUMNS)
        .executeTakeFirstOrThrow();
      return { ...endpoint, secret };
    },

    list: (accountId) => live(accountId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute(),

    async count(accountId) {
      const { n } = await db
        .selectFrom('renders.webhook_endpoints')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('account_id', '=', accountId)
        .where('deleted_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(n);
    },

    find: (accountId, endpointId) => live(accountId).where('id', '=', endpointId).executeTakeFirst(),

    async remove(accountId, endpointId) {
      const removed = await db
        .updateTable('renders.webhook_endpoints')
        .set({ deleted_at: clock.now() })
        .where('account_id', '=', accountId)
        .where('id', '=', endpointId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return removed.numUpdatedRows > 0n;
    },

    async deliveries(accountId, endpointId, { limit, before }) {
      let query = db
        .selectFrom('renders.webhook_deliveries')
        .select(DELIVERY_COLUMNS)
        .where('account_id', '=', accountId)
        .where('endpoint_id', '=', endpointId);
      if (before) {
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '<', before.createdAt),
            eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)]),
          ]),
        );
      }
      return withAttempts(
        await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute(),
      );
    },

    async renderDeliveries(accountId, renderId) {
      const rows = await db
        .selectFrom('renders.webhook_deliveries')
        .select(DELIVERY_COLUMNS)
        .where('account_id', '=', accountId)
        .where('render_id', '=', renderId)
        .where('endpoint_id', 'is', null)
        .orderBy('created_at')
        .execute();
      return withAttempts(rows);
    },

    async prepareRedelivery(accountId, renderId) {
      return db.transaction().execute(async (trx) => {
        const own = await trx
          .selectFrom('renders.webhook_deliveries')
          .select(['id', 'attempts', 'endpoint_id'])
          .where('account_id', '=', accountId)
          .where('render_id', '=', renderId)
          .where('endpoint_id', 'is', null)
          .orderBy('created_at', 'desc')
          .limit(1)
          .forUpdate()
          .executeTakeFirst();
        const failed = await trx
          .selectFrom('renders.webhook_deliveries as d')
          .innerJoin('renders.webhook_endpoints as e', 'e.id', 'd.endpoint_id')
          .select(['d.id', 'd.attempts', 'd.endpoint_id'])
          .where('d.account_id', '=', accountId)
          .where('d.render_id', '=', renderId)
          .where('d.status', '=', 'failed')
          .where('e.deleted_at', 'is', null)
          .where('e.disabled_at', 'is', null)
          .orderBy('d.created_at')
          .orderBy('d.id')
          .forUpdate('d')
          .execute();
        const chosen = [...(own ? [own] : []), ...failed];
        if (chosen.length === 0) return [];
        await trx
          .updateTable('renders.webhook_deliveries')
          .set({ status: 'pending', next_attempt_at: clock.now() })
          .where(
            'id',
            'in',
            chosen.map((row) => row.id),
          )
          .execute();
        if (own) await mirrorOnRender(trx, { render_id: renderId, endpoint_id: null }, { status: 'pending' });
        return chosen.map((row) => ({
          deliveryId: row.id,
          jobId: `${row.id}_r${row.attempts}`,
          attempts: row.attempts,
          endpointId: row.endpoint_id,
        }));
      });
    },

    async abandonRedelivery(accountId, prepared) {
      for (const { deliveryId, attempts, endpointId } of prepared) {
        if (endpointId === null) continue;
        await db
          .updateTable('renders.webhook_deliveries')
          .set({ status: 'failed', next_attempt_at: null })
          .where('account_id', '=', accountId)
          .where('id', '=', deliveryId)
          .where('status', '=', 'pending')
          .where('attempts', '=', attempts)
          .execute();
      }
    },

    async findDeliveries(accountId, deliveryIds) {
      if (deliveryIds.length === 0) return [];
      const rows = await db
        .selectFrom('renders.webhook_deliveries')
        .select(DELIVERY_COLUMNS)
        .where('account_id', '=', accountId)
        .where('id', 'in', [...deliveryIds])
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return withAttempts(rows);
    },
  };
}
