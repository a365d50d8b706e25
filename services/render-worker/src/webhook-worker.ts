// The BullMQ worker on the `webhooks` queue, beside the render worker in the same process but with
// its own concurrency: a receiver that hangs for the 10 s deadline holds one of its slots, never a
// render slot. `deliver` jobs make one attempt each; a failed attempt goes back to BullMQ's delayed
// set (RetryLaterError → the custom backoff strategy), so the retry lives in Redis, not in memory.
import {
  createJobWorker,
  WEBHOOK_QUEUE_JOBS,
  type BatchEventJob,
  type DeliveryJob,
  type JobContext,
  type RenderEventJob,
  type WebhookJob,
} from '@platen/queue';
import {
  RetryLaterError,
  webhookBackoffStrategy,
  type RetrySchedule,
  type WebhookDeliverer,
} from '@platen/webhooks';
import type { ConnectionOptions, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { BatchWebhookEvents } from './batch-webhook-events.js';
import type { RenderWebhookEvents } from './render-webhook-events.js';

/** Deliveries at once per process: mostly waiting on receivers, so more than render slots. */
export const DEFAULT_WEBHOOK_CONCURRENCY = 8;

export interface WebhookWorkerDeps {
  connection: ConnectionOptions;
  redisPrefix: string;
  deliverer: WebhookDeliverer;
  events: RenderWebhookEvents;
  batchEvents: BatchWebhookEvents;
  /** The same schedule the deliverer uses; it also paces retries of unexpected errors. */
  schedule: RetrySchedule;
  logger: Logger;
  concurrency?: number;
  autorun?: boolean;
}

export function createWebhookWorker(deps: WebhookWorkerDeps): Worker<WebhookJob, unknown, string> {
  const { deliverer, events, batchEvents, logger } = deps;

  async function deliver({ delivery_id: deliveryId }: DeliveryJob, { job }: JobContext) {
    const outcome = await deliverer.deliver(deliveryId);
    const log = logger.child({ delivery_id: deliveryId, job_id: job.id });
    switch (outcome.status) {
      case 'skipped':
        log.info({ reason: outcome.reason }, 'webhook delivery skipped');
        return outcome;
      case 'delivered':
        log.info({ attempt: outcome.attempt }, 'webhook delivered');
        return outcome;
      case 'failed':
        log.warn(
          { attempt: outcome.attempt, error: outcome.error, endpoint_disabled: outcome.endpointDisabled },
          'webhook delivery failed for good',
        );
        return outcome;
      case 'retry':
        log.info(
          { attempt: outcome.attempt, error: outcome.error, retry_in_ms: outcome.delayMs },
          'webhook attempt failed: will retry',
        );
        throw new RetryLaterError(outcome.delayMs, outcome.error ?? 'webhook attempt failed');
    }
  }

  async function fanOut(event: RenderEventJob) {
    const pending = await events.fanOut(event);
    logger.debug({ render_id: event.render_id, pending }, 'render webhook event fanned out');
    return { pending };
  }

  async function batchFanOut(event: BatchEventJob) {
    const pending = await batchEvents.fanOut(event);
    logger.debug({ batch_id: event.batch_id, pending }, 'batch.finished fanned out');
    return { pending };
  }

  // Every failure is worth another attempt (a RetryLaterError brings its own delay) until the job's
  // attempts run out; a deliver job's own retry schedule is kept in Postgres by the deliverer.
  const worker = createJobWorker({
    declared: WEBHOOK_QUEUE_JOBS,
    handlers: { deliver, 'render-event': fanOut, 'batch-event': batchFanOut },
    onFinalFailure: ({ job, error }) => {
      logger.error({ err: error, job_id: job.id, job_name: job.name }, 'webhook job failed');
      return Promise.resolve();
    },
    connection: deps.connection,
    redisPrefix: deps.redisPrefix,
    logger,
    worker: {
      concurrency: deps.concurrency ?? DEFAULT_WEBHOOK_CONCURRENCY,
      settings: { backoffStrategy: webhookBackoffStrategy(deps.schedule) },
    },
    ...(deps.autorun === undefined ? {} : { autorun: deps.autorun }),
  });
  return worker as unknown as Worker<WebhookJob, unknown, string>;
}
