// The `render-event` job: a render reached its final state, so its `render.succeeded`/`render.failed`
// event gets one delivery per target (the render's webhook_url, each subscribed endpoint) and one
// `deliver` job each. Idempotent: the delivery rows are unique per (render, event, target) and the
// jobs' ids are the delivery ids, so a re-run creates and sends nothing twice.
import type { DeliveryStore, RenderEventJob, WebhookQueue } from '@platen/webhooks';
import { enqueueDelivery } from '@platen/webhooks';
import type { RenderObjects } from './render-object.js';

export interface RenderWebhookEvents {
  /** Returns how many deliveries are pending for the event. */
  fanOut(event: RenderEventJob): Promise<number>;
}

export function createRenderWebhookEvents({
  renders,
  deliveries,
  queue,
  batchSendsRenderEvents = () => Promise.resolve(true),
}: {
  renders: RenderObjects;
  deliveries: Pick<DeliveryStore, 'createForEvent'>;
  queue: WebhookQueue;
  /** False for a batch created with render_webhooks: false (its renders send no events of their own). */
  batchSendsRenderEvents?: (batchId: string) => Promise<boolean>;
}): RenderWebhookEvents {
  return {
    async fanOut({ render_id, status }) {
      const loaded = await renders.load(render_id);
      // The row says otherwise (or is gone): nothing happened that this event would describe.
      if (!loaded || loaded.render.status !== status) return 0;
      const batchId = loaded.render.batch_uuid;
      if (batchId !== null && !(await batchSendsRenderEvents(batchId))) return 0;
      const pending = await deliveries.createForEvent({
        accountId: loaded.accountId,
        renderId: render_id,
        eventType: `render.${status}`,
        payload: loaded.render,
        webhookUrl: loaded.webhookUrl,
      });
      for (const deliveryId of pending) await enqueueDelivery(queue, deliveryId);
      return pending.length;
    },
  };
}
