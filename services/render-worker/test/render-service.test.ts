// The composition root as main.ts runs it (startRenderService): its metrics listener, and what a
// shutdown does to the job in hand: finish it within the grace period, or hand it back to the queue.
import { createDemoArtwork } from '@platen/compositor';
import type { RenderWorkerConfig } from '@platen/config';
import { createLogger } from '@platen/http';
import { waitFor } from '@platen/testing';
import { startRenderService, type RunningRenderService } from '../src/render-service.js';
import { startAssetServer, type AssetServer } from './support/asset-server.js';
import { startHarness, urlInput, type Harness } from './support/harness.js';
import { serviceConfig } from './support/service-config.js';
import { TINY_SO } from './support/tiny-template.js';

jest.setTimeout(60_000);

let harness: Harness;
let assets: AssetServer;
let artwork: Buffer;

beforeAll(async () => {
  harness = await startHarness('worker-service');
  assets = await startAssetServer('127.0.0.1');
  artwork = await createDemoArtwork(90, 60);
  assets.image('/art.png', artwork);
  // The in-process harness worker stays paused: jobs here belong to the service under test.
  await harness.worker.pause();
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await assets?.close();
});

function startService(config: Partial<RenderWorkerConfig> = {}): Promise<RunningRenderService> {
  return startRenderService(
    { ...serviceConfig(harness), ...config },
    {
      logger: createLogger({ name: 'render-worker-test', level: 'silent' }),
      seedBuiltIns: false,
      kernelThreads: 0,
      metricsHost: '127.0.0.1',
    },
  );
}

describe('metrics on METRICS_PORT', () => {
  it('reports jobs by outcome, render duration by template and queue wait in Prometheus text', async () => {
    const service = await startService();
    try {
      const ok = await harness.submit({ inputs: [urlInput(TINY_SO, `${assets.origin}/art.png`)] });
      const broken = await harness.submit({
        inputs: [urlInput(TINY_SO, `${assets.origin}/500`)],
        attempts: 2,
      });
      await harness.waitUntilFinal(ok);
      await harness.waitUntilFinal(broken);

      const response = await fetch(`http://127.0.0.1:${service.metricsPort}/metrics`);
      const text = await response.text();

      expect(response.status).toBe(200);
      expect(text).toMatch(/^render_jobs_total\{outcome="succeeded"\} 1$/m);
      expect(text).toMatch(/^render_jobs_total\{outcome="retried"\} 1$/m);
      expect(text).toMatch(/^render_jobs_total\{outcome="failed"\} 1$/m);
      expect(text).toMatch(/^render_duration_seconds_count\{template="tiny-worker-frame"\} 1$/m);
      expect(text).toMatch(/^render_queue_wait_seconds_count 2$/m);
      expect((await fetch(`http://127.0.0.1:${service.metricsPort}/healthz`)).status).toBe(200);
    } finally {
      await service.close();
    }
  });
});

describe('artwork cache', () => {
  it('decodes artwork whose bytes it has seen for the same template once, and says so on /metrics', async () => {
    const service = await startService();
    try {
      assets.image('/same-art.png', artwork);
      // Fetched twice: two jobs bring two copies of the same bytes.
      for (let i = 0; i < 2; i++) {
        const renderId = await harness.submit({
          inputs: [urlInput(TINY_SO, `${assets.origin}/same-art.png`)],
        });
        expect((await harness.waitUntilFinal(renderId)).status).toBe('succeeded');
      }

      const text = await (await fetch(`http://127.0.0.1:${service.metricsPort}/metrics`)).text();

      expect(assets.hits('/same-art.png')).toBe(2);
      expect(text).toMatch(/^render_artwork_cache_lookups_total\{result="miss"\} 1$/m);
      expect(text).toMatch(/^render_artwork_cache_lookups_total\{result="hit"\} 1$/m);
      expect(Number(/^render_artwork_cache_bytes (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
      // Its kernels run inline here (kernelThreads: 0): the gauge is there, with no thread heaps.
      expect(text).toMatch(/^render_kernel_threads_heap_bytes\{kind="total"\} 0$/m);
    } finally {
      await service.close();
    }
  });
});

describe('warped layer cache', () => {
  async function renderTwice(path: string): Promise<void> {
    assets.image(path, artwork);
    for (let i = 0; i < 2; i++) {
      const renderId = await harness.submit({ inputs: [urlInput(TINY_SO, `${assets.origin}${path}`)] });
      expect((await harness.waitUntilFinal(renderId)).status).toBe('succeeded');
    }
  }

  it('warps a smart object once for artwork it has seen, and says so on /metrics', async () => {
    const service = await startService();
    try {
      await renderTwice('/warp-once.png');
      const text = await (await fetch(`http://127.0.0.1:${service.metricsPort}/metrics`)).text();

      expect(text).toMatch(/^render_warped_layer_cache_lookups_total\{result="miss"\} 1$/m);
      expect(text).toMatch(/^render_warped_layer_cache_lookups_total\{result="hit"\} 1$/m);
      expect(Number(/^render_warped_layer_cache_bytes (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
    } finally {
      await service.close();
    }
  });

  it('warps every render afresh with WARPED_LAYER_CACHE_BYTES=0', async () => {
    const service = await startService({ WARPED_LAYER_CACHE_BYTES: 0 });
    try {
      await renderTwice('/warp-always.png');
      const text = await (await fetch(`http://127.0.0.1:${service.metricsPort}/metrics`)).text();

      expect(text).not.toMatch(/^render_warped_layer_cache_lookups_total\{/m);
      expect(text).toMatch(/^render_warped_layer_cache_bytes 0$/m);
    } finally {
      await service.close();
    }
  });
});

describe('shutdown', () => {
  it('lets the render in hand finish within the grace period', async () => {
    const service = await startService();
    const stalled = assets.stall('/slow-finish.png', artwork);
    const renderId = await harness.submit({
      inputs: [urlInput(TINY_SO, `${assets.origin}/slow-finish.png`)],
    });
    await waitFor(() => (assets.hits('/slow-finish.png') > 0 ? true : undefined), {
      what: 'the fetch to start',
    });

    const closing = service.close(30_000);
    setTimeout(() => stalled.release(), 300);
    await closing;

    expect(await harness.row(renderId)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('hands the render back to the queue when the grace period ends, and another worker completes it', async () => {
    const service = await startService();
    const stalled = assets.stall('/slow-return.png', artwork);
    const renderId = await harness.submit({
      inputs: [urlInput(TINY_SO, `${assets.origin}/slow-return.png`)],
    });
    await waitFor(() => (assets.hits('/slow-return.png') > 0 ? true : undefined), {
      what: 'the fetch to start',
    });

    await service.close(200);

    expect((await harness.row(renderId)).status).toBe('processing');
    expect(['waiting', 'delayed', 'prioritized']).toContain(await harness.queue.getJobState(renderId));
    stalled.release();
    await harness.worker.resume();
    try {
      expect(await harness.waitUntilFinal(renderId)).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(await harness.refundsOf(renderId)).toBe(0);
    } finally {
      await harness.worker.pause();
    }
  });
});
