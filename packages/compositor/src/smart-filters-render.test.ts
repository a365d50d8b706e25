// A smart object's filters change its artwork before it is placed, in order, with their opacity;
// smart objects without filters render as before.
import sharp from 'sharp';
import { RenderFailedError } from './compositor-errors.js';
import { createCompositor } from './compositor.js';
import { createKernelPool } from './kernel-pool.js';
import type { TemplateManifestInput } from './template-model.js';

const SO = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';

const solid = (color: string): Promise<Buffer> =>
  sharp({ create: { width: 20, height: 20, channels: 3, background: color } })
    .png()
    .toBuffer();

function manifest(filters: unknown[] | undefined): TemplateManifestInput {
  const layer = (uuid: string, x: number, withFilters: boolean) => ({
    type: 'smart_object' as const,
    uuid,
    name: `Art ${x}`,
    layer_name: `Art ${x}`,
    size: { width: 20, height: 20 },
    position: { x, y: 5, width: 20, height: 20 },
    quad: null,
    ...(withFilters && filters ? { filters } : {}),
  });
  return {
    width: 60,
    height: 30,
    layers: [{ type: 'image', name: 'base', asset: 'base.png' }, layer(SO, 5, true), layer(OTHER, 35, false)],
  } as TemplateManifestInput;
}

// The filters run on the kernel thread: the built worker (`npx tsc -p tsconfig.build.json` first).
const workerUrl = new URL('../dist/kernel-worker.js', import.meta.url);

describe('smart filters in a render', () => {
  const pool = createKernelPool({ threads: 1, workerUrl });
  const compositor = createCompositor({ pool, cacheBytes: 10_000_000 });
  afterAll(() => pool.close());
  let version = 0;

  async function render(filters: unknown[] | undefined): Promise<{ at: (x: number, y: number) => number[] }> {
    const assets = new Map([
      [
        'base.png',
        await sharp({ create: { width: 60, height: 30, channels: 3, background: '#808080' } })
          .png()
          .toBuffer(),
      ],
    ]);
    const prepared = await compositor.prepare(
      { id: 't', version: ++version, manifest: manifest(filters) },
      assets,
    );
    const red = await solid('#ff0000');
    const out = await compositor.render(
      prepared,
      [
        { uuid: SO, asset: red, fit: 'fill', rotate: 0 },
        { uuid: OTHER, asset: red, fit: 'fill', rotate: 0 },
      ],
      { format: 'png' },
    );
    const { data, info } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
    return {
      at: (x, y) => {
        const i = (y * info.width + x) * info.channels;
        return [data[i]!, data[i + 1]!, data[i + 2]!];
      },
    };
  }

  it('draws the filtered artwork on the smart object with filters, the plain one elsewhere', async () => {
    const out = await render([{ kind: 'invert', params: {} }]);
    expect(out.at(15, 15)).toEqual([0, 255, 255]);
    expect(out.at(45, 15)).toEqual([255, 0, 0]);
  });

  it('runs the filters bottom to top', async () => {
    // Black & White then Invert: red → 102 → 153. Invert and Levels (output black 100) do not commute.
    const bw = { kind: 'black_white', params: {} };
    const lift = { kind: 'levels', params: { composite: { out_black: 100 } } };
    const inverted = { kind: 'invert', params: {} };
    expect((await render([bw, inverted])).at(15, 15)).toEqual([153, 153, 153]);
    expect((await render([inverted, lift])).at(15, 15)).toEqual([100, 255, 255]);
    expect((await render([lift, inverted])).at(15, 15)).toEqual([0, 155, 155]);
  });

  it('blends a filter over its input with the filter’s opacity', async () => {
    const out = await render([{ kind: 'invert', params: {}, opacity: 0.5 }]);
    expect(out.at(15, 15)).toEqual([128, 128, 128]);
  });

  it('refuses a template whose filter parameters are out of range, naming them', async () => {
    await expect(render([{ kind: 'exposure', params: { exposure: 40 } }])).rejects.toBeInstanceOf(
      RenderFailedError,
    );
    await expect(render([{ kind: 'exposure', params: { exposure: 40 } }])).rejects.toThrow(
      /layers\.1\.filters\.0\.params\.exposure/,
    );
  });
});
