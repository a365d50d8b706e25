// The `webhooks` queue contract. Two jobs: `render-event` (fan a finished render out into delivery
// rows, one per target) and `deliver` (ONE attempt of one delivery; jobId = delivery id). A retry is
// the same job moved to BullMQ's delayed set with the delay the deliverer chose, so it lives in Redis
// and survives a worker restart; attempts are counted in Postgres, BullMQ's `attempts` is only a bound.
// Job names and payload schemas are declared in packages/queue, beside the other queues.
import {
  bullPrefix,
  QUEUE_NAMES,
  WEBHOOK_JOB_NAMES,
  type BatchEventJob,
  type RenderEventJob,
  type WebhookJob,
  type WebhookJobName,
} from '@platen/queue';
import { Queue, type BackoffStrategy, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { RetrySchedule } from './retry-schedule.js';

export type WebhookQueue = Queue<WebhookJob, unknown, WebhookJobName>;

/** The custom backoff type: the delay comes from the deliverer (RetryLaterError) or the schedule. */
export const WEBHOOK_BACKOFF_TYPE = 'webhook-schedule';

const DELIVERY_JOB_OPTIONS: JobsOptions = {
  // The retry schedule decides when to stop (in Postgres); this only bounds a job that keeps crashing.
  attempts: 50,
  backoff: { type: WEBHOOK_BACKOFF_TYPE },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** A fan-out touches only Postgres and Redis: retried quickly while those come back. */
const RENDER_EVENT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export function createWebhookQueue(connection: ConnectionOptions, redisPrefix: string): WebhookQueue {
  return new Queue<WebhookJob, unknown, WebhookJobName>(QUEUE_NAMES.webhooks, {
    connection,
    prefix: bullPrefix(redisPrefix),
  });
}

/** One job per render and final status, however often the render job announces it. */
export async function enqueueRenderEvent(queue: WebhookQueue, event: RenderEventJob): Promise<void> {
  await queue.add(WEBHOOK_JOB_NAMES.renderEvent, event, {
    ...RENDER_EVENT_JOB_OPTIONS,
    jobId: `render-event_${event.render_id}_${event.status}`,
  });
}

/** One job per finished batch, however many of its renders' jobs saw it finished. */
export async function enqueueBatchEvent(queue: WebhookQueue, event: BatchEventJob): Promise<void> {
  await queue.add(WEBHOOK_JOB_NAMES.batchEvent, event, {
    ...RENDER_EVENT_JOB_OPTIONS,
    jobId: `batch-event_${event.batch_id}`,
  });
}

/**
 * Starts delivering. jobId defaults to the delivery id, so enqueueing a pending delivery twice is a
 * no-op; a redelivery of a finished one passes its own jobId (e.g. `<delivery id>_r<attempts>`).
 */
export async function enqueueDelivery(
  queue: WebhookQueue,
  deliveryId: string,
  { jobId = deliveryId }: { jobId?: string } = {},
): Promise<void> {
  await queue.add(WEBHOOK_JOB_NAMES.deliver, { delivery_id: deliveryId }, { ...DELIVERY_JOB_OPTIONS, jobId });
}

/** Thrown by a `deliver` job whose attempt failed and that should run again after `delayMs`. */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
  constructor(
    readonly delayMs: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The worker's `settings.backoffStrategy`: a RetryLaterError's own delay; anything unexpected (the
 * database was down) waits as the schedule says for that job attempt, or its last delay beyond it.
 */
export function webhookBackoffStrategy(schedule: RetrySchedule): BackoffStrategy {
  return (attemptsMade, _type, error) => {
    if (error instanceof RetryLaterError) return error.delayMs;
    const attempt = Math.min(Math.max(attemptsMade, 1), schedule.maxAttempts - 1);
    return schedule.delayAfter(attempt) ?? 60_000;
  };
}
