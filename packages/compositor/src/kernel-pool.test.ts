import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { ComposeTask } from './compose-task.js';
import { runComposeTask } from './compose-task.js';
import { RenderFailedError } from './compositor-errors.js';
import { invertMatrix3, rectToQuad } from './homography.js';
import { createKernelPool } from './kernel-pool.js';
import { sharedCopy } from './raster.js';
import { BLEND_MODES } from './template-model.js';
import type { TemplateSource } from './compositor.js';
import { createCompositor } from './compositor.js';
import sharp from 'sharp';

// Real threads load the BUILT worker (dist/kernel-worker.js, plain ESM); jest runs this source
// as CommonJS. Build first: `cd packages/compositor && npx tsc -p tsconfig.build.json`.
const workerUrl = new URL('../dist/kernel-worker.js', import.meta.url);

function task(): ComposeTask {
  const art = {
    width: 8,
    height: 8,
    data: new Uint8ClampedArray(256).map((_, i) => (i * 37) % 256).map((v, i) => (i % 4 === 3 ? 255 : v)),
  };
  const base = sharedCopy(new Uint8Array(32 * 24 * 4).fill(90));
  const quad = [
    [4, 3],
    [27, 6],
    [25, 21],
    [3, 19],
  ] as const;
  return {
    width: 32,
    height: 24,
    base,
    steps: [
      {
        kind: 'smart',
        art,
        region: { x: 0, y: 0, width: 32, height: 24 },
        mapping: { type: 'perspective', inverse: invertMatrix3(rectToQuad(8, 8, quad as never)) },
        blend: 'normal',
        opacity: 1,
      },
    ],
  };
}

