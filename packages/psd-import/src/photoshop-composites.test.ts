// Real Photoshop documents (psd-tools' test files, test/fixtures/psd/psd-tools-layers) imported and
// rendered, compared with the composite Photoshop saved in each: adjustment layers (masked, clipped,
// inside groups), fill layers and isolated groups must draw as Photoshop drew them, and what is
// still approximated must say so per layer.
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

const FIXTURES = join(__dirname, '../../../test/fixtures/psd/psd-tools-layers');

let compositor: Compositor;

beforeAll(() => {
  compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 64 * 1024 * 1024 });
});

/**
 * Mean absolute difference per channel between the render and Photoshop's composite, colours
 * weighted by alpha (a transparent pixel's colour is nobody's), and the warnings.
 */
async function compare(file: string): Promise<{ mad: number; warnings: ImportWarning[] }> {
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
  const weighted = (pixels: ArrayLike<number>, i: number, c: number) =>
    c === 3 ? pixels[i + 3]! : (pixels[i + c]! * pixels[i + 3]!) / 255;
  let sum = 0;
  for (let i = 0; i < ours.length; i += 4) {
    for (let c = 0; c < 4; c++) sum += Math.abs(weighted(ours, i, c) - weighted(photoshop, i, c));
  }
  return { mad: sum / ours.length, warnings: imported.warnings };
}

