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
import { readPsd, type Psd } from 'ag-psd';
import { readDataZip } from 'ag-psd/dist/psdReader.js';
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

  it("imports an Average smart filter with the document's area in design pixels, still warned", async () => {
    const { filters, warnings } = await importFixture('smart-filter.psd');
    // 256 × 256 document pixels through a placement of 525 × 613 design pixels onto 219 × 256.
    expect(filters).toEqual([
      { kind: 'average', params: { document_area: 376197 }, opacity: 1, blend_mode: 'normal' },
    ]);
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

describe("Average drawn as Photoshop drew it (ag-psd's smart-filter.psd, no composite saved)", () => {
  let compositor: Compositor;
  beforeAll(() => {
    compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 64 * 1024 * 1024 });
  });
  const bytes = readFileSync(join(FIXTURES, 'smart-filter.psd'));
  setUpAgPsd();
  const psd = readPsd(bytes, { useImageData: true, skipThumbnail: true });
  const layer = psd.children!.find((child) => child.placedLayer)!;

  /** The colour Photoshop stored for the averaged layer (one colour, checked). */
  function photoshopColour(): number[] {
    const { data } = layer.imageData!;
    const colours = new Set<string>();
    for (let i = 0; i < data.length; i += 4)
      if (data[i + 3]! > 0) colours.add(data.slice(i, i + 3).join(','));
    expect(colours.size).toBe(1);
    return [...colours][0]!.split(',').map(Number);
  }

  /**
   * Photoshop's own rendering of the smart object before its filter, in the document: the
   * channels its filter effects cache holds (red, green, blue, transparency), as a PNG.
   */
  async function photoshopBeforeFilter(doc: Psd): Promise<Buffer> {
    const entry = doc.filterEffectsMasks![0]!;
    const width = entry.right - entry.left;
    const height = entry.bottom - entry.top;
    const rgba = { width, height, data: new Uint8ClampedArray(width * height * 4) };
    const channels = entry.channels.filter((channel) => channel !== undefined && channel !== null);
    expect(channels).toHaveLength(4);
    channels.forEach((channel, offset) => {
      expect([2, 3]).toContain(channel.compressionMode);
      readDataZip(channel.data, rgba, width, height, 8, 4, offset, channel.compressionMode === 3);
    });
    return sharp(Buffer.from(rgba.data.buffer), { raw: { width, height, channels: 4 } })
      .png()
      .toBuffer();
  }

  /** The colour of the render where the layer is opaque. */
  async function renderedColour(manifest: unknown, uuid: string, artwork: Buffer): Promise<number[]> {
    const parsed = templateManifestSchema.parse(manifest);
    const prepared = await compositor.prepare({ id: randomUUID(), version: 1, manifest: parsed }, new Map());
    const { data } = await compositor.render(prepared, [{ uuid, asset: artwork, fit: 'fill', rotate: 0 }], {
      format: 'png',
    });
    const { data: pixels } = await sharp(data).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const stored = layer.imageData!;
    for (let y = 0; y < stored.height; y++) {
      for (let x = 0; x < stored.width; x++) {
        if (stored.data[(y * stored.width + x) * 4 + 3] !== 255) continue;
        const at = ((y + layer.top!) * psd.width + x + layer.left!) * 4;
        return Array.from(pixels.subarray(at, at + 3));
      }
    }
    throw new Error('the stored layer has no opaque pixel');
  }

  it("turns Photoshop's own pre-filter rendering into exactly the colour Photoshop stored", async () => {
    // The rule: the colour channels' plain mean over the document, alpha ignored (the
    // alpha-weighted mean of the same pixels is (138, 119, 126)).
    const uuid = randomUUID();
    const manifest = {
      width: psd.width,
      height: psd.height,
      layers: [
        {
          type: 'smart_object',
          uuid,
          name: 'temmie',
          layer_name: 'temmie',
          size: { width: psd.width, height: psd.height },
          position: { x: 0, y: 0, width: psd.width, height: psd.height },
          quad: null,
          filters: [{ kind: 'average', params: { document_area: psd.width * psd.height } }],
        },
      ],
    };
    expect(await renderedColour(manifest, uuid, await photoshopBeforeFilter(psd))).toEqual(photoshopColour());
  });

  it('draws the imported file from its embedded PNG within 3 levels of the colour Photoshop stored', async () => {
    // The rest is the colour Photoshop keeps under transparent pixels (edge colours smeared into
    // them), which the PNG does not hold: see filter-model.ts.
    const { imported } = await importLayers(bytes, { smartObjectUuid: () => randomUUID() });
    const [so] = smartObjectsOf(templateManifestSchema.parse(imported.manifest));
    const artwork = Buffer.from(psd.linkedFiles![0]!.data!);
    const prepared = await compositor.prepare(
      { id: randomUUID(), version: 1, manifest: templateManifestSchema.parse(imported.manifest) },
      imported.assets,
    );
    const { data } = await compositor.render(
      prepared,
      [{ uuid: so!.uuid, asset: artwork, fit: 'fill', rotate: 0 }],
      {
        format: 'png',
      },
    );
    const { data: pixels } = await sharp(data).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const stored = layer.imageData!;
    const expected = photoshopColour();
    // Interior pixels: opaque with opaque neighbours (at the outline the warp's antialiasing shows).
    const opaqueAt = (x: number, y: number) => stored.data[(y * stored.width + x) * 4 + 3] === 255;
    const off = [0, 0, 0];
    let interior = 0;
    for (let y = 1; y < stored.height - 1; y++) {
      for (let x = 1; x < stored.width - 1; x++) {
        if (
          ![
            [0, 0],
            [1, 0],
            [-1, 0],
            [0, 1],
            [0, -1],
          ].every(([dx, dy]) => opaqueAt(x + dx!, y + dy!))
        )
          continue;
        interior++;
        const at = ((y + layer.top!) * psd.width + x + layer.left!) * 4;
        for (let c = 0; c < 3; c++) off[c]! += Math.abs(pixels[at + c]! - expected[c]!);
      }
    }
    expect(interior).toBeGreaterThan(20_000);
    for (const sum of off) expect(sum / interior).toBeLessThanOrEqual(3);
  });
});
