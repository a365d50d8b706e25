// A smart filter mask: the filtered artwork shows through it over the unfiltered artwork, as in
// Photoshop; a soft mask mixes the two; without filters the mask changes nothing.
import sharp from 'sharp';
import { createCompositor } from './compositor.js';
import { createKernelPool } from './kernel-pool.js';
import type { TemplateManifestInput } from './template-model.js';

const SO = '00000000-0000-4000-8000-000000000001';
const WIDTH = 40;
const HEIGHT = 20;

/** A grey mask over the canvas: white (filters apply) left of `split`, `right` from it on. */
async function maskPng(split: number, right: number): Promise<Buffer> {
  const grey = Buffer.alloc(WIDTH * HEIGHT);
  for (let y = 0; y < HEIGHT; y++)
    for (let x = 0; x < WIDTH; x++) grey[y * WIDTH + x] = x < split ? 255 : right;
  return sharp(grey, { raw: { width: WIDTH, height: HEIGHT, channels: 1 } })
    .png()
    .toBuffer();
}

type Placement = 'box' | 'quad' | 'mesh';

/** A 2 × 1 mesh over the whole canvas: the warp kernels' mesh path. */
const MESH = {
  cols: 2,
  rows: 1,
  points: [
    [0, 0],
    [WIDTH / 2, 0],
    [WIDTH, 0],
    [0, HEIGHT],
    [WIDTH / 2, HEIGHT],
    [WIDTH, HEIGHT],
  ],
};

function manifest(filters: unknown[] | undefined, placement: Placement): TemplateManifestInput {
  const quad = placement === 'quad';
  return {
    width: WIDTH,
    height: HEIGHT,
    layers: [
      { type: 'image', name: 'base', asset: 'base.png' },
      {
        type: 'smart_object',
        uuid: SO,
        name: 'Art',
        layer_name: 'Art',
        size: { width: WIDTH, height: HEIGHT },
        position: { x: 0, y: 0, width: WIDTH, height: HEIGHT },
        // A perspective placement takes the warp kernels' edge path; null fills the box.
        quad: quad
          ? [
              [0, 0],
              [WIDTH, 0],
              [WIDTH, HEIGHT],
              [0, HEIGHT],
            ]
          : null,
        ...(placement === 'mesh' ? { mesh: MESH } : {}),
        ...(filters ? { filters } : {}),
        filter_mask: { asset: 'filter-mask.png', x: 0, y: 0 },
      },
    ],
  } as TemplateManifestInput;
}

// Drawn on a kernel thread, as in production: the built worker (`npx tsc -p tsconfig.build.json` first).
const workerUrl = new URL('../dist/kernel-worker.js', import.meta.url);

describe('smart filter masks in a render', () => {
  const pool = createKernelPool({ threads: 1, workerUrl });
  const compositor = createCompositor({ pool, cacheBytes: 10_000_000 });
  afterAll(() => pool.close());
  let version = 0;

  async function render(
    filters: unknown[] | undefined,
    mask: Buffer,
    placement: Placement = 'box',
  ): Promise<(x: number, y: number) => number[]> {
    const assets = new Map([
      [
        'base.png',
        await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: '#808080' } })
          .png()
          .toBuffer(),
      ],
      ['filter-mask.png', mask],
    ]);
    const prepared = await compositor.prepare(
      { id: 't', version: ++version, manifest: manifest(filters, placement) },
      assets,
    );
    const art = await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: '#ff2010' } })
      .png()
      .toBuffer();
    const out = await compositor.render(prepared, [{ uuid: SO, asset: art, fit: 'fill', rotate: 0 }], {
      format: 'png',
    });
    const { data, info } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
    return (x, y) =>
      Array.from(
        data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
      );
  }

  const invert = [{ kind: 'invert', params: {} }];

  it.each([
    ['filling its box', 'box'],
    ['in perspective', 'quad'],
    ['on a mesh', 'mesh'],
  ] as const)(
    'applies the filters only where the mask is white (%s), the artwork unfiltered elsewhere',
    async (_what, placement) => {
      const at = await render(invert, await maskPng(WIDTH / 2, 0), placement);
      // Inverted red on the left half, the artwork as given on the right half.
      for (const y of [2, 10, 17]) {
        for (const x of [2, 10, 19]) expect(at(x, y)).toEqual([0, 223, 239]);
        for (const x of [20, 30, 37]) expect(at(x, y)).toEqual([255, 32, 16]);
      }
    },
  );

  it('mixes the filtered and unfiltered artwork by a grey mask', async () => {
    const at = await render(invert, await maskPng(0, 64));
    // 64/255 of the inverted colour, the rest the artwork's.
    const mix = (filtered: number, plain: number) => Math.round((filtered * 64 + plain * 191) / 255);
    for (const [c, got] of at(25, 10).entries()) {
      expect(Math.abs(got - mix([0, 223, 239][c]!, [255, 32, 16][c]!))).toBeLessThanOrEqual(1);
    }
  });

  it('draws the artwork as given when the smart object has no filters', async () => {
    const at = await render(undefined, await maskPng(WIDTH / 2, 0));
    expect(at(5, 5)).toEqual([255, 32, 16]);
    expect(at(30, 5)).toEqual([255, 32, 16]);
  });
});
