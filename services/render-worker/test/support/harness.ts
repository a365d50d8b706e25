// One suite's world: its own Postgres database and Redis prefix, a temp storage directory, the real
// key-service, and the render worker wired in-process the way render-service.ts wires it, except
// that the outbound client can be swapped per test (allow list, caps, timeouts, stub resolver).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCompositor, createKernelPool } from '@platen/compositor';
import { createSystemClock } from '@platen/contracts';
import { createDb, migrateSchema, type Database } from '@platen/db';
import { createLogger, createServiceTokenSigner, type Logger } from '@platen/http';
import { loadTemplate, seedBuiltInMockups, type StoredRenderInput } from '@platen/mockups';
import { createOutboundClient, type OutboundClient, type OutboundClientOptions } from '@platen/outbound';
import { createRenderQueue, RENDER_JOB_NAME, type RenderQueue } from '@platen/queue';
import {
  createLocalStorage,
  createUrlSigner,
  renderInputKey,
  type ObjectStorage,
  type UrlSigner,
} from '@platen/storage';
import {
  createTestDatabase,
  createTestRedis,
  waitFor,
  type TestDatabase,
  type TestRedis,
} from '@platen/testing';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { createAccountAdmission } from '../../src/account-admission.js';
import { createComposeSlots } from '../../src/compose-slots.js';
import { createCreditsClient } from '../../src/credits-client.js';
import { createRenderMetrics, type RenderMetrics } from '../../src/metrics.js';
import { createRenderProcessor, type RenderProcessor } from '../../src/render-processor.js';
import { createRenderWorker } from '../../src/render-worker.js';
import { createResultPublisher } from '../../src/result-publisher.js';
import { startKeyService, type KeyService } from './key-service.js';
import { TINY_ID, tinyTemplate } from './tiny-template.js';

export const SERVICE_SECRET = 'render-worker-test-secret-0123456789abcdef';
export const INITIAL_CREDITS = 100;

export type OutboundSettings = Partial<Omit<OutboundClientOptions, 'userAgent'>>;

export interface RenderRow {
  id: string;
  status: string;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  result_key: string | null;
  result_width: number | null;
  result_height: number | null;
  result_format: string | null;
  result_bytes: number | null;
  result_warnings: unknown[] | null;
  started_at: Date | null;
  completed_at: Date | null;
}

export interface SubmitOptions {
  inputs: StoredRenderInput[];
  exportOptions?: Record<string, unknown>;
  mockupId?: string;
  /** BullMQ attempts for this job; backoff is 50 ms so retries cost no waiting. */
  attempts?: number;
  /** Inline artwork parked in storage as the gateway does, by smart object uuid. */
  inline?: Record<string, Buffer>;
  /** The account charged for it (default: the harness's account). */
  accountId?: string;
  /** Print files asked for, as the gateway stores them. */
  printFiles?: { smart_object_uuid: string; dpi: number }[];
}

/** The worker's slots: today's production shape, sized small (2 / 2 / 2 unless a suite asks for more). */
export interface HarnessSlots {
  /** Renders compositing at once (WORKER_CONCURRENCY). */
  compose?: number;
  /** Jobs in hand (WORKER_FETCH_CONCURRENCY, the BullMQ concurrency). */
  jobs?: number;
  /** One account's jobs in hand (WORKER_ACCOUNT_JOBS). */
  perAccount?: number;
  /** One account's jobs in hand while no other account has any here (default perAccount). */
  whenAlone?: number;
  /** Longest deferral of a job over its account's share (production: 8 s). */
  maxDeferMs?: number;
}

export interface Harness {
  databaseUrl: string;
  db: Kysely<Database>;
  redis: Redis;
  testRedis: TestRedis;
  storage: ObjectStorage;
  storageRoot: string;
  signer: UrlSigner;
  keyService: KeyService;
  accountId: string;
  queue: RenderQueue;
  worker: Worker;
  processor: RenderProcessor;
  metrics: RenderMetrics;
  logger: Logger;
  /** Replaces the outbound client artwork is fetched with (default: loopback 127.0.0.1 allowed). */
  useOutbound(settings: OutboundSettings): void;
  submit(options: SubmitOptions): Promise<string>;
  /** The row once final and (unless jobDone is false) its job finished, so refunds and events are done too. */
  waitUntilFinal(renderId: string, options?: { timeoutMs?: number; jobDone?: boolean }): Promise<RenderRow>;
  row(renderId: string): Promise<RenderRow>;
  /** Refunds of this render in the ledger of `account` (default: the harness's account). */
  refundsOf(renderId: string, account?: string): Promise<number>;
  close(): Promise<void>;
}

/** Loopback 127.0.0.1 allowed (the asset server), everything else as in production but a shorter deadline. */
function outboundClient(settings: OutboundSettings = {}): OutboundClient {
  return createOutboundClient({
    userAgent: 'platen-test',
    totalTimeoutMs: 5_000,
    ...settings,
    allow: settings.allow ?? ['127.0.0.1/32'],
  });
}

