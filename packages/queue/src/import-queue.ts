// The `mockup-imports` queue contract between the gateway (producer: an uploaded PSD or JSON manifest)
// and the render-worker (consumer). jobId = mockup uuid, so one upload can never be imported twice.
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { QueueJobs } from './job-worker.js';
import { bullPrefix, QUEUE_NAMES } from './names.js';

export const IMPORT_JOB_NAME = 'import-mockup';

export const importJobSchema = z.object({ mockup_id: z.uuid() });
export type ImportJob = z.infer<typeof importJobSchema>;

export const IMPORT_QUEUE_JOBS = {
  queue: QUEUE_NAMES.imports,
  jobs: { [IMPORT_JOB_NAME]: importJobSchema },
} as const satisfies QueueJobs;

/** A storage or database hiccup is retried; a PSD that cannot be imported fails at once. */
export const IMPORT_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export type ImportQueue = Queue<ImportJob, unknown, typeof IMPORT_JOB_NAME>;

export function createImportQueue(connection: ConnectionOptions, redisPrefix: string): ImportQueue {
  return new Queue<ImportJob, unknown, typeof IMPORT_JOB_NAME>(QUEUE_NAMES.imports, {
    connection,
    prefix: bullPrefix(redisPrefix),
    defaultJobOptions: IMPORT_JOB_OPTIONS,
  });
}

export async function enqueueImport(queue: ImportQueue, mockupId: string): Promise<void> {
  await queue.add(IMPORT_JOB_NAME, { mockup_id: mockupId }, { jobId: mockupId });
}
