// Where a render's final state leaves the worker: the webhook event is queued (`render-event` on the
// `webhooks` queue, so a slow receiver never holds a render slot) and `render.finished` is published
// for ?wait=N; a batch render's batch may finish (if that fails here, the batch sweep finishes it).
// A render of a batch created with render_webhooks: false queues no event: its job would send nothing
// (when the batch cannot be read, the event is queued and its job decides).
// Wraps the ResultPublisher the processor and finalizer already call at every final state.
import { enqueueRenderEvent, type WebhookQueue } from '@platen/webhooks';
import type { Logger } from 'pino';
import type { BatchFinisher } from './batch-finisher.js';
import type { BatchRenderEvents } from './batch-render-events.js';
import type { RenderFinalState, ResultPublisher } from './result-publisher.js';

export function createFinishedAnnouncer({
  publisher,
  webhookQueue,
  logger,
  batches,
  batchRenderEvents,
}: {
  publisher: ResultPublisher;
  webhookQueue: WebhookQueue;
  logger: Logger;
  /** A batch render's final state may finish its batch. */
  batches?: BatchFinisher;
  /** Without it, every render's event is queued. */
  batchRenderEvents?: BatchRenderEvents;
}): ResultPublisher {
  async function queueEvent({ render_id, status, batch_id }: RenderFinalState): Promise<void> {
    if (batch_id !== null && batchRenderEvents) {
      const sends = await batchRenderEvents.sendsRenderEvents(batch_id).catch((error: unknown) => {
        logger.warn({ err: error, batch_id }, 'batch not read: render event queued for its job to decide');
        return true;
      });
      if (!sends) return;
    }
    await enqueueRenderEvent(webhookQueue, { render_id, status });
  }

  return {
    async publish(state: RenderFinalState) {
      const event = { render_id: state.render_id, status: state.status };
      const [queued, published] = await Promise.allSettled([queueEvent(state), publisher.publish(state)]);
      if (queued.status === 'rejected') {
        logger.error(
          { err: queued.reason as unknown, render_id: event.render_id },
          'render webhook event not queued',
        );
        throw queued.reason;
      }
      if (published.status === 'rejected') throw published.reason;
      await batches?.settle(state).catch((error: unknown) => {
        logger.warn(
          { err: error, render_id: state.render_id, batch_id: state.batch_id },
          'batch not settled here: the batch sweep will finish it',
        );
      });
    },
  };
}
