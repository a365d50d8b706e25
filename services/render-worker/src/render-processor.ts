// One render job, start to finish: load the row, fetch the artwork, composite, store the result under
// a key derived from the render uuid (a retry overwrites, never duplicates), mark the row, announce.
// Scheduling: a job over its account's share of the process's job slots is deferred before it counts
// as an attempt; artwork is fetched outside the compose slots, which are taken only for the pixel work.
// Run by packages/queue's job worker: it retries what `classify` calls transient and, for a permanent
// failure or the last attempt (or a job BullMQ failed itself), calls `onFinalFailure` once, which fails
// the render for good (refunded once).
import type { Compositor, ExportOptions, SmartObjectInput } from '@platen/compositor';
import { exportOptionsSchema, type Clock } from '@platen/contracts';
import type { Database } from '@platen/db';
import type { LoadedTemplate, StoredRenderInput } from '@platen/mockups';
import { storedRenderInputsSchema } from '@platen/mockups';
import {
  type FailedJob,
  type FailureKind,
  type FinalFailure,
  type JobContext,
  type RENDER_QUEUE_JOBS,
  type RenderJob,
} from '@platen/queue';
import type { ObjectStorage } from '@platen/storage';
import { renderResultKey } from '@platen/storage';
import { UnrecoverableError } from 'bullmq';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AccountAdmission } from './account-admission.js';
import { createArtworkLoader, type FetchAsset } from './artwork-loader.js';
import { createBatchArtworkCache } from './batch-artwork-cache.js';
import { RefundFailedError, type CreditsClient } from './credits-client.js';
import type { ComposeSlots } from './compose-slots.js';
import { classifyFailure, type RenderFailure } from './failure-codes.js';
import { templateLabel, type RenderMetrics } from './metrics.js';
import { RenderFailureError } from './render-failure.js';
import { makePrintFiles, parsePrintFiles, storePrintFiles } from './print-files.js';
import { createRenderFinalizer } from './render-finalizer.js';
import { createRenderStore, type RenderRecord } from './render-store.js';
import type { ResultPublisher } from './result-publisher.js';
import { createTemplateCache } from './template-cache.js';

type RenderJobs = (typeof RENDER_QUEUE_JOBS)['jobs'];

export interface RenderProcessorDeps {
  db: Kysely<Database>;
  storage: ObjectStorage;
  fetchAsset: FetchAsset;
  compositor: Pick<Compositor, 'prepare' | 'render' | 'printFile'>;
  /** Per-account share of this process's job slots (jobs over it are deferred, not attempted). */
  admission: AccountAdmission;
  /** The few CPU slots compositing runs in, shared round-robin between accounts. */
  composeSlots: ComposeSlots;
  loadTemplate: (mockupId: string) => Promise<LoadedTemplate | undefined>;
  credits: CreditsClient;
  publisher: ResultPublisher;
  logger: Logger;
  clock: Clock;
  metrics: RenderMetrics;
  /** Cap for inline (base64) artwork; docs/api.md's default asset cap. */
  maxInlineAssetBytes?: number;
  /** Parked batch artwork kept in memory, so a batch's renders read and hash it once (default 64 MiB). */
  batchArtworkCacheBytes?: number;
  /** How long a job whose refund could not be confirmed waits before trying again. */
  refundRetryDelayMs?: number;
}

export interface RenderJobOutcome {
  status: 'succeeded' | 'failed';
  result_key?: string;
}

export interface RenderProcessor {
  /** The `render` job's handler. */
  process: (data: RenderJob, context: JobContext) => Promise<RenderJobOutcome>;
  /** Retry or not: the failure code table's verdict. */
  classify: (error: Error) => FailureKind;
  onRetry: (failed: FailedJob<RenderJobs>) => void;
  /** Fails the render for good, refunded once; also for renders BullMQ failed itself (stalled too often). */
  onFinalFailure: (failure: FinalFailure<RenderJobs>) => Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  avif: 'image/avif',
};

const DEFAULT_INLINE_CAP = 25 * 1024 * 1024;
const DEFAULT_BATCH_ARTWORK_CACHE_BYTES = 64 * 1024 * 1024;
/** BullMQ's failedReason for a job whose worker died (lock lost) more often than maxStalledCount. */
const STALLED_TOO_OFTEN = 'job stalled more than allowable limit';

