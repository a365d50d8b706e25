// The `batch-event` job: a batch finished, so `batch.finished` gets one delivery per target (the
// batch's webhook_url, each endpoint subscribed to it) and one `deliver` job each, and the batch's
// parked artwork is removed. Idempotent: deliveries are unique per (batch, event, target) and the
// jobs' ids are the delivery ids; removing artwork already gone is fine.
import type { Database } from '@platen/db';
import { createBatchRecords } from '@platen/db';
import { toPublicBatch } from '@platen/mockups';
import { batchArtworkKey, type ObjectStorage } from '@platen/storage';
import type { BatchEventJob, DeliveryStore, WebhookQueue } from '@platen/webhooks';
import { enqueueDelivery } from '@platen/webhooks';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';

export interface BatchWebhookEvents {
  /** Returns how many deliveries are pending for the event. */
  fanOut(event: BatchEventJob): Promise<number>;
}

export function createBatchWebhookEvents({
  db,
  storage,
  deliveries,
  queue,
  logger,
}: {
  db: Kysely<Database>;
  storage: Pick<ObjectStorage, 'delete'>;
  deliveries: Pick<DeliveryStore, 'createForEvent'>;
  queue: WebhookQueue;
  logger: Logger;
}): BatchWebhookEvents {
  const batches = createBatchRecords({ db });
  return {
    async fanOut({ batch_id }) {
      const batch = await batches.find(batch_id);
      if (!batch || batch.status !== 'finished') return 0;
      const renders = await batches.renders(batch_id);
      const pending = await deliveries.createForEvent({
        accountId: batch.account_id,
        batchId: batch.id,
        eventType: 'batch.finished',
        payload: toPublicBatch(batch, renders),
        webhookUrl: batch.webhook_url,
      });
      for (const deliveryId of pending) await enqueueDelivery(queue, deliveryId);
      await Promise.all(
        batch.artwork_ids.map((artworkId) =>
          storage.delete(batchArtworkKey(batch.id, artworkId)).catch((error: unknown) => {
            logger.warn({ err: error, batch_id: batch.id }, 'parked batch artwork not removed');
          }),
        ),
      );
      return pending.length;
    },
  };
}
