// `mockup.ready` / `mockup.failed`: one delivery per subscribed endpoint of the account, each with its
// `deliver` job. Idempotent (deliveries are unique per mockup, event and endpoint; job ids are the
// delivery ids), so an import job that runs again announces nothing twice.
import type { Database } from '@platen/db';
import { hasOutlinePreview, toPublicMockup } from '@platen/mockups';
import { outlineKeyBeside, type ObjectStorage } from '@platen/storage';
import type { DeliveryStore, WebhookQueue } from '@platen/webhooks';
import { enqueueDelivery } from '@platen/webhooks';
import type { Kysely } from 'kysely';

export interface MockupWebhookEvents {
  /** Announces the mockup's final state (ready or failed); returns how many deliveries are pending. */
  announce(mockupId: string): Promise<number>;
}

export function createMockupWebhookEvents({
  db,
  storage,
  urlTtlSeconds,
  deliveries,
  queue,
}: {
  db: Kysely<Database>;
  storage: Pick<ObjectStorage, 'signedUrl'>;
  urlTtlSeconds: number;
  deliveries: Pick<DeliveryStore, 'createForEvent'>;
  queue: WebhookQueue;
}): MockupWebhookEvents {
  return {
    async announce(mockupId) {
      const row = await db
        .selectFrom('renders.mockups')
        .selectAll()
        .where('id', '=', mockupId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (!row || row.account_id === null || row.status === 'processing') return 0;
      const key = row.thumbnail_key;
      const thumbnail = key ? await storage.signedUrl(key, urlTtlSeconds) : null;
      const outline =
        key && hasOutlinePreview(row) ? await storage.signedUrl(outlineKeyBeside(key), urlTtlSeconds) : null;
      const pending = await deliveries.createForEvent({
        accountId: row.account_id,
        mockupId,
        eventType: row.status === 'ready' ? 'mockup.ready' : 'mockup.failed',
        payload: toPublicMockup(row, thumbnail, outline),
      });
      for (const deliveryId of pending) await enqueueDelivery(queue, deliveryId);
      return pending.length;
    },
  };
}
