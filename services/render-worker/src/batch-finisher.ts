// What a batch render's final state means for its batch: when it was the batch's last unfinished
// render (or the last refund it waited for), the batch moves to finished (one conditional UPDATE, so
// exactly one caller wins however many workers finish renders at once) and its `batch-event` job is
// queued: `batch.finished` fanned out and the parked artwork removed. The batch is then marked as
// having its job queued; a batch finished but not marked (the enqueue lost to a Redis blip, or the
// mark to a database one) has its job queued again by the batch sweep. A re-run that finds the batch
// finished queues the job again; its id is the batch's, and deliveries are unique per batch and
// target, so nothing is sent twice. A batch this misses (an error here) is left to the batch sweep.
import type { Clock } from '@platen/contracts';
import type { BatchRecords } from '@platen/db';
import { enqueueBatchEvent, type WebhookQueue } from '@platen/webhooks';
import type { Logger } from 'pino';
import type { RenderFinalState } from './result-publisher.js';

export interface BatchFinisher {
  /** Called after every final state of a render; does nothing for a single render. */
  settle(render: Pick<RenderFinalState, 'render_id' | 'batch_id'>): Promise<void>;
}

export function createBatchFinisher({
  batches,
  webhookQueue,
  clock,
  logger,
}: {
  batches: Pick<BatchRecords, 'finishIfDone' | 'find' | 'markFinishedEventQueued'>;
  webhookQueue: WebhookQueue;
  clock: Clock;
  logger: Logger;
}): BatchFinisher {
  return {
    async settle({ render_id: renderId, batch_id: batchId }) {
      if (!batchId) return;
      const won = await batches.finishIfDone(batchId, clock.now());
      if (won) logger.info({ batch_id: batchId, render_id: renderId }, 'batch finished');
      const batch = won ?? (await batches.find(batchId));
      if (batch?.status !== 'finished') return;
      await enqueueBatchEvent(webhookQueue, { batch_id: batchId });
      await batches.markFinishedEventQueued(batchId, clock.now());
    },
  };
}
