// The BullMQ worker on the `webhooks` queue, beside the render worker in the same process but with
// its own concurrency: a receiver that hangs for the 10 s deadline holds one of its slots, never a
// render slot. `deliver` jobs make one attempt each; a failed attempt goes back to BullMQ's delayed
// set (RetryLaterError → the custom backoff strategy), so the retry lives in Redis, not in memory.
import { bullPrefix, QUEUE_NAMES } from '@platen/queue';
import {
  deliveryJobSchema,
  renderEventJobSchema,
  RetryLaterError,
  WEBHOOK_JOB_NAMES,
  webhookBackoffStrategy,
  type RetrySchedule,
  type WebhookDeliverer,
  type WebhookJob,
} from '@platen/webhooks';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { RenderWebhookEvents } from './render-webhook-events.js';

/** Deliveries at once per process: mostly waiting on receivers, so more than render slots. */
export const DEFAULT_WEBHOOK_CONCURRENCY = 8;

export interface WebhookWorkerDeps {
  connection: ConnectionOptions;
  redisPrefix: string;
  deliverer: WebhookDeliverer;
  events: RenderWebhookEvents;
  /** The same schedule the deliverer uses; it also paces retries of unexpected errors. */
  schedule: RetrySchedule;
  logger: Logger;
  concurrency?: number;
  autorun?: boolean;
}

export function createWebhookWorker(deps: WebhookWorkerDeps): Worker<WebhookJob, unknown, string> {
  const { deliverer, events, logger } = deps;

  async function deliver(job: Job<WebhookJob, unknown, string>) {
    const parsed = deliveryJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('deliver job without a valid delivery_id');
    const deliveryId = parsed.data.delivery_id;
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

  async function fanOut(job: Job<WebhookJob, unknown, string>) {
    const parsed = renderEventJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('render-event job without a valid render_id/status');
    const pending = await events.fanOut(parsed.data);
    logger.debug({ render_id: parsed.data.render_id, pending }, 'render webhook event fanned out');
    return { pending };
  }

  const handlers: Record<string, ((job: Job<WebhookJob, unknown, string>) => Promise<unknown>) | undefined> =
    {
      [WEBHOOK_JOB_NAMES.deliver]: deliver,
      [WEBHOOK_JOB_NAMES.renderEvent]: fanOut,
    };

  const worker = new Worker<WebhookJob, unknown, string>(
    QUEUE_NAMES.webhooks,
    async (job) => {
      const handler = handlers[job.name];
      if (!handler) {
        logger.error({ job_id: job.id, job_name: job.name }, 'job name has no handler');
        throw new UnrecoverableError(`no handler for job name "${job.name}"`);
      }
      return handler(job);
    },
    {
      connection: deps.connection,
      prefix: bullPrefix(deps.redisPrefix),
      concurrency: deps.concurrency ?? DEFAULT_WEBHOOK_CONCURRENCY,
      settings: { backoffStrategy: webhookBackoffStrategy(deps.schedule) },
      autorun: deps.autorun ?? true,
    },
  );
  worker.on('failed', (job, error) => {
    if (error instanceof RetryLaterError) return;
    logger.error({ err: error, job_id: job?.id, job_name: job?.name }, 'webhook job failed');
  });
  worker.on('error', (error) => logger.error({ err: error }, 'webhook worker error'));
  return worker;
}