export function createRenderProcessor(deps: RenderProcessorDeps): RenderProcessor {
  const { storage, compositor, publisher, logger, clock, metrics, admission, composeSlots } = deps;
  const store = createRenderStore({ db: deps.db, clock });
  const finalizer = createRenderFinalizer({ store, credits: deps.credits, publisher, logger, clock });
  const loadArtwork = createArtworkLoader({
    storage,
    fetchAsset: deps.fetchAsset,
    maxInlineBytes: deps.maxInlineAssetBytes ?? DEFAULT_INLINE_CAP,
    batchArtwork: createBatchArtworkCache({
      maxBytes: deps.batchArtworkCacheBytes ?? DEFAULT_BATCH_ARTWORK_CACHE_BYTES,
    }),
  });
  const templates = createTemplateCache({ loadTemplate: deps.loadTemplate });
  const refundRetryDelayMs = deps.refundRetryDelayMs ?? 30_000;

  const announce = (row: RenderRecord, status: 'succeeded' | 'failed', log: Logger) =>
    publisher
      .publish({ render_id: row.id, status, batch_id: row.batch_id })
      .catch((error: unknown) => log.warn({ err: error }, 'render.finished not published'));

  /** Everything that can go wrong in here is classified by the caller. */
  async function render(
    row: RenderRecord,
    mockupVersion: number | null,
    signal: AbortSignal | undefined,
    log: Logger,
  ) {
    const template = await templates.get(row.mockup_id, mockupVersion);
    if (!template) throw new RenderFailureError('RENDER_FAILED', 'The mockup no longer exists');
    const inputs = parseInputs(row.inputs);
    const exportOptions = parseExportOptions(row.export_options);
    const printRequests = parsePrintFiles(row.print_files);
    const started = clock.now().getTime();

    // A slow or dead artwork host costs this job's connection here, not one of the compose slots.
    const artwork = await fetchAll(row, inputs, signal);
    const { output, printFiles } = await composeSlots.run(
      row.account_id,
      async () => {
        const prepared = await compositor.prepare(template.source, template.loadAssets);
        const compositorInputs = toCompositorInputs(inputs, artwork);
        const rendered = await compositor.render(prepared, compositorInputs, exportOptions);
        return {
          output: rendered,
          printFiles: await makePrintFiles(compositor, prepared, compositorInputs, printRequests),
        };
      },
      signal,
    );
    const key = renderResultKey(row.id, output.format);
    const [storedPrintFiles] = await Promise.all([
      storePrintFiles(storage, row.id, printFiles),
      storage.put(key, output.data, CONTENT_TYPES[output.format] ?? 'application/octet-stream'),
    ]);

    const result = {
      key,
      width: output.width,
      height: output.height,
      format: output.format,
      bytes: output.data.length,
      warnings: output.warnings,
      ...(printRequests.length > 0 ? { print_files: storedPrintFiles } : {}),
    };
    if (await store.markSucceeded(row.id, result)) {
      metrics.renderDuration.observe(
        { template: templateLabel(template) },
        (clock.now().getTime() - started) / 1000,
      );
      log.info(
        { result_key: key, bytes: result.bytes, warnings: result.warnings.map((w) => w.code) },
        'render succeeded',
      );
    } else {
      log.warn('render finished by another attempt first; result left as written');
    }
    await announce(row, 'succeeded', log);
    return key;
  }

  /** All artwork in parallel; the first failure cancels the other downloads. */
  async function fetchAll(row: RenderRecord, inputs: StoredRenderInput[], signal: AbortSignal | undefined) {
    const controller = new AbortController();
    const combined = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
    try {
      return await Promise.all(inputs.map((input) => loadArtwork(row.id, input, combined, row.batch_id)));
    } finally {
      controller.abort();
    }
  }

  async function process(data: RenderJob, context: JobContext): Promise<RenderJobOutcome> {
    const { job, signal } = context;
    const renderId = data.render_id;
    const log = logger.child({ render_id: renderId, job_id: job.id, attempt: context.attempt });
    const { leave, mockupVersion } = await admit(context, renderId, log);
    if (job.attemptsMade === 0 && job.processedOn !== undefined) {
      metrics.queueWait.observe(Math.max(0, job.processedOn - job.timestamp) / 1000);
    }

    try {
      const started = await startAttempt(renderId, log);
      if ('final' in started) return { status: started.final };
      try {
        const key = await render(started.row, mockupVersion, signal, log);
        metrics.jobs.inc({ outcome: 'succeeded' });
        return { status: 'succeeded', result_key: key };
      } catch (error) {
        if (!signal?.aborted) throw error;
        // Shutting down (or the lock is gone): hand the job back untouched; it does not count as an attempt.
        log.info('render interrupted: returning the job to the queue');
        metrics.jobs.inc({ outcome: 'returned' });
        return await context.defer(0);
      }
    } catch (error) {
      if (!(error instanceof RefundFailedError)) throw error;
      log.error({ err: error }, 'render failed but the refund is not confirmed yet: will try again');
      return await context.defer(refundRetryDelayMs);
    } finally {
      leave();
    }
  }

  /**
   * Takes one of the account's job slots in this process, or hands the job back to the queue for later
   * (DelayedError: not an attempt, the row untouched) when the account already has its share in hand.
   * The same read names the mockup's live version, which the render's template is taken at.
   */
  async function admit(
    context: JobContext,
    renderId: string,
    log: Logger,
  ): Promise<{ leave: () => void; mockupVersion: number | null }> {
    const { job } = context;
    const found = await store.admissionOf(renderId);
    if (found === undefined) return { leave: () => undefined, mockupVersion: null }; // startAttempt fails it loudly
    const accountId = found.account_id;
    const leave = admission.tryEnter(accountId);
    if (leave) return { leave, mockupVersion: found.mockup_version };
    // attemptsStarted counts this start too; starts that were not attempts are earlier deferrals.
    const deferrals = Math.max(0, (job.attemptsStarted ?? 1) - 1 - job.attemptsMade);
    const delayMs = admission.deferDelayMs(deferrals);
    metrics.jobs.inc({ outcome: 'deferred' });
    log.debug({ account_id: accountId, delay_ms: delayMs }, 'account has its share of job slots: deferred');
    // Promoting a delayed job moves it to the waiting list at once; one no longer delayed refuses.
    admission.deferred(accountId, () => job.promote());
    return context.defer(delayMs);
  }

  /**
   * The row for this attempt (counted, status processing), or the final status when the render is
   * final already: a success is announced again, a failure has its refund settled again (idempotent).
   */
  async function startAttempt(
    renderId: string,
    log: Logger,
  ): Promise<{ row: RenderRecord } | { final: 'succeeded' | 'failed' }> {
    const row = await store.markProcessing(renderId);
    if (row) return { row };
    const current = await store.find(renderId);
    if (current?.status === 'succeeded') {
      await announce(current, 'succeeded', log);
      return { final: 'succeeded' };
    }
    if (current?.status === 'failed') {
      await finalizer.settleFailed(current);
      return { final: 'failed' };
    }
    log.error('render job for a render that does not exist');
    throw new UnrecoverableError(`render ${renderId} does not exist`);
  }

  function classify(error: Error): FailureKind {
    return classifyFailure(error).transient ? 'transient' : 'permanent';
  }

  function onRetry({ data, job, error }: FailedJob<RenderJobs>): void {
    metrics.jobs.inc({ outcome: 'retried' });
    logger.warn(
      {
        err: error,
        render_id: data.render_id,
        job_id: job.id,
        attempt: job.attemptsMade + 1,
        code: classifyFailure(error).code,
        max_attempts: job.opts.attempts ?? 1,
      },
      'render attempt failed: will retry',
    );
  }

  async function onFinalFailure({ data, job, error, defer }: FinalFailure<RenderJobs>): Promise<void> {
    const row = await store.find(data.render_id);
    if (!row || (row.status !== 'queued' && row.status !== 'processing')) return;
    const failure: RenderFailure =
      error.message === STALLED_TOO_OFTEN
        ? { code: 'RENDER_FAILED', message: 'The render was interrupted too many times', transient: false }
        : classifyFailure(error);
    const log = logger.child({ render_id: row.id, job_id: job.id });
    log.warn({ err: error, code: failure.code, transient: failure.transient }, 'render failed');
    try {
      if (await finalizer.fail(row, failure)) metrics.jobs.inc({ outcome: 'failed' });
    } catch (settleError) {
      if (!(settleError instanceof RefundFailedError) || !defer) throw settleError;
      log.error({ err: settleError }, 'render failed but the refund is not confirmed yet: will try again');
      await defer(refundRetryDelayMs);
    }
  }

  return { process, classify, onRetry, onFinalFailure };
}

