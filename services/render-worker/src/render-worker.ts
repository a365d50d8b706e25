// The BullMQ worker on the `renders` queue, built by packages/queue's job-worker factory: one handler
// per declared job name, checked before the first job (like Immich, a job name without a handler stops
// the process at start, not at 3 a.m.). A job with an unknown name that still arrives fails loudly and
// is never retried; a render that fails for good is settled once by the processor's final-failure hook.
import {
  assertEveryJobHasAHandler as assertHandlers,
  createJobWorker,
  RENDER_QUEUE_JOBS,
  type JobHandlers,
  type RenderJob,
} from '@platen/queue';
import type { ConnectionOptions, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { RenderMetrics } from './metrics.js';
import type { RenderJobOutcome, RenderProcessor } from './render-processor.js';

export type RenderJobHandlers = JobHandlers<typeof RENDER_QUEUE_JOBS.jobs, RenderJobOutcome>;

export interface WorkerSettings {
  concurrency: number;
  /** A job whose lock is not renewed this long is considered abandoned (its worker died). */
  lockDuration: number;
  /** How often abandoned jobs are looked for and put back in the queue. */
  stalledInterval: number;
  /** A job abandoned more often than this fails (RENDER_FAILED, refunded) instead of crashing workers forever. */
  maxStalledCount: number;
}

/**
 * Locks are renewed every lockDuration / 2 on the event loop, which the compositor keeps free (its
 * kernels run on worker threads), so a short lock is safe; a SIGKILLed worker's job is picked up
 * by another within lockDuration + 2 × stalledInterval (≈ 20 s).
 */
export const DEFAULT_WORKER_SETTINGS: Omit<WorkerSettings, 'concurrency'> = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 2,
};

export interface RenderWorkerDeps {
  connection: ConnectionOptions;
  redisPrefix: string;
  handlers: Partial<RenderJobHandlers>;
  processor: Pick<RenderProcessor, 'classify' | 'onRetry' | 'onFinalFailure'>;
  metrics: RenderMetrics;
  logger: Logger;
  settings: Pick<WorkerSettings, 'concurrency'> & Partial<WorkerSettings>;
  autorun?: boolean;
}

export function assertEveryJobHasAHandler(handlers: Partial<RenderJobHandlers>): RenderJobHandlers {
  return assertHandlers(RENDER_QUEUE_JOBS.jobs, handlers);
}

export function createRenderWorker(deps: RenderWorkerDeps): Worker<RenderJob, RenderJobOutcome, string> {
  const { logger, metrics, processor } = deps;
  const settings = { ...DEFAULT_WORKER_SETTINGS, ...deps.settings };
  const worker = createJobWorker({
    declared: RENDER_QUEUE_JOBS,
    handlers: deps.handlers,
    classify: processor.classify,
    onRetry: processor.onRetry,
    onFinalFailure: processor.onFinalFailure,
    connection: deps.connection,
    redisPrefix: deps.redisPrefix,
    logger,
    worker: {
      concurrency: settings.concurrency,
      lockDuration: settings.lockDuration,
      stalledInterval: settings.stalledInterval,
      maxStalledCount: settings.maxStalledCount,
    },
    ...(deps.autorun === undefined ? {} : { autorun: deps.autorun }),
  });
  worker.on('stalled', (jobId) => {
    metrics.jobs.inc({ outcome: 'stalled' });
    logger.warn({ job_id: jobId }, 'job stalled (its worker stopped renewing the lock): back in the queue');
  });
  return worker as unknown as Worker<RenderJob, RenderJobOutcome, string>;
}
