// The BullMQ worker on the `renders` queue: one handler per job name, checked before the first job
// (like Immich, a job name without a handler stops the process at start, not at 3 a.m.). A job with
// an unknown name that still arrives fails loudly and is never retried.
import { QUEUE_NAMES, RENDER_JOB_NAME, bullPrefix, type RenderJob } from '@platen/queue';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { RenderMetrics } from './metrics.js';
import type { RenderJobOutcome, RenderProcessor } from './render-processor.js';

/** Every job name the producers of the `renders` queue use (packages/queue). */
export const RENDER_QUEUE_JOB_NAMES = [RENDER_JOB_NAME] as const;

type Handler = (
  job: Job<RenderJob, unknown, string>,
  token?: string,
  signal?: AbortSignal,
) => Promise<RenderJobOutcome>;
export type RenderJobHandlers = Record<(typeof RENDER_QUEUE_JOB_NAMES)[number], Handler>;

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
  processor: Pick<RenderProcessor, 'onFailed'>;
  metrics: RenderMetrics;
  logger: Logger;
  settings: Pick<WorkerSettings, 'concurrency'> & Partial<WorkerSettings>;
  autorun?: boolean;
}

export function assertEveryJobHasAHandler(handlers: Partial<RenderJobHandlers>): RenderJobHandlers {
  const missing = RENDER_QUEUE_JOB_NAMES.filter((name) => typeof handlers[name] !== 'function');
  if (missing.length > 0) throw new Error(`no handler for job name(s): ${missing.join(', ')}`);
  return handlers as RenderJobHandlers;
}

export function createRenderWorker(deps: RenderWorkerDeps): Worker<RenderJob, RenderJobOutcome, string> {
  const { logger, metrics } = deps;
  const handlers: Record<string, Handler | undefined> = assertEveryJobHasAHandler(deps.handlers);
  const settings = { ...DEFAULT_WORKER_SETTINGS, ...deps.settings };

  // Three parameters on purpose: BullMQ passes an AbortSignal only to processors declaring it.
  const processor = async (job: Job<RenderJob, unknown, string>, token?: string, signal?: AbortSignal) => {
    const handler = handlers[job.name];
    if (!handler) {
      logger.error({ job_id: job.id, job_name: job.name }, 'job name has no handler');
      throw new UnrecoverableError(`no handler for job name "${job.name}"`);
    }
    return handler(job, token, signal);
  };

  const worker = new Worker<RenderJob, RenderJobOutcome, string>(QUEUE_NAMES.renders, processor, {
    connection: deps.connection,
    prefix: bullPrefix(deps.redisPrefix),
    concurrency: settings.concurrency,
    lockDuration: settings.lockDuration,
    stalledInterval: settings.stalledInterval,
    maxStalledCount: settings.maxStalledCount,
    autorun: deps.autorun ?? true,
  });
  worker.on('failed', (job, error) => {
    deps.processor
      .onFailed(job, error)
      .catch((settleError: unknown) =>
        logger.error({ err: settleError, job_id: job?.id }, 'failed job not settled'),
      );
  });
  worker.on('stalled', (jobId) => {
    metrics.jobs.inc({ outcome: 'stalled' });
    logger.warn({ job_id: jobId }, 'job stalled (its worker stopped renewing the lock): back in the queue');
  });
  worker.on('error', (error) => logger.error({ err: error }, 'worker error'));
  return worker;
}
