// The mockup import as the built worker process runs it: the PSD is parsed on the worker thread
// (psd-thread.js from dist, which in-process tests cannot load), and the mockup becomes ready with
// the smart object where the document placed it; a corrupt file fails with PSD_CORRUPT.
import { randomUUID } from 'node:crypto';
import { toStoredPendingImport } from '@platen/mockups';
import { makeTestPsd } from '@platen/psd-import';
import { createImportQueue, enqueueImport, type ImportQueue } from '@platen/queue';
import { mockupSourceKey } from '@platen/storage';
import { waitFor } from '@platen/testing';
import { SERVICE_SECRET, startHarness, type Harness } from './support/harness.js';
import {
  buildBlocker,
  ensureWorkerBuilt,
  startWorkerProcess,
  type WorkerProcess,
} from './support/worker-process.js';

const blocker = buildBlocker();
const describeBuilt = blocker === undefined ? describe : describe.skip;

describeBuilt(`PSD import in the worker process${blocker ? ` (SKIPPED: ${blocker})` : ''}`, () => {
  let harness: Harness;
  let worker: WorkerProcess;
  let imports: ImportQueue;

  beforeAll(async () => {
    await ensureWorkerBuilt();
    harness = await startHarness('mockup-import-process', { installTinyTemplate: false });
    await harness.worker.pause();
    imports = createImportQueue(harness.redis, harness.testRedis.prefix);
    worker = await startWorkerProcess({
      DATABASE_URL: harness.databaseUrl,
      REDIS_URL: harness.testRedis.url,
      REDIS_PREFIX: harness.testRedis.prefix,
      SERVICE_JWT_SECRET: SERVICE_SECRET,
      KEY_SERVICE_URL: harness.keyService.url,
      STORAGE_DIR: harness.storageRoot,
      WORKER_CONCURRENCY: '1',
      METRICS_PORT: '0',
    });
  }, 360_000);

  afterAll(async () => {
    await worker?.stop('SIGTERM');
    await imports?.close();
    await harness?.close();
  });

  async function importBytes(bytes: Buffer) {
    const id = randomUUID();
    await harness.storage.put(mockupSourceKey(id), bytes, 'image/vnd.adobe.photoshop');
    await harness.db
      .insertInto('renders.mockups')
      .values({
        id,
        account_id: harness.accountId,
        slug: `psd-${id.slice(0, 8)}`,
        name: 'PSD',
        width: 1,
        height: 1,
        status: 'processing',
        manifest: JSON.stringify(toStoredPendingImport({ kind: 'psd', source_key: mockupSourceKey(id) })),
        smart_objects: JSON.stringify([]),
        assets_prefix: `templates/${id}`,
      })
      .execute();
    await enqueueImport(imports, id);
    return waitFor(
      async () => {
        const row = await harness.db
          .selectFrom('renders.mockups')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        return row.status === 'processing' ? undefined : row;
      },
      { timeoutMs: 90_000, what: `mockup ${id} imported by the worker process` },
    );
  }

  it('parses a PSD on its thread and makes the mockup ready', async () => {
    const psd = await makeTestPsd({
      width: 800,
      height: 600,
      smartObjects: [
        {
          name: 'Screen',
          x: 0,
          y: 0,
          width: 400,
          height: 300,
          corners: [
            [200, 100],
            [600, 140],
            [580, 480],
            [220, 440],
          ],
        },
      ],
    });
    const row = await importBytes(psd);
    expect(row).toMatchObject({ status: 'ready', width: 800, height: 600, error_code: null });
    expect(row.smart_objects).toEqual([
      expect.objectContaining({
        name: 'Screen',
        size: { width: 400, height: 300 },
        quad: [
          [200, 100],
          [600, 140],
          [580, 480],
          [220, 440],
        ],
      }),
    ]);
  });

  it('fails a truncated PSD with PSD_CORRUPT (the thread reports the typed error)', async () => {
    const whole = await makeTestPsd({
      width: 300,
      height: 200,
      smartObjects: [{ name: 'A', x: 10, y: 10, width: 100, height: 50 }],
    });
    const row = await importBytes(whole.subarray(0, Math.floor(whole.length / 2)));
    expect(row).toMatchObject({ status: 'failed', error_code: 'PSD_CORRUPT' });
  });
});
