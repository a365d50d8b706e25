// `?wait=N` on a batch: holds until the batch is finished or N seconds pass, woken as its renders
// end (render.finished). Each round reads the batch row and the id of one unfinished render, never
// the batch's render list: the caller reads that once, for its answer.
import type { BatchRecordRow, BatchRecords } from '@platen/db';
import type { RenderWaiter } from '../renders/render-waiter.js';

/** Longest wait on one render before the batch is read again. */
const WAIT_SLICE_MS = 2_000;
/** Once every render is final, how often the batch row is read until it is marked finished. */
const FINISH_POLL_MS = 100;

export type BatchWait = (first: BatchRecordRow, waitSeconds: number) => Promise<BatchRecordRow>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createBatchWait({
  batches,
  waiter,
}: {
  batches: Pick<BatchRecords, 'find' | 'firstUnfinishedRender'>;
  waiter: Pick<RenderWaiter, 'wait'>;
}): BatchWait {
  return async function settled(first, waitSeconds) {
    const deadline = Date.now() + waitSeconds * 1000;
    let batch = first;
    while (batch.status !== 'finished') {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const pending = await batches.firstUnfinishedRender(batch.id);
      if (pending) {
        const waiting = waiter.wait(pending, Math.min(left, WAIT_SLICE_MS));
        // Registered first: had it finished meanwhile, another render (or none) would be first now.
        if ((await batches.firstUnfinishedRender(batch.id)) !== pending) waiting.cancel();
        else await waiting.done;
      } else {
        // Every render is final; the batch is marked a moment later, once their refunds are recorded.
        await sleep(Math.min(left, FINISH_POLL_MS));
      }
      batch = (await batches.find(batch.id)) ?? batch;
    }
    return batch;
  };
}
