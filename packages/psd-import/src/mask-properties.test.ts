// Layer masks' Density and Feather (Photoshop's mask Properties) on pixel layers, smart objects,
// groups and shape layers: documents written with ag-psd are rendered through the importer and the
// compositor and compared with a per-pixel computation written out here (the mask as a function of
// canvas position, blurred and lifted); real Photoshop files are compared with their composite.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createCompositor,
  createKernelPool,
  templateManifestSchema,
  type Compositor,
} from '@platen/compositor';
import { readPsd, writePsdBuffer, type Layer, type LayerMaskData } from 'ag-psd';
import sharp from 'sharp';
import { setUpAgPsd } from './ag-psd-setup.js';
import { importLayers, importPsd } from './psd-importer.js';
import { makeTestPsd, solidPixels } from './test-psd.js';

const FIXTURES = join(__dirname, '../../../test/fixtures/psd/masks');
const W = 48;
const H = 40;
const RED = [220, 30, 40];

let compositor: Compositor;
beforeAll(() => {
  setUpAgPsd();
  compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 16 * 1024 * 1024 });
});

async function renderLayers(bytes: Buffer) {
  const { imported } = await importLayers(bytes, { smartObjectUuid: () => randomUUID() });
  const manifest = templateManifestSchema.parse(imported.manifest);
  const prepared = await compositor.prepare({ id: randomUUID(), version: 1, manifest }, imported.assets);
  const { data, info } = await renderRaw(prepared);
  return { pixels: data, width: info.width, warnings: imported.warnings };
}

async function renderRaw(prepared: Awaited<ReturnType<Compositor['prepare']>>) {
  const { data } = await compositor.render(prepared, [], { format: 'png' });
  return sharp(data).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
}

function documentWith(layers: Layer[]): Buffer {
  const background: Layer = {
    name: 'Background',
    top: 0,
    left: 0,
    imageData: solidPixels(W, H, [255, 255, 255]),
  };
  return writePsdBuffer({ width: W, height: H, children: [background, ...layers] });
}

/** A grey mask (0 hides, 255 shows) over a box, `defaultColor` outside it. */
interface TestMask {
  x: number;
  y: number;
  width: number;
  height: number;
  grey: (x: number, y: number) => number;
  defaultColor: number;
}

function maskData(mask: TestMask, props: Partial<LayerMaskData>): LayerMaskData {
  const data = new Uint8ClampedArray(mask.width * mask.height * 4);
  for (let y = 0; y < mask.height; y++) {
    for (let x = 0; x < mask.width; x++) {
      const v = mask.grey(x + mask.x, y + mask.y);
      data.set([v, v, v, 255], (y * mask.width + x) * 4);
    }
  }
  return {
    left: mask.x,
    top: mask.y,
    right: mask.x + mask.width,
    bottom: mask.y + mask.height,
    defaultColor: mask.defaultColor,
    imageData: { width: mask.width, height: mask.height, data },
    ...props,
  };
}

/**
 * Photoshop's mask with its properties at a canvas pixel (0..1): the mask's grey (its default
 * colour outside its box) blurred by a Gaussian of sigma = feather (cut at 3 sigma, the mask's own
 * values continuing past the canvas: the blur reads the mask, not the canvas), then lifted by density.
 */
function expectedMask(at: (x: number, y: number) => number, density: number, feather: number) {
  const half = feather > 0 ? Math.ceil(3 * feather) : 0;
  const weights: number[] = [];
  for (let i = -half; i <= half; i++)
    weights.push(feather > 0 ? Math.exp(-(i * i) / (2 * feather * feather)) : 1);
  const total = weights.reduce((a, b) => a + b, 0);
  // Rows first over the canvas's height grown by the kernel, then columns.
  const rows = new Map<number, number[]>();
  const rowBlur = (y: number) => {
    let row = rows.get(y);
    if (!row) {
      row = [];
      for (let x = 0; x < W; x++) {
        let sum = 0;
        for (let k = -half; k <= half; k++) sum += weights[k + half]! * (at(x + k, y) / 255);
        row.push(sum / total);
      }
      rows.set(y, row);
    }
    return row;
  };
  return (x: number, y: number) => {
    let sum = 0;
    for (let k = -half; k <= half; k++) sum += weights[k + half]! * rowBlur(y + k)[x]!;
    return 1 - density * (1 - sum / total);
  };
}

