// Whether a batch's renders send webhook events of their own (its render_webhooks, fixed when the
// batch is created), remembered per process: the finished announcer asks it for every render of a
// batch before queueing a `render-event` job, and the job asks again. Concurrent first asks for one
// batch share one read; a failed read is not remembered.
import type { BatchRecords } from '@platen/db';

export interface BatchRenderEvents {
  /** True for a batch gone from the database too: the render-event job then decides, as before. */
  sendsRenderEvents(batchId: string): Promise<boolean>;
}

/** Batches remembered; the oldest is forgotten first (one read again if it is still running). */
const DEFAULT_MAX_BATCHES = 10_000;

export function createBatchRenderEvents({
  batches,
  maxBatches = DEFAULT_MAX_BATCHES,
}: {
  batches: Pick<BatchRecords, 'find'>;
  maxBatches?: number;
}): BatchRenderEvents {
  const known = new Map<string, Promise<boolean>>();
  return {
    sendsRenderEvents(batchId) {
      let answer = known.get(batchId);
      if (answer) return answer;
      answer = batches.find(batchId).then((batch) => batch?.render_webhooks ?? true);
      known.set(batchId, answer);
      answer.catch(() => known.delete(batchId));
      for (const oldest of known.keys()) {
        if (known.size <= maxBatches) break;
        known.delete(oldest);
      }
      return answer;
    },
  };
}
