// The `webhooks` queue's job names and payloads, beside the other queues. Producers (and the queue's
// retry options and backoff) live in packages/webhooks; the consumer is the render-worker.
import { z } from 'zod';
import { QUEUE_NAMES } from './names.js';
import type { QueueJobs } from './job-worker.js';

export const WEBHOOK_JOB_NAMES = {
  deliver: 'deliver',
  renderEvent: 'render-event',
  batchEvent: 'batch-event',
} as const;
export type WebhookJobName = (typeof WEBHOOK_JOB_NAMES)[keyof typeof WEBHOOK_JOB_NAMES];

/** ONE attempt of one delivery; jobId = delivery id. */
export const deliveryJobSchema = z.object({ delivery_id: z.uuid() });
export type DeliveryJob = z.infer<typeof deliveryJobSchema>;

/** Fans a finished render out into delivery rows, one per target. */
export const renderEventJobSchema = z.object({
  render_id: z.uuid(),
  status: z.enum(['succeeded', 'failed']),
});
export type RenderEventJob = z.infer<typeof renderEventJobSchema>;

/** A batch finished: `batch.finished` fanned out into delivery rows, its parked artwork removed. */
export const batchEventJobSchema = z.object({ batch_id: z.uuid() });
export type BatchEventJob = z.infer<typeof batchEventJobSchema>;

export type WebhookJob = DeliveryJob | RenderEventJob | BatchEventJob;

export const WEBHOOK_QUEUE_JOBS = {
  queue: QUEUE_NAMES.webhooks,
  jobs: {
    [WEBHOOK_JOB_NAMES.deliver]: deliveryJobSchema,
    [WEBHOOK_JOB_NAMES.renderEvent]: renderEventJobSchema,
    [WEBHOOK_JOB_NAMES.batchEvent]: batchEventJobSchema,
  },
} as const satisfies QueueJobs;
