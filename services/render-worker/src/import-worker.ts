// The BullMQ worker on the `mockup-imports` queue, beside the render worker in the same process. One
// import at a time per process (an import holds a whole PSD and its decoded layers), with a lock long
// enough for a large file; the parse itself runs on a thread, so the lock keeps being renewed.
import { bullPrefix, IMPORT_JOB_NAME, importJobSchema, QUEUE_NAMES, type ImportJob } from '@platen/queue';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
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
  const worker = new Worker<ImportJob, ImportOutcome, string>(
    QUEUE_NAMES.imports,
    async (job: Job<ImportJob, ImportOutcome, string>) => {
      if (job.name !== IMPORT_JOB_NAME) throw new UnrecoverableError(`no handler for job name "${job.name}"`);
      const parsed = importJobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError('import job without a valid mockup_id');
      return importer.run(parsed.data.mockup_id);
    },
    {
      connection: deps.connection,
      prefix: bullPrefix(deps.redisPrefix),
      concurrency: deps.concurrency ?? 1,
      lockDuration: 60_000,
      stalledInterval: 15_000,
      maxStalledCount: 2,
      autorun: deps.autorun ?? true,
    },
  );
  worker.on('failed', (job, error) => {
    if (!job) return;
    const attemptsLeft = (job.opts.attempts ?? 1) - job.attemptsMade;
    const mockupId = importJobSchema.safeParse(job.data).data?.mockup_id;
    logger.warn(
      { err: error, mockup_id: mockupId, attempts_left: attemptsLeft },
      'mockup import attempt failed',
    );
    // Retries left: BullMQ runs it again. None (or a job that cannot run at all): the mockup fails now.
    if (attemptsLeft > 0 && !(error instanceof UnrecoverableError)) return;
    if (!mockupId) return;
    const failure = classifyImportFailure(error);
    importer
      .fail(mockupId, { ...failure, code: failure.transient ? 'IMPORT_FAILED' : failure.code })
      .catch((settleError: unknown) =>
        logger.error({ err: settleError, mockup_id: mockupId }, 'failed import not recorded'),
      );
  });
  worker.on('error', (error) => logger.error({ err: error }, 'import worker error'));
  return worker;
}
