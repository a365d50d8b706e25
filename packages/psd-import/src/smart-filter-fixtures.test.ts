// Real Photoshop files with smart filters (ag-psd's test documents, see
// test/fixtures/psd/ag-psd-filters/SOURCES.md): each stored filter is imported or named, and each
// file's filter mask (white everywhere, Photoshop's default) is read: no mask to carry, no warning.
// Liquify is also drawn and compared with the pixels Photoshop stored for its layer.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createCompositor,
  createKernelPool,
  smartObjectsOf,
  templateManifestSchema,
  type Compositor,
} from '@platen/compositor';
import { readPsd } from 'ag-psd';
import sharp from 'sharp';
import { setUpAgPsd } from './ag-psd-setup.js';
import { importLayers, importPsd } from './psd-importer.js';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'psd', 'ag-psd-filters');

async function importFixture(file: string) {
  const result = await importPsd(readFileSync(join(FIXTURES, file)), {
    smartObjectUuid: () => '5a0f3f9c-7c3e-4a51-9d2c-1f2e3d4c5b6a',
  });
  const [so] = smartObjectsOf(templateManifestSchema.parse(result.manifest));
  // A white filter mask changes nothing: it is read, not carried.
  expect(so!.filter_mask).toBeUndefined();
  return { filters: so!.filters, warnings: result.warnings };
}

describe('importPsd on Photoshop files with smart filters', () => {
  it('imports Gaussian Blur then Curves in the order Photoshop runs them', async () => {
    const { filters, warnings } = await importFixture('smart-filter-blur.psd');
    expect(filters).toEqual([
      { kind: 'gaussian_blur', params: { radius: 3.5 }, opacity: 1, blend_mode: 'normal' },
      { kind: 'curves', params: {}, opacity: 1, blend_mode: 'normal' },
    ]);
    expect(warnings).toEqual([]);
  });

  it("imports a Curves smart filter's points", async () => {
    const { filters, warnings } = await importFixture('smart-object-curves.psd');
    expect(filters).toEqual([
      {
        kind: 'curves',
        params: {
          composite: [
            [0, 0],
            [132, 196],
            [255, 255],
          ],
        },
        opacity: 1,
        blend_mode: 'normal',
      },
    ]);
    expect(warnings).toEqual([]);
  });

  it("imports an Average smart filter, saying its mean is close to but not exactly Photoshop's", async () => {
    const { filters, warnings } = await importFixture('smart-filter.psd');
    expect(filters).toEqual([{ kind: 'average', params: {}, opacity: 1, blend_mode: 'normal' }]);
    expect(warnings).toEqual([
      {
        layer: 'temmie',
        code: 'SMART_FILTERS_APPROXIMATED',
        message:
          'Smart filter "Average" is drawn with a published model of Photoshop\'s formula: colours may differ slightly.',
      },
    ]);
  });

  it('imports a Liquify smart filter as its displacement grid on the design canvas, with no warning', async () => {
    const { filters, warnings } = await importFixture('smart-filters-2.psd');
    expect(filters).toHaveLength(1);
    expect(filters![0]).toMatchObject({ kind: 'liquify', params: { cols: 64, rows: 64 }, opacity: 1 });
    expect(warnings).toEqual([]);
  });
});

describe("Liquify drawn as Photoshop drew it (ag-psd's smart-filters-2.psd, no composite saved)", () => {
  let compositor: Compositor;
  beforeAll(() => {
    compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 64 * 1024 * 1024 });
  });

  /** Mean absolute difference per channel of the render and Photoshop's stored layers, both on white. */
  async function madAgainstPhotoshop(keepFilters: boolean): Promise<number> {
    const bytes = readFileSync(join(FIXTURES, 'smart-filters-2.psd'));
    const { imported } = await importLayers(bytes, { smartObjectUuid: () => randomUUID() });
    const manifest = templateManifestSchema.parse(imported.manifest);
    const [so] = smartObjectsOf(manifest);
    if (!keepFilters) delete so!.filters;
    const prepared = await compositor.prepare({ id: randomUUID(), version: 1, manifest }, imported.assets);
    setUpAgPsd();
    const psd = readPsd(bytes, { useImageData: true, skipThumbnail: true });
    const temmie = Buffer.from(psd.linkedFiles![0]!.data!);
    const { data } = await compositor.render(
      prepared,
      [{ uuid: so!.uuid, asset: temmie, fit: 'fill', rotate: 0 }],
      {
        format: 'png',
      },
    );
    const ours = await sharp(data).flatten({ background: '#ffffff' }).raw().toBuffer();
    // Photoshop's pixels: the liquified layer it stored, over the white background layer.
    const layer = psd.children!.find((child) => child.placedLayer)!;
    const stored = layer.imageData!;
    let sum = 0;
    for (let y = 0; y < psd.height; y++) {
      for (let x = 0; x < psd.width; x++) {
        const lx = x - layer.left!;
        const ly = y - layer.top!;
        const inside = lx >= 0 && ly >= 0 && lx < stored.width && ly < stored.height;
        const at = (ly * stored.width + lx) * 4;
        const alpha = inside ? stored.data[at + 3]! / 255 : 0;
        for (let c = 0; c < 3; c++) {
          const photoshop = (inside ? stored.data[at + c]! : 0) * alpha + 255 * (1 - alpha);
          sum += Math.abs(ours[(y * psd.width + x) * 3 + c]! - photoshop);
        }
      }
    }
    return sum / (psd.width * psd.height * 3);
  }

  it('matches the liquified layer Photoshop stored within 2 levels, where the artwork unliquified is far off', async () => {
    expect(await madAgainstPhotoshop(true)).toBeLessThan(2);
    expect(await madAgainstPhotoshop(false)).toBeGreaterThan(20);
  });
});
