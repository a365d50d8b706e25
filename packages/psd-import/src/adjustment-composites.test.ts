// Real Photoshop documents with Posterize, Threshold, legacy Brightness/Contrast and Hue/Saturation
// adjustment layers (psd-tools' test files, test/fixtures/psd/psd-tools-adjustments), ag-psd's
// stack of every adjustment kind (test/fixtures/psd/ag-psd-adjustments) and Aspose's tiles of every
// kind (test/fixtures/psd/aspose-adjustments) imported and rendered,
// compared with the composite Photoshop saved in each.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createCompositor,
  createKernelPool,
  templateManifestSchema,
  type Compositor,
} from '@platen/compositor';
import { readPsd } from 'ag-psd';
import sharp from 'sharp';
import { setUpAgPsd } from './ag-psd-setup.js';
import { importLayers, type ImportWarning } from './psd-importer.js';

const FIXTURES = join(__dirname, '../../../test/fixtures/psd');

let compositor: Compositor;

beforeAll(() => {
  compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 64 * 1024 * 1024 });
});

/** Mean absolute difference per channel (0–255) from Photoshop's composite, the share of channel
 * values off by more than 2 levels, the import's warnings, and both images (RGBA). */
async function compare(file: string): Promise<{
  mad: number;
  off: number;
  warnings: ImportWarning[];
  ours: Buffer;
  photoshop: ArrayLike<number>;
}> {
  const bytes = readFileSync(join(FIXTURES, file));
  const { imported } = await importLayers(bytes, { smartObjectUuid: () => randomUUID() });
  const manifest = templateManifestSchema.parse(imported.manifest);
  const prepared = await compositor.prepare({ id: file, version: 1, manifest }, imported.assets);
  const { data } = await compositor.render(prepared, [], { format: 'png' });
  const ours = await sharp(data).ensureAlpha().raw().toBuffer();
  setUpAgPsd();
  const photoshop = readPsd(bytes, { useImageData: true, skipLayerImageData: true, skipThumbnail: true })
    .imageData!.data;
  expect(ours.length).toBe(photoshop.length);
  let sum = 0;
  let off = 0;
  for (let i = 0; i < ours.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(ours[i + c]! - photoshop[i + c]!);
      sum += d;
      if (d > 2) off++;
    }
  }
  return {
    mad: sum / ((ours.length / 4) * 3),
    off: off / ((ours.length / 4) * 3),
    warnings: imported.warnings,
    ours,
    photoshop,
  };
}

