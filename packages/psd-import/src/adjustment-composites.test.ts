// Real Photoshop documents with Posterize and Threshold adjustment layers (psd-tools' test files,
// test/fixtures/psd/psd-tools-adjustments) imported and rendered, compared with the composite
// Photoshop saved in each: the adjustments must draw as Photoshop drew them, without a warning.
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

const FIXTURES = join(__dirname, '../../../test/fixtures/psd/psd-tools-adjustments');

let compositor: Compositor;

beforeAll(() => {
  compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 64 * 1024 * 1024 });
});

/** Mean absolute difference per channel (0–255) from Photoshop's composite, the share of channel
 * values off by more than 2 levels, and the import's warnings. */
async function compare(file: string): Promise<{ mad: number; off: number; warnings: ImportWarning[] }> {
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
  };
}

describe("Photoshop's composites of adjustment layers", () => {
  it.each([
    ['posterize_rgb.psd', 'Posterize at 21, 13, 7 and 3 levels'],
    ['threshold_rgb.psd', 'Threshold at 232, 172, 115 and 60'],
  ])('draws %s (%s) as Photoshop did, without a warning', async (file) => {
    const { mad, off, warnings } = await compare(file);
    expect(warnings).toEqual([]);
    expect({ mad: Math.round(mad * 100) / 100, off: Math.round(off * 1000) / 1000 }).toEqual({
      mad: 0,
      off: 0,
    });
  });
});