describe('kernel pool', () => {
  it('inline mode returns what the kernel computes', async () => {
    const pool = createKernelPool({ threads: 0 });
    expect(Array.from(await pool.compose(task()))).toEqual(Array.from(runComposeTask(task())));
    await pool.close();
  });

  it('worker threads return the same pixels as inline, for concurrent tasks', async () => {
    expect(existsSync(fileURLToPath(workerUrl))).toBe(true);
    const pool = createKernelPool({ threads: 2, workerUrl });
    try {
      const expected = Array.from(runComposeTask(task()));
      const results = await Promise.all([1, 2, 3].map(() => pool.compose(task())));
      for (const result of results) expect(Array.from(result)).toEqual(expected);
    } finally {
      await pool.close();
    }
  });

  it('worker threads blend every mode as inline does (dissolve picks the same pixels)', async () => {
    const pool = createKernelPool({ threads: 1, workerUrl });
    const layer = {
      x: 2,
      y: 1,
      width: 28,
      height: 20,
      data: new Uint8ClampedArray(28 * 20 * 4).map((_, i) => (i % 4 === 3 ? 160 : (i * 53) % 256)),
    };
    const tasks = BLEND_MODES.map((mode): ComposeTask => ({
      width: 32,
      height: 24,
      base: sharedCopy(new Uint8Array(32 * 24 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 29) % 256))),
      steps: [{ kind: 'layer', image: layer, blend: mode, opacity: 0.8 }],
    }));
    try {
      const threaded = await Promise.all(tasks.map((t) => pool.compose(t)));
      const inline = tasks.map((t) => runComposeTask(t));
      expect(threaded.map((bytes) => Buffer.from(bytes).toString('hex'))).toEqual(
        inline.map((bytes) => Buffer.from(bytes).toString('hex')),
      );
    } finally {
      await pool.close();
    }
  });

  it('fails a task with RenderFailedError when the kernel throws, and keeps serving', async () => {
    const pool = createKernelPool({ threads: 1, workerUrl });
    try {
      const broken = { ...task(), base: new Uint8Array(10_000_000) };
      await expect(pool.compose(broken)).rejects.toBeInstanceOf(RenderFailedError);
      expect((await pool.compose(task())).length).toBe(32 * 24 * 4);
    } finally {
      await pool.close();
    }
  });

  it("reports its threads' own V8 heaps once they have run a task (an inline pool has none)", async () => {
    const inline = createKernelPool({ threads: 0 });
    await inline.compose(task());
    expect(inline.heap()).toEqual({ usedBytes: 0, totalBytes: 0, externalBytes: 0 });
    const pool = createKernelPool({ threads: 2, workerUrl });
    try {
      expect(pool.heap()).toEqual({ usedBytes: 0, totalBytes: 0, externalBytes: 0 });
      await pool.compose(task());
      const one = pool.heap();
      expect(one.usedBytes).toBeGreaterThan(100_000);
      expect(one.totalBytes).toBeGreaterThanOrEqual(one.usedBytes);
      // Both threads busy at once: both report, so the sum grows by a second isolate's heap.
      await Promise.all([pool.compose(task()), pool.compose(task())]);
      expect(pool.heap().totalBytes).toBeGreaterThan(one.totalBytes * 1.5);
      // A failed task reports too.
      await expect(pool.compose({ ...task(), base: new Uint8Array(10_000_000) })).rejects.toBeInstanceOf(
        RenderFailedError,
      );
      expect(pool.heap().usedBytes).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });

  it("bounds each thread's V8 young generation (8 MB unless told), and its threads still compose", async () => {
    const given: WorkerOptions[] = [];
    const createWorker = (url: URL | string, options: WorkerOptions) => {
      given.push(options);
      return new Worker(url, options);
    };
    const pools = [
      createKernelPool({ threads: 2, workerUrl, createWorker }),
      createKernelPool({ threads: 1, workerUrl, createWorker, youngGenerationMb: 16 }),
    ];
    try {
      expect(given.map((options) => options.resourceLimits?.maxYoungGenerationSizeMb)).toEqual([8, 8, 16]);
      const expected = Array.from(runComposeTask(task()));
      for (const pool of pools) expect(Array.from(await pool.compose(task()))).toEqual(expected);
    } finally {
      await Promise.all(pools.map((pool) => pool.close()));
    }
  });

  it('refuses work after close', async () => {
    const pool = createKernelPool({ threads: 1, workerUrl });
    await pool.close();
    await expect(pool.compose(task())).rejects.toBeInstanceOf(RenderFailedError);
  });

  it('a compositor on kernel threads renders the bytes inline kernels do, render after render', async () => {
    const png = (width: number, height: number, background: string) =>
      sharp({ create: { width, height, channels: 4, background } })
        .png()
        .toBuffer();
    const assets = new Map([
      ['base.png', await png(64, 48, '#6080a0')],
      ['glare.png', await png(40, 30, '#ffffff60')],
    ]);
    const uuid = '00000000-0000-4000-8000-000000000001';
    const template: TemplateSource = {
      id: 'threads',
      version: 1,
      manifest: {
        width: 64,
        height: 48,
        layers: [
          { type: 'image', name: 'base', asset: 'base.png' },
          {
            type: 'smart_object',
            uuid,
            name: 'Art',
            layer_name: 'Art',
            size: { width: 30, height: 30 },
            position: { x: 10, y: 6, width: 40, height: 36 },
            quad: [
              [12, 8],
              [50, 6],
              [48, 42],
              [10, 38],
            ],
          },
          {
            type: 'image' as const,
            name: 'glare',
            asset: 'glare.png',
            x: 20,
            y: 10,
            blend_mode: 'screen' as const,
          },
        ],
      },
    };
    const pool = createKernelPool({ threads: 1, workerUrl });
    const threaded = createCompositor({ pool, cacheBytes: 50_000_000 });
    const inline = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 50_000_000 });
    try {
      for (const [width, background] of [
        [30, '#ff0000'],
        [20, '#00ff0080'],
        [30, '#0000ff'],
      ] as const) {
        const inputs = [{ uuid, asset: await png(width, 30, background), fit: 'cover' as const, rotate: 0 }];
        const a = await threaded.render(await threaded.prepare(template, assets), inputs, { format: 'png' });
        const b = await inline.render(await inline.prepare(template, assets), inputs, { format: 'png' });
        expect(a.data.equals(b.data)).toBe(true);
      }
    } finally {
      await pool.close();
    }
  });
});