describe("Photoshop's composites of adjustment layers", () => {
  it.each([
    ['psd-tools-adjustments/posterize_rgb.psd', 'Posterize at 21, 13, 7 and 3 levels'],
    ['psd-tools-adjustments/threshold_rgb.psd', 'Threshold at 232, 172, 115 and 60'],
  ])('draws %s (%s) as Photoshop did, without a warning', async (file) => {
    const { mad, off, warnings } = await compare(file);
    expect(warnings).toEqual([]);
    expect({ mad: Math.round(mad * 100) / 100, off: Math.round(off * 1000) / 1000 }).toEqual({
      mad: 0,
      off: 0,
    });
  });

  it("draws legacy Brightness/Contrast (brightness 20, contrast 57) within a level of Photoshop's", async () => {
    const { mad, warnings, ours, photoshop } = await compare(
      'psd-tools-adjustments/brightnesscontrast_legacy_rgb.psd',
    );
    expect(warnings).toEqual([]);
    let worst = 0;
    for (let i = 0; i < ours.length; i += 4) {
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(ours[i + c]! - photoshop[i + c]!));
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(mad).toBeLessThan(0.1);
  });

  it.each([
    // [columns, the layer alone over them, MAD below]: measured 1.16, 0.57, 0.34 and 1.33, where
    // the master range alone gave 1.16, 5.2, 7.4 and 14.4.
    [0, 50, 'Hue/Saturation 4: master only (hue +122, saturation +100, lightness −37)', 1.2],
    [50, 100, 'Hue/Saturation 3: master saturation −97, four ranges moved and shifted', 0.65],
    [
      100,
      150,
      'Hue/Saturation 1: master hue +66, reds hue +180 / lightness −59, yellows lightness +100',
      0.4,
    ],
    [150, 200, 'Hue/Saturation 2: five ranges moved, overlapping, and shifted', 1.4],
  ])('draws columns %i–%i (%s) close to Photoshop, without a warning', async (x0, x1, _layer, most) => {
    // psd-tools' huesaturation_rgb.psd: each layer is masked to its own column.
    const { ours, photoshop, warnings } = await compare('psd-tools-adjustments/huesaturation_rgb.psd');
    const width = 200;
    let sum = 0;
    let count = 0;
    for (let y = 0; y < width; y++) {
      for (let x = x0; x < x1; x++) {
        const i = (y * width + x) * 4;
        for (let c = 0; c < 3; c++) sum += Math.abs(ours[i + c]! - photoshop[i + c]!);
        count += 3;
      }
    }
    // Neutral greys, whose hue Photoshop and HSL read differently, are the few pixels far off.
    expect(sum / count).toBeLessThan(most);
    expect(warnings).toEqual([]);
  });

  // MAD per 50 px column, each under its own layer(s): measured 0.29, 0.30, 0.62, 0.71 (saturation)
  // and 0.50, 0.43, 0.22, 0.16 (lightness), where the master range alone gave 16.1, 9.2, 3.6, 24.0
  // and 3.1, 5.1, 5.2, 2.6.
  it.each([
    ['psd-tools-adjustments/huesaturation_saturation_rgb.psd', 'saturation', [0.35, 0.35, 0.7, 0.8]],
    ['psd-tools-adjustments/huesaturation_lightness_rgb.psd', 'lightness', [0.6, 0.5, 0.3, 0.2]],
  ])(
    'draws %s (colour ranges shifting %s only) close to Photoshop, without a warning',
    async (file, _what, most) => {
      const { ours, photoshop, warnings } = await compare(file);
      const mads = [0, 50, 100, 150].map((x0) => {
        let sum = 0;
        for (let y = 0; y < 200; y++) {
          for (let x = x0; x < x0 + 50; x++) {
            const i = (y * 200 + x) * 4;
            for (let c = 0; c < 3; c++) sum += Math.abs(ours[i + c]! - photoshop[i + c]!);
          }
        }
        return sum / (200 * 50 * 3);
      });
      mads.forEach((mad, column) => expect(mad).toBeLessThan(most[column]!));
      expect(warnings).toEqual([]);
    },
  );

  it('draws every opaque pixel of the stack ending in Threshold, Gradient Map and Selective Color as Photoshop did', async () => {
    // After Threshold every pixel is black or white; the Gradient Map's last stop (255, 124, 0)
    // then loses 29 red and gains 12 green from Selective Color's absolute reds (cyan 15 %,
    // magenta −14 %, yellow 33 %, black 6 %): Photoshop's composite is (226, 136, 0).
    const { ours, photoshop, warnings } = await compare('ag-psd-adjustments/adjustment-layers.psd');
    let opaque = 0;
    let differing = 0;
    for (let i = 0; i < ours.length; i += 4) {
      if (photoshop[i + 3] !== 255) continue;
      opaque++;
      if (ours[i] !== photoshop[i] || ours[i + 1] !== photoshop[i + 1] || ours[i + 2] !== photoshop[i + 2]) {
        differing++;
      }
    }
    expect(opaque).toBeGreaterThan(1000);
    expect(differing).toBe(0);
    // Every modelled or skipped layer says so, and only those.
    expect(warnings.map(({ layer, code }) => [layer, code])).toEqual([
      ['Brightness/Contrast 1', 'ADJUSTMENT_APPROXIMATED'],
      ['Vibrance 1', 'ADJUSTMENT_APPROXIMATED'],
      ['Color Balance 1', 'ADJUSTMENT_APPROXIMATED'],
      ['Photo Filter 1', 'ADJUSTMENT_APPROXIMATED'],
      ['Gradient Map 1', 'ADJUSTMENT_APPROXIMATED'],
      ['Selective Color 1', 'ADJUSTMENT_APPROXIMATED'],
    ]);
  });

  it("draws a Color Lookup .cube (Photoshop's Kodak 5218 → 2395 film look) within a level of Photoshop's, without a warning", async () => {
    // Tile 3_3 of Aspose's AllAdjustments.psd: the only tile under the Color Lookup layer.
    const { ours, photoshop, warnings } = await compare('aspose-adjustments/AllAdjustments.psd');
    let sum = 0;
    let worst = 0;
    for (let y = 200; y < 300; y++) {
      for (let x = 200; x < 300; x++) {
        const i = (y * 400 + x) * 4;
        for (let c = 0; c < 3; c++) {
          const d = Math.abs(ours[i + c]! - photoshop[i + c]!);
          sum += d;
          worst = Math.max(worst, d);
        }
      }
    }
    // Photoshop dithers its result: a level either way.
    expect(worst).toBeLessThanOrEqual(1);
    expect(sum / (100 * 100 * 3)).toBeLessThan(0.3);
    expect(warnings.map(({ layer }) => layer)).not.toContain('Color Lookup 1');
  });
});