describe("Photoshop's composites of real documents", () => {
  it.each([
    ['adjustment-mask.psd', 'an adjustment layer with a mask', 0.1],
    ['invert_rgb.psd', 'Invert under a mask', 0.1],
    ['curves_rgb.psd', 'Curves per channel under masks', 0.1],
    ['levels_rgb.psd', 'Levels per channel under masks', 0.5],
    ['exposure_rgb.psd', 'Exposure with offset and gamma under masks', 0.1],
    ['adjustment_backdrop_test.psd', 'adjustments over adjustments, masked, one clipped to another', 0.5],
    ['adjustment_clipping.psd', 'adjustments clipped to a fill layer with a mask', 0.1],
    ['clip-adjustment.psd', 'a Hue/Saturation clipped to a layer over transparency', 0.1],
    ['adjustment_nested_composition_2.psd', 'an adjustment inside a pass-through group', 0.1],
    ['adjustment_nested_composition_3.psd', 'a masked adjustment inside a pass-through group', 0.1],
    // Darken layers under curves nested three pass-through groups deep: some pixels differ by up to
    // 11 levels; the cause is not pinned down.
    ['adjustment_nested_composition_4.psd', 'adjustments in nested pass-through groups', 2.5],
    ['adjustment_nested_composition_5.psd', 'adjustments in nested isolated groups blended with screen', 0.2],
    ['solid-color-fill.psd', 'a solid colour fill layer', 0.1],
    ['gradient-fill.psd', 'a gradient fill layer', 0.1],
    ['pattern-fill.psd', 'a pattern fill layer', 0.1],
    ['transparency-group.psd', 'isolated normal groups with opacity over transparency', 0.1],
    ['passthrough_opacity.psd', 'a pass-through group at half opacity holding an adjustment', 0.1],
    [
      'adjustment_nested_composition_1.psd',
      'a masked pass-through group in a divide group in a normal one',
      0.1,
    ],
    ['group-clipping.psd', 'a group (with a clipping group inside) clipped to a layer', 0.1],
    ['mask-density-vectormask.psd', 'pixel layers under vector masks of 25, 50, 75 and 100 % density', 0.1],
    // Four Colorize layers under masks: at most 3 levels off in places.
    ['huesaturation_colorize_rgb.psd', 'Hue/Saturation Colorize with lightness up and down', 0.5],
  ])('draws %s (%s) as Photoshop did, without a warning', async (file, _what, bound) => {
    const { mad, warnings } = await compare(file);
    expect(warnings).toEqual([]);
    expect(mad).toBeLessThan(bound);
  });

  // Three translucent circles over transparency in each mode (and a pass-through group). Dissolve
  // (a random pattern), hard mix and vivid light (MAD 9 and 13 against Photoshop over the circles'
  // half-transparent overlaps) are left out: they do not match yet.
  it.each([
    'color-burn',
    'color-dodge',
    'color',
    'darken',
    'darker-color',
    'difference',
    'divide',
    'exclusion',
    'hard-light',
    'hue',
    'lighten',
    'lighter-color',
    'linear-burn',
    'linear-dodge',
    'linear-light',
    'luminosity',
    'multiply',
    'normal',
    'overlay',
    'pass-through',
    'pin-light',
    'saturation',
    'screen',
    'soft-light',
    'subtract',
  ])('blends layers in %s as Photoshop did', async (mode) => {
    const { mad, warnings } = await compare(`blend-modes/${mode}.psd`);
    expect(warnings).toEqual([]);
    expect(mad).toBeLessThan(0.25);
  });

  it('draws fill and shape layers that store no pixels, naming only what it approximates', async () => {
    // A colour fill over the canvas, two polygons (colour, and a three-stop linear gradient, each
    // with an inside stroke, the second one dashed) and a pattern-filled ellipse. The composite Photoshop saved in this file is blank (white), so the
    // shapes are checked against their own settings: fill colour inside, the colour fill around.
    const bytes = readFileSync(join(FIXTURES, 'adjustment-fillers.psd'));
    const { imported } = await importLayers(bytes, { smartObjectUuid: () => randomUUID() });
    expect(imported.warnings.map(({ layer, code, message }) => [layer, code, message])).toEqual([
      [
        'Polygon 2',
        'FILL_APPROXIMATED',
        "The gradient fill layer is drawn approximately: the stroke's dashes are drawn as a solid line.",
      ],
      [
        'Ellipse 1',
        'FILL_APPROXIMATED',
        "The pattern fill layer is drawn approximately: its pattern is tiled from the document's origin; Photoshop may start it where the shape was drawn.",
      ],
    ]);
    const manifest = templateManifestSchema.parse(imported.manifest);
    const prepared = await compositor.prepare({ id: 'fillers', version: 1, manifest }, imported.assets);
    const { data, info } = await sharp((await compositor.render(prepared, [], { format: 'png' })).data)
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3),
    ];
    expect(at(10, 500)).toEqual([102, 102, 102]);
    expect(at(124, 130)).toEqual([16, 9, 100]);
    // Polygon 1's 1 px dark grey stroke runs along its top edge (y 58.2–59.3 at x 124).
    expect(Math.max(...at(124, 59))).toBeLessThan(60);
    // The gradient runs from blue at the bottom through red to yellow at the top (angle 90°).
    const [top, bottom] = [at(330, 235), at(330, 360)];
    expect(top[0]).toBeGreaterThan(200);
    expect(top[1]).toBeGreaterThan(150);
    expect(bottom[2]).toBeGreaterThan(100);
    // The ellipse's pattern: diagonal black lines on white.
    const row = Array.from({ length: 16 }, (_, i) => at(340 + i, 90)[0]!);
    expect(Math.min(...row)).toBeLessThan(60);
    expect(Math.max(...row)).toBeGreaterThan(200);
  }, 30_000);

  it.each([['brightnesscontrast_rgb.psd', 'Brightness/Contrast']])(
    'says per layer that %s is approximated (its %s curve is modelled), drawn close to Photoshop',
    async (file, name) => {
      const { mad, warnings } = await compare(file);
      // psd-tools' model of the curve: MAD 2.3 here (GIMP's formula was 27 off).
      expect(mad).toBeLessThan(3);
      expect(warnings.length).toBe(4);
      for (const warning of warnings) {
        expect(warning).toMatchObject({
          code: 'ADJUSTMENT_APPROXIMATED',
          layer: expect.stringContaining(name) as string,
        });
      }
    },
  );
});
