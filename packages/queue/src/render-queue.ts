// The `renders` queue contract between the gateway (producer) and the render-worker (consumer).
// jobId = render uuid, so a retried enqueue can never create a second job for one render.
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { QueueJobs } from './job-worker.js';
import { bullPrefix, QUEUE_NAMES } from './names.js';

export const RENDER_JOB_NAME = 'render';

export const renderJobSchema = z.object({ render_id: z.uuid() });
export type RenderJob = z.infer<typeof renderJobSchema>;

export const RENDER_QUEUE_JOBS = {
  queue: QUEUE_NAMES.renders,
  jobs: { [RENDER_JOB_NAME]: renderJobSchema },
} as const satisfies QueueJobs;

/** Transient failures (asset server 5xx, timeouts) are retried with backoff; permanent ones fail at once. */
export const RENDER_JOB_OPTIONS: JobsOptions = {
  attempts: 4,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export type RenderQueue = Queue<RenderJob, unknown, typeof RENDER_JOB_NAME>;

export function createRenderQueue(connection: ConnectionOptions, redisPrefix: string): RenderQueue {
  return new Queue<RenderJob, unknown, typeof RENDER_JOB_NAME>(QUEUE_NAMES.renders, {
    connection,
    prefix: bullPrefix(redisPrefix),
    defaultJobOptions: RENDER_JOB_OPTIONS,
  });
}

export async function enqueueRender(queue: RenderQueue, renderId: string): Promise<void> {
  await queue.add(RENDER_JOB_NAME, { render_id: renderId }, { jobId: renderId });
}

/** Published by the worker on `render.finished` once a render reached a final state (for ?wait=N). */
export const renderFinishedEventSchema = z.object({
  render_id: z.uuid(),
  status: z.enum(['succeeded', 'failed']),
});
export type RenderFinishedEvent = z.infer<typeof renderFinishedEventSchema>;