/** The largest difference of any channel between the render and `want(x, y)` = r, g, b. */
function worstDifference(pixels: Buffer, width: number, want: (x: number, y: number) => number[]): number {
  let worst = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const rgb = want(x, y);
      for (let c = 0; c < 3; c++)
        worst = Math.max(worst, Math.abs(pixels[(y * width + x) * 4 + c]! - rgb[c]!));
    }
  }
  return worst;
}

const over = (rgb: number[], alpha: number, under = [255, 255, 255]) =>
  rgb.map((v, c) => v * alpha + under[c]! * (1 - alpha));

/** A square hole-free mask: white inside (10..30, 8..28), black around, on a box smaller than the canvas. */
const SQUARE: TestMask = {
  x: 4,
  y: 2,
  width: 34,
  height: 32,
  defaultColor: 0,
  grey: (x, y) => (x >= 10 && x < 30 && y >= 8 && y < 28 ? 255 : 0),
};
const squareAt = (x: number, y: number) =>
  x >= SQUARE.x && y >= SQUARE.y && x < SQUARE.x + SQUARE.width && y < SQUARE.y + SQUARE.height
    ? SQUARE.grey(x, y)
    : SQUARE.defaultColor;

describe('layer mask density and feather', () => {
  it("feathers a pixel layer's mask by a Gaussian of sigma = feather and lifts it by its density", async () => {
    const { pixels, width, warnings } = await renderLayers(
      documentWith([
        {
          name: 'Red',
          top: 0,
          left: 0,
          imageData: solidPixels(W, H, RED as [number, number, number]),
          mask: maskData(SQUARE, { userMaskDensity: 0.6, userMaskFeather: 3 }),
        },
      ]),
    );
    expect(warnings).toEqual([]);
    const mask = expectedMask(squareAt, Math.round(0.6 * 255) / 255, 3);
    expect(worstDifference(pixels, width, (x, y) => over(RED, mask(x, y)))).toBeLessThanOrEqual(1);
    // Far from the square only the density's share is hidden: 40 % of the layer shows.
    expect(Array.from(pixels.subarray(0, 3))).toEqual(over(RED, 1 - 153 / 255).map(Math.round));
  });

  it("a mask's default colour outside its box is lifted by density too (a white mask with a black hole)", async () => {
    const hole: TestMask = {
      x: 14,
      y: 12,
      width: 12,
      height: 10,
      defaultColor: 255,
      grey: (x, y) => (x >= 16 && x < 24 && y >= 14 && y < 20 ? 0 : 255),
    };
    const at = (x: number, y: number) =>
      x >= hole.x && y >= hole.y && x < hole.x + hole.width && y < hole.y + hole.height
        ? hole.grey(x, y)
        : 255;
    const { pixels, width } = await renderLayers(
      documentWith([
        {
          name: 'Red',
          top: 0,
          left: 0,
          imageData: solidPixels(W, H, RED as [number, number, number]),
          mask: maskData(hole, { userMaskDensity: 0.5, userMaskFeather: 1.5 }),
        },
      ]),
    );
    const mask = expectedMask(at, Math.round(0.5 * 255) / 255, 1.5);
    expect(worstDifference(pixels, width, (x, y) => over(RED, mask(x, y)))).toBeLessThanOrEqual(1);
  });

  it("feathers a smart object's mask and a group's mask as a pixel layer's", async () => {
    const bytes = await makeTestPsd({
      width: W,
      height: H,
      smartObjects: [
        {
          name: 'Art',
          x: 0,
          y: 0,
          width: W,
          height: H,
          mask: maskData(SQUARE, { userMaskDensity: 1, userMaskFeather: 2 }),
        },
      ],
    });
    const group: Layer = {
      name: 'Group',
      blendMode: 'normal',
      opened: true,
      mask: maskData(SQUARE, { userMaskDensity: 0.8, userMaskFeather: 2.5 }),
      children: [
        { name: 'Blue', top: 0, left: 0, imageData: solidPixels(W, H, [30, 40, 200]) },
        { name: 'Green', top: 0, left: 0, opacity: 0.5, imageData: solidPixels(W, H, [20, 200, 60]) },
      ],
    };
    const imported = await importPsd(bytes, { smartObjectUuid: () => randomUUID() });
    expect(imported.warnings).toEqual([]);
    const manifest = templateManifestSchema.parse(imported.manifest);
    const prepared = await compositor.prepare({ id: randomUUID(), version: 1, manifest }, imported.assets);
    const artwork = await sharp({ create: { width: W, height: H, channels: 3, background: '#dc1e28' } })
      .png()
      .toBuffer();
    const uuid = manifest.layers.find((layer) => layer.type === 'smart_object')!.uuid;
    const { data } = await compositor.render(
      prepared,
      [{ uuid, asset: artwork, fit: 'fill' as const, rotate: 0 }],
      { format: 'png' },
    );
    const rendered = await sharp(data).ensureAlpha().raw().toBuffer();
    const soMask = expectedMask(squareAt, 1, 2);
    expect(worstDifference(rendered, W, (x, y) => over(RED, soMask(x, y)))).toBeLessThanOrEqual(1);

    const grouped = await renderLayers(documentWith([group]));
    expect(grouped.warnings).toEqual([]);
    const groupMask = expectedMask(squareAt, Math.round(0.8 * 255) / 255, 2.5);
    const inside = over([20, 200, 60], 0.5, [30, 40, 200]);
    expect(
      worstDifference(grouped.pixels, grouped.width, (x, y) => over(inside, groupMask(x, y))),
    ).toBeLessThanOrEqual(1);
  });

  const square = (x0: number, y0: number, x1: number, y1: number) =>
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
    ].map(([x, y]) => ({ linked: false, points: [x!, y!, x!, y!, x!, y!] }));
  const vectorSquare = {
    paths: [
      {
        open: false,
        operation: 'combine' as const,
        fillRule: 'even-odd' as const,
        knots: square(10, 8, 30, 28),
      },
    ],
  };

  it("feathers a pixel layer's vector mask and a shape layer's outline by their vector feather", async () => {
    const layer: Layer = {
      name: 'Red',
      top: 0,
      left: 0,
      imageData: solidPixels(W, H, RED as [number, number, number]),
      vectorMask: vectorSquare,
      mask: { vectorMaskDensity: 0.7, vectorMaskFeather: 2 },
    };
    const shape: Layer = {
      name: 'Shape',
      top: 0,
      left: 0,
      bottom: 0,
      right: 0,
      vectorFill: { type: 'color', color: { r: 220, g: 30, b: 40 } },
      vectorMask: vectorSquare,
      mask: { vectorMaskDensity: 0.7, vectorMaskFeather: 2 },
    };
    const mask = expectedMask(squareAt, Math.round(0.7 * 255) / 255, 2);
    for (const drawn of [layer, shape]) {
      const { pixels, width, warnings } = await renderLayers(documentWith([drawn]));
      expect(warnings).toEqual([]);
      expect(worstDifference(pixels, width, (x, y) => over(RED, mask(x, y)))).toBeLessThanOrEqual(1);
    }
  });

  it('multiplies a feathered raster mask and a feathered vector mask, each with its own properties', async () => {
    const band: TestMask = {
      x: 0,
      y: 0,
      width: W,
      height: H,
      defaultColor: 0,
      grey: (x) => (x < 20 ? 255 : 0),
    };
    // With a vector mask, Photoshop stores its rasterised paths as the mask and the user's as the real one.
    const { pixels, width } = await renderLayers(
      documentWith([
        {
          name: 'Red',
          top: 0,
          left: 0,
          imageData: solidPixels(W, H, RED as [number, number, number]),
          vectorMask: vectorSquare,
          mask: {
            ...maskData(SQUARE, { fromVectorData: true }),
            userMaskDensity: 0.9,
            userMaskFeather: 1,
            vectorMaskFeather: 2,
          },
          realMask: maskData(band, {}),
        },
      ]),
    );
    const user = expectedMask((x) => (x < 20 ? 255 : 0), Math.round(0.9 * 255) / 255, 1);
    const vector = expectedMask(squareAt, 1, 2);
    expect(
      worstDifference(pixels, width, (x, y) => over(RED, user(x, y) * vector(x, y))),
    ).toBeLessThanOrEqual(1.5);
  });

  it('warns MASK_APPROXIMATED for a feather wider than an exact kernel, and draws it close to a Gaussian', async () => {
    const { pixels, width, warnings } = await renderLayers(
      documentWith([
        {
          name: 'Red',
          top: 0,
          left: 0,
          imageData: solidPixels(W, H, RED as [number, number, number]),
          mask: maskData(SQUARE, { userMaskFeather: 36 }),
        },
      ]),
    );
    expect(warnings).toEqual([
      {
        layer: 'Red',
        code: 'MASK_APPROXIMATED',
        message:
          "The layer mask's feather above 32 px is drawn with an approximate Gaussian (three box blurs).",
      },
    ]);
    const mask = expectedMask(squareAt, 1, 36);
    expect(worstDifference(pixels, width, (x, y) => over(RED, mask(x, y)))).toBeLessThanOrEqual(3);
  });
});

