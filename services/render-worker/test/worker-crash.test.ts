// Faults caused for real on the built worker process: SIGKILL in the middle of a render (the job is
// picked up again by another worker, succeeds once, is charged once), and SIGTERM (exit 0).
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createDemoArtwork } from '@platen/compositor';
import { renderResultKey } from '@platen/storage';
import { waitFor } from '@platen/testing';
import { startAssetServer, type AssetServer } from './support/asset-server.js';
import { INITIAL_CREDITS, SERVICE_SECRET, startHarness, urlInput, type Harness } from './support/harness.js';
import { TINY_SO } from './support/tiny-template.js';
import {
  buildBlocker,
  ensureWorkerBuilt,
  startWorkerProcess,
  type WorkerProcess,
} from './support/worker-process.js';

const blocker = buildBlocker();
const describeBuilt = blocker === undefined ? describe : describe.skip;

describeBuilt(`the worker process${blocker ? ` (SKIPPED: ${blocker})` : ''}`, () => {
  let harness: Harness;
  let assets: AssetServer;
  let artwork: Buffer;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    await ensureWorkerBuilt();
    harness = await startHarness('worker-crash');
    // Jobs here belong to the spawned workers only.
    await harness.worker.pause();
    assets = await startAssetServer('127.0.0.1');
    artwork = await createDemoArtwork(90, 60);
  }, 360_000);

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
    await harness?.close();
    await assets?.close();
  });

  async function spawnWorker(): Promise<WorkerProcess> {
    const worker = await startWorkerProcess({
      DATABASE_URL: harness.databaseUrl,
      REDIS_URL: harness.testRedis.url,
      REDIS_PREFIX: harness.testRedis.prefix,
      SERVICE_JWT_SECRET: SERVICE_SECRET,
      KEY_SERVICE_URL: harness.keyService.url,
      OUTBOUND_ALLOW: '127.0.0.1/32',
      STORAGE_DIR: harness.storageRoot,
      WORKER_CONCURRENCY: '1',
      METRICS_PORT: '0',
    });
    workers.push(worker);
    return worker;
  }

  it('picks a render up again after its worker is SIGKILLed mid-render: one success, one result, one charge, no refund', async () => {
    const stall = assets.stall('/crash.png', artwork);
    const renderId = await harness.submit({
      inputs: [urlInput(TINY_SO, `${assets.origin}/crash.png`)],
      attempts: 4,
    });
    const first = await spawnWorker();
    await waitFor(() => (assets.hits('/crash.png') > 0 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the first worker to start fetching the artwork',
    });
    expect((await harness.row(renderId)).status).toBe('processing');

    expect(await first.stop('SIGKILL')).toBeNull();
    stall.release();
    const second = await spawnWorker();

    const row = await harness.waitUntilFinal(renderId, { timeoutMs: 90_000 });
    expect(row).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      result_key: renderResultKey(renderId, 'png'),
    });
    const results = (await readdir(path.join(harness.storageRoot, 'renders'))).filter(
      (name) => name.startsWith(renderId) && !name.endsWith('.content-type'),
    );
    expect(results).toEqual([`${renderId}.png`]);
    const entries = (await harness.keyService.ledger(harness.accountId)).filter(
      (e) => e.render_id === renderId,
    );
    expect(entries.map((e) => e.kind)).toEqual(['charge']);
    expect(await harness.keyService.balance(harness.accountId)).toBe(INITIAL_CREDITS - 1);
    const metrics = await (await fetch(`http://127.0.0.1:${second.metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/^render_jobs_total\{outcome="succeeded"\} 1$/m);
    expect(metrics).toMatch(/^render_jobs_total\{outcome="stalled"\} 1$/m);
  }, 180_000);

  it('exits 0 on SIGTERM', async () => {
    const worker = await spawnWorker();

    expect(await worker.stop('SIGTERM')).toBe(0);
  }, 60_000);
});
