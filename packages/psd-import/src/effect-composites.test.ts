// A real Photoshop document with one layer per layer effect (psd-tools' layer_effects.psd, at
// 150 ppi, so its effects record a scale of 208 %) imported and rendered; each effect's region is
// compared with the composite Photoshop saved. Effects that are not drawn must say so, one warning
// each.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCompositor, createKernelPool, templateManifestSchema } from '@platen/compositor';
import { readPsd } from 'ag-psd';
import sharp from 'sharp';
import { setUpAgPsd } from './ag-psd-setup.js';
import { importLayers, type ImportWarning } from './psd-importer.js';

const FILE = join(__dirname, '../../../test/fixtures/psd/effects/psd-tools_layer_effects.psd');

let ours: Buffer;
let photoshop: ArrayLike<number>;
let width: number;
let warnings: ImportWarning[];

beforeAll(async () => {
  const bytes = readFileSync(FILE);
  const { imported } = await importLayers(bytes, { smartObjectUuid: () => randomUUID() });
  warnings = imported.warnings;
  const compositor = createCompositor({
    pool: createKernelPool({ threads: 0 }),
    cacheBytes: 16 * 1024 * 1024,
  });
  const manifest = templateManifestSchema.parse(imported.manifest);
  const prepared = await compositor.prepare({ id: 'layer-effects', version: 1, manifest }, imported.assets);
  const { data } = await compositor.render(prepared, [], { format: 'png' });
  ours = await sharp(data).ensureAlpha().raw().toBuffer();
  width = manifest.width;
  setUpAgPsd();
  photoshop = readPsd(bytes, { useImageData: true, skipLayerImageData: true }).imageData!.data;
});

/** Mean absolute difference per RGB channel over a canvas box. */
function madIn(x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  let count = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * width + x) * 4 + c;
        sum += Math.abs(ours[i]! - photoshop[i]!);
        count++;
      }
    }
  }
  return sum / count;
}

describe("psd-tools' layer_effects.psd against Photoshop's composite", () => {
  it.each([
    // Scale 208 % is the resolution's (150 / 72): drawn at the stored 6 px, not 12.5 (was skipped).
    ['stroke (6 px outside)', 2, [85, 548, 345, 622]],
    // Was a hard step (scale read as per cent): MAD 11.9; with the box's extent as length: 3.0.
    ['gradient overlay (87°, smoothness 100 %)', 0.8, [85, 418, 720, 486]],
    ['drop shadow', 1, [85, 215, 620, 292]],
    ['inner shadow', 1, [85, 290, 600, 350]],
    ['colour overlay', 0.4, [85, 350, 600, 418]],
  ] as const)('draws the %s within MAD %s of Photoshop', (_effect, limit, [x0, y0, x1, y1]) => {
    expect(madIn(x0, y0, x1, y1)).toBeLessThan(limit);
  });

  it('warns once for each effect it leaves out, and for no effect it draws', () => {
    expect(warnings.map(({ layer, code }) => `${layer}: ${code}`)).toEqual([
      'Bevel: EFFECTS_SKIPPED',
      'Emboss: EFFECTS_SKIPPED',
      'Outer Glow: EFFECTS_SKIPPED',
      'Inner Glow: EFFECTS_SKIPPED',
      'Pattern Overlay: EFFECTS_SKIPPED',
      'Satin: EFFECTS_SKIPPED',
    ]);
  });
});

describe("psd-tools' masks.psd against Photoshop's composite", () => {
  it('draws the drop shadows, stroke and 0 % fill overlay of shape layers whose masks are their rasterised paths', async () => {
    const bytes = readFileSync(join(__dirname, '../../../test/fixtures/psd/effects/psd-tools_masks.psd'));
    const { imported } = await importLayers(bytes, { smartObjectUuid: () => randomUUID() });
    const compositor = createCompositor({
      pool: createKernelPool({ threads: 0 }),
      cacheBytes: 16 * 1024 * 1024,
    });
    const manifest = templateManifestSchema.parse(imported.manifest);
    const prepared = await compositor.prepare({ id: 'masks', version: 1, manifest }, imported.assets);
    const { data } = await compositor.render(prepared, [], { format: 'png' });
    const rendered = await sharp(data).ensureAlpha().raw().toBuffer();
    const composite = readPsd(bytes, { useImageData: true, skipLayerImageData: true }).imageData!.data;
    let sum = 0;
    for (let i = 0; i < rendered.length; i++) sum += Math.abs(rendered[i]! - composite[i]!);
    // Was 0.86 with the effects skipped, 0.24 with the 0 % fill divider's overlay left out: 0.23.
    expect(sum / rendered.length).toBeLessThan(0.235);
    expect(imported.warnings).toEqual([]);
  });
});