describe("Photoshop's composites of documents with mask density and feather", () => {
  /** Mean absolute difference per channel with Photoshop's composite, colours weighted by alpha. */
  async function compare(file: string) {
    const bytes = readFileSync(join(FIXTURES, file));
    const { pixels, warnings } = await renderLayers(bytes);
    const photoshop = readPsd(bytes, { useImageData: true, skipLayerImageData: true }).imageData!.data;
    expect(pixels.length).toBe(photoshop.length);
    const weighted = (p: ArrayLike<number>, i: number, c: number) =>
      c === 3 ? p[i + 3]! : (p[i + c]! * p[i + 3]!) / 255;
    let sum = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      for (let c = 0; c < 4; c++) sum += Math.abs(weighted(pixels, i, c) - weighted(photoshop, i, c));
    }
    return { mad: sum / pixels.length, warnings };
  }

  it.each([
    // Before density was read: MAD 30.3.
    ['psd-tools_mask-density-layermask.psd', 'raster masks at 25, 50, 75 and 100 % density', 0.05],
    // Before the real user mask and its density were read: MAD 16.4.
    ['psd-tools_mask-density-layervectormask.psd', 'raster and vector masks at 25 to 100 % density', 0.05],
  ])('%s (%s) matches within MAD %s', async (file, _what, limit) => {
    const { mad, warnings } = await compare(file);
    expect(warnings).toEqual([]);
    expect(mad).toBeLessThan(limit);
  });

  it('a 0 % density mask (feathered) leaves its adjustment everywhere (ag-psd masks.psd; was MAD 0.71)', async () => {
    const { mad, warnings } = await compare('ag-psd_masks.psd');
    expect(warnings.map((warning) => warning.code)).toEqual(['ADJUSTMENT_APPROXIMATED']);
    expect(mad).toBeLessThan(0.3);
  });

  it('feathers a 90 % raster mask by 6 px as Photoshop did (psd-tools layer_mask_data.psd)', async () => {
    // The composite's white background reads (222, 204, 255): the mask Photoshop drew is read back
    // from the red channel where only the feathered green layer "2" (red 0) lies over it.
    const bytes = readFileSync(join(FIXTURES, 'psd-tools_layer_mask_data.psd'));
    const { pixels, width } = await renderLayers(bytes);
    const photoshop = readPsd(bytes, { useImageData: true, skipLayerImageData: true }).imageData!.data;
    let ours = 0;
    let sharpEdge = 0;
    let n = 0;
    const layer = readPsd(bytes, { useImageData: true }).children!.find((child) => child.name === '2')!;
    const unfeathered = layer.mask!;
    for (let y = 0; y < 80; y++) {
      for (let x = 72; x < 132; x++) {
        const i = (y * width + x) * 4;
        const theirs = (222 - photoshop[i]!) / 222;
        ours += Math.abs((255 - pixels[i]!) / 255 - theirs);
        const mx = x - unfeathered.left!;
        const my = y - unfeathered.top!;
        const inside =
          mx >= 0 && my >= 0 && mx < unfeathered.imageData!.width && my < unfeathered.imageData!.height;
        const grey = inside ? unfeathered.imageData!.data[(my * unfeathered.imageData!.width + mx) * 4]! : 0;
        const alpha = layer.imageData!.data[(y * layer.imageData!.width + x) * 4 + 3]! / 255;
        sharpEdge += Math.abs(alpha * (1 - (230 / 255) * (1 - grey / 255)) - theirs);
        n++;
      }
    }
    // Measured: 0.87 of 255 on average (the same unfeathered: 26).
    expect((ours / n) * 255).toBeLessThan(1.5);
    expect((sharpEdge / n) * 255).toBeGreaterThan(20);
  });
});