export async function startHarness(
  label: string,
  options: {
    maxInlineAssetBytes?: number;
    refundRetryDelayMs?: number;
    installTinyTemplate?: boolean;
    slots?: HarnessSlots;
  } = {},
): Promise<Harness> {
  const { installTinyTemplate = true, slots = {}, ...processorOptions } = options;
  const { compose = 2, jobs = 2, perAccount = 2, whenAlone, maxDeferMs } = slots;
  const database: TestDatabase = await createTestDatabase(label);
  const testRedis = createTestRedis(label);
  const db = createDb({ url: database.url, maxConnections: 8 });
  await migrateSchema(db, 'renders');
  const redis = new Redis(testRedis.url, { maxRetriesPerRequest: null });
  const storageRoot = await mkdtemp(join(tmpdir(), 'platen-worker-'));
  const signer = createUrlSigner(SERVICE_SECRET);
  const storage = createLocalStorage({ root: storageRoot, publicBaseUrl: 'http://127.0.0.1:8080', signer });
  const logger = createLogger({ name: 'render-worker-test', level: 'silent' });
  const keyService = await startKeyService({
    databaseUrl: database.url,
    redisUrl: testRedis.url,
    redisPrefix: testRedis.prefix,
    serviceSecret: SERVICE_SECRET,
  });
  const accountId = await keyService.createAccount(INITIAL_CREDITS);
  if (installTinyTemplate) {
    await seedBuiltInMockups({ db, storage, logger, samples: async () => [await tinyTemplate()] });
  }

  let outbound = outboundClient();
  const metrics = createRenderMetrics();
  const clock = createSystemClock();
  const processor = createRenderProcessor({
    db,
    storage,
    fetchAsset: async (url, signal) => (await outbound.fetch(url, { signal })).body,
    compositor: createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 64 * 1024 * 1024 }),
    admission: createAccountAdmission({
      perAccount,
      ...(whenAlone === undefined ? {} : { whenAlone }),
      ...(maxDeferMs === undefined ? {} : { maxDeferMs }),
    }),
    composeSlots: createComposeSlots({ slots: compose }),
    loadTemplate: (mockupId) => loadTemplate({ db, storage }, mockupId),
    credits: createCreditsClient({
      baseUrl: keyService.url,
      serviceToken: createServiceTokenSigner(SERVICE_SECRET, 'render-worker'),
      attempts: 2,
      firstDelayMs: 50,
    }),
    publisher: createResultPublisher({ redis, redisPrefix: testRedis.prefix }),
    logger,
    clock,
    metrics,
    ...processorOptions,
  });
  const worker = createRenderWorker({
    connection: redis,
    redisPrefix: testRedis.prefix,
    handlers: { render: processor.process },
    processor,
    metrics,
    logger,
    settings: { concurrency: jobs },
  });
  const queue = createRenderQueue(redis, testRedis.prefix);

  const row = (renderId: string) =>
    db
      .selectFrom('renders.renders')
      .select([
        'id',
        'status',
        'attempts',
        'error_code',
        'error_message',
        'result_key',
        'result_width',
        'result_height',
        'result_format',
        'result_bytes',
        'result_warnings',
        'started_at',
        'completed_at',
      ])
      .where('id', '=', renderId)
      .executeTakeFirstOrThrow() as Promise<RenderRow>;

  return {
    databaseUrl: database.url,
    db,
    redis,
    testRedis,
    storage,
    storageRoot,
    signer,
    keyService,
    accountId,
    queue,
    worker,
    processor,
    metrics,
    logger,
    useOutbound(settings) {
      outbound = outboundClient(settings);
    },
    async submit({
      inputs,
      exportOptions = { format: 'png', quality: 90 },
      mockupId = TINY_ID,
      attempts = 1,
      inline = {},
      accountId: owner = accountId,
      printFiles,
    }) {
      const renderId = randomUUID();
      for (const [smartObjectId, bytes] of Object.entries(inline)) {
        await storage.put(renderInputKey(renderId, smartObjectId), bytes, 'application/octet-stream');
      }
      await db
        .insertInto('renders.renders')
        .values({
          id: renderId,
          account_id: owner,
          mockup_id: mockupId,
          status: 'queued',
          inputs: JSON.stringify(inputs),
          export_options: JSON.stringify(exportOptions),
          credits_charged: 1,
          print_files: printFiles ? JSON.stringify(printFiles) : null,
        })
        .execute();
      // What the gateway does when it accepts a render: charge once, then enqueue.
      await keyService.charge(owner, renderId, 1);
      await queue.add(
        RENDER_JOB_NAME,
        { render_id: renderId },
        { jobId: renderId, attempts, backoff: { type: 'fixed', delay: 50 } },
      );
      return renderId;
    },
    waitUntilFinal: (renderId, { timeoutMs = 30_000, jobDone = true } = {}) =>
      waitFor(
        async () => {
          if (jobDone && !['completed', 'failed'].includes(await queue.getJobState(renderId)))
            return undefined;
          const current = await row(renderId);
          return current.status === 'succeeded' || current.status === 'failed' ? current : undefined;
        },
        { timeoutMs, intervalMs: 50, what: `render ${renderId} to finish` },
      ),
    row,
    async refundsOf(renderId, account = accountId) {
      const ledger = await keyService.ledger(account);
      return ledger.filter((entry) => entry.kind === 'refund' && entry.render_id === renderId).length;
    },
    async close() {
      await worker.close();
      await queue.close();
      await keyService.stop();
      await redis.quit();
      await db.destroy();
      await database.drop();
      await testRedis.cleanup();
      await rm(storageRoot, { recursive: true, force: true });
    },
  };
}

export function urlInput(smartObjectId: string, url: string): StoredRenderInput {
  return { uuid: smartObjectId, asset: { url, fit: 'cover', rotate: 0 } };
}

export function inlineInput(smartObjectId: string): StoredRenderInput {
  return { uuid: smartObjectId, asset: { url: null, fit: 'contain', rotate: 0 } };
}
