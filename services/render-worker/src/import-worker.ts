// The BullMQ worker on the `mockup-imports` queue, beside the render worker in the same process. One
// import at a time per process (an import holds a whole PSD and its decoded layers), with a lock long
// enough for a large file; the parse itself runs on a thread, so the lock keeps being renewed.
// A storage or database hiccup is retried; a bad upload, or the last attempt, fails the mockup once.
import { createJobWorker, IMPORT_QUEUE_JOBS, type ImportJob } from '@platen/queue';
import type { ConnectionOptions, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { classifyImportFailure } from './import-failure.js';
import type { ImportOutcome, MockupImporter } from './mockup-importer.js';

export interface ImportWorkerDeps {
  connection: ConnectionOptions;
  redisPrefix: string;
  importer: MockupImporter;
  logger: Logger;
  concurrency?: number;
  autorun?: boolean;
}

export function createImportWorker(deps: ImportWorkerDeps): Worker<ImportJob, ImportOutcome, string> {
  const { importer, logger } = deps;
  const worker = createJobWorker({
    declared: IMPORT_QUEUE_JOBS,
    handlers: { 'import-mockup': ({ mockup_id }) => importer.run(mockup_id) },
    classify: (error) => (classifyImportFailure(error).transient ? 'transient' : 'permanent'),
    onRetry: ({ data, job, error }) =>
      logger.warn(
        {
          err: error,
          mockup_id: data.mockup_id,
          attempts_left: (job.opts.attempts ?? 1) - job.attemptsMade - 1,
        },
        'mockup import attempt failed',
      ),
    onFinalFailure: async ({ data, error }) => {
      const failure = classifyImportFailure(error);
      logger.warn({ err: error, mockup_id: data.mockup_id, code: failure.code }, 'mockup import failed');
      // A transient cause that outlived every attempt is ours, not the upload's: IMPORT_FAILED.
      await importer.fail(data.mockup_id, {
        ...failure,
        code: failure.transient ? 'IMPORT_FAILED' : failure.code,
      });
    },
    connection: deps.connection,
    redisPrefix: deps.redisPrefix,
    logger,
    worker: {
      concurrency: deps.concurrency ?? 1,
      lockDuration: 60_000,
      stalledInterval: 15_000,
      maxStalledCount: 2,
    },
    ...(deps.autorun === undefined ? {} : { autorun: deps.autorun }),
  });
  return worker as unknown as Worker<ImportJob, ImportOutcome, string>;
}
