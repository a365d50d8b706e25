// A print file's layout runs on the kernel pool: on real threads (the built worker) it gives the
// same PNG as inline, and it is the artwork before the template's smart filters and warp.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createCompositor } from './compositor.js';
import { createKernelPool } from './kernel-pool.js';
import type { TemplateManifestInput } from './template-model.js';

// Real threads load the BUILT worker: `cd packages/compositor && npx tsc -p tsconfig.build.json`.
const workerUrl = new URL('../dist/kernel-worker.js', import.meta.url);
const SO = '7b1d3f8e-52c7-4a1f-9e4b-7d0c2f3a4b21';

const manifest: TemplateManifestInput = {
  width: 64,
  height: 48,
  layers: [
    { type: 'image', name: 'Base', asset: 'base.png' },
    {
      type: 'smart_object',
      uuid: SO,
      name: 'Print',
      layer_name: 'Print',
      size: { width: 40, height: 20 },
      position: { x: 10, y: 10, width: 40, height: 20 },
      quad: [
        [12, 10],
        [50, 14],
        [48, 30],
        [10, 28],
      ],
      // The mockup blurs the artwork; the print file must not.
      filters: [{ kind: 'gaussian_blur', params: { radius: 4 }, opacity: 1, blend_mode: 'normal' }],
      print_size: { width_mm: 50.8, height_mm: 25.4 },
    },
  ],
};

async function assets() {
  const base = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();
  return new Map([['base.png', base]]);
}

async function printFileWith(threads: number) {
  const pool = createKernelPool({ threads, ...(threads > 0 ? { workerUrl } : {}) });
  try {
    const compositor = createCompositor({ pool, cacheBytes: 16 * 1024 * 1024 });
    const prepared = await compositor.prepare({ id: 'print', version: 1, manifest }, await assets());
    const asset = await sharp({ create: { width: 30, height: 30, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer();
    return await compositor.printFile(
      prepared,
      { uuid: SO, asset, fit: 'contain', rotate: 0, background: '#00ff00', adjustments: { opacity: 100 } },
      100,
    );
  } finally {
    await pool.close();
  }
}

it('lays a print file out on kernel threads exactly as inline, with no smart filter or warp', async () => {
  expect(existsSync(fileURLToPath(workerUrl))).toBe(true);
  const inline = await printFileWith(0);
  const threaded = await printFileWith(2);
  expect(threaded.data.equals(inline.data)).toBe(true);

  // 2 × 1 in at 100 dpi; the square contained in it, centred, with sharp edges (no blur).
  const { data, info } = await sharp(threaded.data).raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height, info.channels]).toEqual([200, 100, 3]);
  const at = (x: number, y: number) => [...data.subarray((y * 200 + x) * 3, (y * 200 + x) * 3 + 3)];
  expect(at(49, 50)).toEqual([0, 255, 0]);
  expect(at(50, 50)).toEqual([255, 0, 0]);
  expect(at(149, 0)).toEqual([255, 0, 0]);
  expect(at(150, 99)).toEqual([0, 255, 0]);
});