function parseInputs(inputs: unknown): StoredRenderInput[] {
  const parsed = storedRenderInputsSchema.safeParse(inputs);
  if (!parsed.success)
    throw new RenderFailureError('RENDER_FAILED', 'The render’s smart-object inputs are unusable');
  return parsed.data;
}

function parseExportOptions(options: unknown): ExportOptions {
  const parsed = exportOptionsSchema.safeParse(options);
  if (!parsed.success)
    throw new RenderFailureError('RENDER_FAILED', 'The render’s export options are unusable');
  const { format, size, quality } = parsed.data;
  return { format, quality, ...(size === undefined ? {} : { size }) };
}

function toCompositorInputs(inputs: StoredRenderInput[], artwork: Buffer[]): SmartObjectInput[] {
  return inputs.map((input, index) => ({
    uuid: input.uuid,
    asset: artwork[index]!,
    fit: input.asset.fit,
    rotate: input.asset.rotate,
    ...(input.color === undefined ? {} : { color: input.color }),
    ...(input.print_area === undefined ? {} : { print_area: input.print_area }),
    ...(input.asset.size === undefined ? {} : { size: input.asset.size }),
    ...(input.asset.position === undefined ? {} : { position: input.asset.position }),
    ...(input.asset.tile_scale === undefined ? {} : { tile_scale: input.asset.tile_scale }),
    ...(input.asset.background === undefined ? {} : { background: input.asset.background }),
    ...(input.adjustment_layers === undefined ? {} : { adjustments: input.adjustment_layers }),
  }));
}
