// The net under the batch finisher: every render's final state tries to finish its batch, but that
// try can fail (a database error is only logged there) or come before the last refund is recorded
// (the gateway records late refunds of renders it could not queue, and finishes nothing). So every
// worker sweeps now and then: one UPDATE finishes the oldest done batches still processing, each won
// by exactly one caller (sweep or finisher), and the winner queues the batch's `batch-event` job.
// The sweep then queues the job of every finished batch not marked as having it queued: whoever
// finished it lost the enqueue (a Redis blip) or its mark. Queueing twice is harmless: the job's id is
// the batch's, so a job still kept is not added again, and a re-run sends nothing twice.
import type { Clock } from '@platen/contracts';
import type { BatchRecords } from '@platen/db';
import { enqueueBatchEvent, type WebhookQueue } from '@platen/webhooks';
import type { Logger } from 'pino';

export interface BatchSweep {
  /**
   * One round: the batches this call finished (at most the sweep's limit; the rest wait for the next),
   * then the `batch-event` jobs of finished batches not marked queued, queued again.
   */
  sweepOnce(): Promise<number>;
  /** A round every `intervalMs`, never two at once. */
  start(intervalMs: number): void;
  /** Stops the rounds, waiting for one under way. */
  stop(): Promise<void>;
}

/** Batches finished per round: one bounded UPDATE, however many batches are in flight. */
const DEFAULT_LIMIT = 100;

export function createBatchSweep({
  batches,
  webhookQueue,
  clock,
  logger,
  limit = DEFAULT_LIMIT,
}: {
  batches: Pick<BatchRecords, 'finishAllDone' | 'finishedUnqueued' | 'markFinishedEventQueued'>;
  webhookQueue: WebhookQueue;
  clock: Clock;
  logger: Logger;
  limit?: number;
}): BatchSweep {
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<unknown> | undefined;

  async function sweepOnce(): Promise<number> {
    const finished = await batches.finishAllDone(clock.now(), limit);
    for (const batch of finished) logger.info({ batch_id: batch.id }, 'batch finished by the sweep');
    // Those just finished here are among them: they have no mark yet.
    for (const batch of await batches.finishedUnqueued(limit)) {
      try {
        await enqueueBatchEvent(webhookQueue, { batch_id: batch.id });
        await batches.markFinishedEventQueued(batch.id, clock.now());
      } catch (error) {
        logger.error({ err: error, batch_id: batch.id }, 'batch.finished not queued: next round retries');
      }
    }
    return finished.length;
  }

  return {
    sweepOnce,
    start(intervalMs) {
      timer = setInterval(() => {
        if (round) return;
        round = sweepOnce()
          .catch((error: unknown) => logger.warn({ err: error }, 'batch sweep failed; will retry'))
          .finally(() => (round = undefined));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await round;
    },
  };
}
