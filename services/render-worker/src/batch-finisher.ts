// What a batch render's final state means for its batch: when it was the batch's last unfinished
// render, the batch moves to finished (one conditional UPDATE, so exactly one caller wins however
// many workers finish renders at once) and its `batch-event` job is queued: `batch.finished` fanned
// out and the parked artwork removed. A re-run that finds the batch finished queues the job again;
// its id is the batch's, and deliveries are unique per batch and target, so nothing is sent twice.
import type { Clock } from '@platen/contracts';
import { createBatchRecords, type Database } from '@platen/db';
import { enqueueBatchEvent, type WebhookQueue } from '@platen/webhooks';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';

export interface BatchFinisher {
  /** Called after every final state of a render; does nothing for a single render. */
  settle(renderId: string): Promise<void>;
}

export function createBatchFinisher({
  db,
  webhookQueue,
  clock,
  logger,
}: {
  db: Kysely<Database>;
  webhookQueue: WebhookQueue;
  clock: Clock;
  logger: Logger;
}): BatchFinisher {
  const batches = createBatchRecords({ db });
  return {
    async settle(renderId) {
      const render = await db
        .selectFrom('renders.renders')
        .select('batch_id')
        .where('id', '=', renderId)
        .executeTakeFirst();
      const batchId = render?.batch_id;
      if (!batchId) return;
      const won = await batches.finishIfDone(batchId, clock.now());
      if (won) logger.info({ batch_id: batchId, render_id: renderId }, 'batch finished');
      const batch = won ?? (await batches.find(batchId));
      if (batch?.status === 'finished') await enqueueBatchEvent(webhookQueue, { batch_id: batchId });
    },
  };
}
