// Fill and shape layers that store no pixels: drawn from their settings as Photoshop draws them.
// Documents written with ag-psd are rendered through the importer and the compositor and compared
// with a per-pixel computation of Photoshop's formula written out here; real Photoshop files'
// shape layers are drawn from their settings and compared with the pixels Photoshop stored.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createCompositor,
  createKernelPool,
  templateManifestSchema,
  type Compositor,
} from '@platen/compositor';
import { readPsd, writePsdBuffer, type Layer, type Psd } from 'ag-psd';
import sharp from 'sharp';
import { setUpAgPsd } from './ag-psd-setup.js';
import { drawFillLayer } from './fill-layers.js';
import { importLayers } from './psd-importer.js';
import { solidPixels } from './test-psd.js';

const FIXTURES = join(__dirname, '../../../test/fixtures/psd/fill-layers');
const W = 64;
const H = 48;

let compositor: Compositor;
beforeAll(() => {
  setUpAgPsd();
  compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 16 * 1024 * 1024 });
});

function documentWith(layer: Layer, extra: Partial<Psd> = {}): Buffer {
  const background: Layer = {
    name: 'Background',
    top: 0,
    left: 0,
    imageData: solidPixels(W, H, [255, 255, 255]),
  };
  const psd: Psd = {
    width: W,
    height: H,
    children: [background, { top: 0, left: 0, bottom: 0, right: 0, ...layer }],
    ...extra,
  };
  return writePsdBuffer(psd, { invalidateTextLayers: false });
}

async function render(bytes: Buffer) {
  const { imported } = await importLayers(bytes, { smartObjectUuid: () => randomUUID() });
  const manifest = templateManifestSchema.parse(imported.manifest);
  const prepared = await compositor.prepare({ id: randomUUID(), version: 1, manifest }, imported.assets);
  const { data } = await compositor.render(prepared, [], { format: 'png' });
  const pixels = await sharp(data).removeAlpha().raw().toBuffer();
  return { pixels, warnings: imported.warnings };
}

/** The largest difference of any channel between the render and `expected(x, y)` = r, g, b. */
function maxDifference(pixels: Buffer, expected: (x: number, y: number) => number[]): number {
  let worst = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const want = expected(x, y);
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(pixels[(y * W + x) * 3 + c]! - want[c]!));
    }
  }
  return worst;
}

const over = (rgb: number[], alpha: number, under = [255, 255, 255]) =>
  rgb.map((v, c) => v * alpha + under[c]! * (1 - alpha));

describe('fill layers without stored pixels', () => {
  it('draws a linear gradient fill (angle, scale, reverse, midpoints, opacity stops) as its formula says', async () => {
    const stops = [
      { location: 0, midpoint: 0.5, color: { r: 255, g: 0, b: 0 } },
      { location: 0.6, midpoint: 0.3, color: { r: 0, g: 0, b: 255 } },
      { location: 1, midpoint: 0.5, color: { r: 0, g: 200, b: 0 } },
    ];
    const opacities = [
      { location: 0, midpoint: 0.5, opacity: 1 },
      { location: 1, midpoint: 0.5, opacity: 0.4 },
    ];
    const { pixels, warnings } = await render(
      documentWith({
        name: 'Gradient',
        vectorFill: {
          type: 'solid',
          name: 'Custom',
          smoothness: 1,
          colorStops: stops,
          opacityStops: opacities,
          style: 'linear',
          angle: 30,
          scale: 0.8,
          reverse: true,
          align: true,
        },
      }),
    );
    expect(warnings).toEqual([]);
    // Photoshop's formula: the gradient spans the layer (here the canvas) along its angle, times its
    // scale, centred; sampled at pixel corners; each stop-to-stop step is linear on either side of
    // the midpoint, then bent halfway to smoothstep (smoothness 100 %).
    const angle = (30 * Math.PI) / 180;
    const length = (W * Math.cos(angle) + H * Math.sin(angle)) * 0.8;
    const step = (u: number, mid: number) => {
      const w = u < mid ? (0.5 * u) / mid : 0.5 + (0.5 * (u - mid)) / (1 - mid);
      return 0.5 * w + 0.5 * w * w * (3 - 2 * w);
    };
    const at = (x: number, y: number) => {
      const along = ((x - W / 2) * Math.cos(angle) - (y - H / 2) * Math.sin(angle)) / length + 0.5;
      const t = 1 - Math.min(1, Math.max(0, along));
      const segment = t < 0.6 ? 0 : 1;
      const [a, b] = [stops[segment]!, stops[segment + 1]!];
      const f = step((t - a.location) / (b.location - a.location), b.midpoint);
      const rgb = (['r', 'g', 'b'] as const).map((c) => a.color[c] + (b.color[c] - a.color[c]) * f);
      return over(rgb, 1 + (0.4 - 1) * step(t, 0.5));
    };
    expect(maxDifference(pixels, at)).toBeLessThanOrEqual(2);
  });

  it('tiles a pattern fill from the document origin moved by its phase, at its fill opacity', async () => {
    const tile = [
      [10, 20, 30, 255],
      [200, 100, 0, 255],
      [0, 255, 0, 255],
      [40, 40, 240, 255],
      [255, 255, 0, 255],
      [90, 0, 90, 255],
    ];
    const { pixels, warnings } = await render(
      documentWith(
        {
          name: 'Pattern',
          fillOpacity: 0.5,
          vectorFill: { type: 'pattern', name: 'Tiles', id: 'tiles-1', phase: { x: 1, y: 1 } },
        },
        {
          patterns: [
            {
              name: 'Tiles',
              id: 'tiles-1',
              x: 3,
              y: 2,
              bounds: { x: 0, y: 0, w: 3, h: 2 },
              data: new Uint8Array(tile.flat()),
            },
          ],
        },
      ),
    );
    expect(warnings).toEqual([]);
    const at = (x: number, y: number) => {
      const [r, g, b, a] = tile[((((y - 1) % 2) + 2) % 2) * 3 + ((((x - 1) % 3) + 3) % 3)]!;
      // ag-psd stores fill opacity as a byte: 50 % is 127.
      return over([r!, g!, b!], (a! / 255) * (127 / 255));
    };
    expect(maxDifference(pixels, at)).toBeLessThanOrEqual(1);
  });

  it('draws a shape layer through its vector mask: a rectangle, a hole cut out of it', async () => {
    const square = (x0: number, y0: number, x1: number, y1: number) =>
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
      ].map(([x, y]) => ({ linked: false, points: [x!, y!, x!, y!, x!, y!] }));
    const { pixels, warnings } = await render(
      documentWith({
        name: 'Shape',
        vectorFill: { type: 'color', color: { r: 20, g: 120, b: 220 } },
        vectorMask: {
          paths: [
            { open: false, operation: 'combine', fillRule: 'even-odd', knots: square(8, 6, 40, 30) },
            { open: false, operation: 'subtract', fillRule: 'even-odd', knots: square(16, 12, 24, 20) },
          ],
        },
      }),
    );
    expect(warnings).toEqual([]);
    const at = (x: number, y: number) => {
      const inside = x >= 8 && x < 40 && y >= 6 && y < 30 && !(x >= 16 && x < 24 && y >= 12 && y < 20);
      return inside ? [20, 120, 220] : [255, 255, 255];
    };
    expect(maxDifference(pixels, at)).toBeLessThanOrEqual(1);
  });

  it("draws a shape's stroke over its fill: a 3 px inside stroke along a rectangle's edge", async () => {
    const knots = [
      [8, 6],
      [40, 6],
      [40, 30],
      [8, 30],
    ].map(([x, y]) => ({ linked: false, points: [x!, y!, x!, y!, x!, y!] }));
    const { pixels, warnings } = await render(
      documentWith({
        name: 'Outlined',
        vectorFill: { type: 'color', color: { r: 20, g: 120, b: 220 } },
        vectorMask: { paths: [{ open: false, operation: 'combine', fillRule: 'even-odd', knots }] },
        vectorStroke: {
          strokeEnabled: true,
          fillEnabled: true,
          lineWidth: { value: 3, units: 'Pixels' },
          lineAlignment: 'inside',
          lineJoinType: 'miter',
          lineCapType: 'butt',
          lineDashSet: [],
          opacity: 1,
          blendMode: 'normal',
          content: { type: 'color', color: { r: 230, g: 30, b: 10 } },
        },
      }),
    );
    expect(warnings).toEqual([]);
    const at = (x: number, y: number) => {
      if (x < 8 || x >= 40 || y < 6 || y >= 30) return [255, 255, 255];
      const edge = Math.min(x - 8, 39 - x, y - 6, 29 - y);
      return edge < 3 ? [230, 30, 10] : [20, 120, 220];
    };
    expect(maxDifference(pixels, at)).toBeLessThanOrEqual(1);
  });

  it('names what it cannot draw: a pattern missing from the document, a noise gradient', async () => {
    const missing = await render(
      documentWith({
        name: 'Lost pattern',
        vectorFill: { type: 'pattern', name: '$$$/Presets/Stripes=Stripes', id: 'gone' },
      }),
    );
    expect(missing.warnings).toEqual([
      {
        layer: 'Lost pattern',
        code: 'FILL_SKIPPED',
        message: 'The pattern fill layer is not drawn: its pattern "Stripes" is not in the document.',
      },
    ]);
    expect(maxDifference(missing.pixels, () => [255, 255, 255])).toBe(0);
    const noise = await render(
      documentWith({
        name: 'Noise',
        vectorFill: { type: 'noise', name: 'Noise', roughness: 0.5, min: [0, 0, 0, 0], max: [1, 1, 1, 1] },
      }),
    );
    expect(noise.warnings).toEqual([
      {
        layer: 'Noise',
        code: 'FILL_SKIPPED',
        message: 'The gradient fill layer is not drawn: noise gradients are not drawn.',
      },
    ]);
  });

  it("stops drawing fills once the import's fill budget is spent, saying so", async () => {
    const psd = readPsd(
      documentWith({ name: 'Colour', vectorFill: { type: 'color', color: { r: 1, g: 2, b: 3 } } }),
      { useImageData: true },
    );
    const layer = psd.children!.find((child) => child.vectorFill)!;
    const budget = { pixels: W * H + 10 };
    expect(await drawFillLayer(layer, psd, budget)).toMatchObject({ kind: 'drawn' });
    expect(budget.pixels).toBe(10);
    expect(await drawFillLayer(layer, psd, budget)).toEqual({
      kind: 'skipped',
      reason: "the document's fill layers cover more pixels than an import draws",
    });
  });

  it('says a diamond gradient is drawn from a geometry not confirmed against Photoshop', async () => {
    const { warnings } = await render(
      documentWith({
        name: 'Diamond',
        vectorFill: {
          type: 'solid',
          name: 'Custom',
          smoothness: 1,
          colorStops: [
            { location: 0, midpoint: 0.5, color: { r: 0, g: 0, b: 0 } },
            { location: 1, midpoint: 0.5, color: { r: 255, g: 255, b: 255 } },
          ],
          opacityStops: [],
          style: 'diamond',
        },
      }),
    );
    expect(warnings).toEqual([
      {
        layer: 'Diamond',
        code: 'FILL_APPROXIMATED',
        message:
          "The gradient fill layer is drawn approximately: the diamond gradient's geometry is not yet confirmed against Photoshop's pixels.",
      },
    ]);
  });
});

describe('real Photoshop shape layers, drawn from their settings, against the pixels Photoshop stored', () => {
  it.each([
    ['masks3.psd', 'a linear gradient in a rounded rectangle', 0.5],
    ['subtract-group.psd', 'ellipses combined and subtracted', 0.5],
    ['intersect-group.psd', 'ellipses intersected', 0.5],
    ['exclude-group.psd', 'ellipses excluded', 0.5],
    ['ag-psd-shapes.psd', 'rectangles, rounded rectangles, ellipses and a pin with a hole', 0.2],
    ['combine.psd', 'three ellipses combined, outlined by a 1 px inside stroke', 1],
    ['../psd-tools-layers/transparency-group.psd', 'rectangles with a 1 px inside stroke, ellipses', 0.05],
  ])(
    'draws %s (%s) within MAD %s of Photoshop',
    async (file, _what, bound) => {
      const psd = readPsd(readFileSync(join(FIXTURES, file)), { useImageData: true, skipThumbnail: true });
      const layers: Layer[] = [];
      const collect = (list: Layer[] | undefined) => {
        for (const layer of list ?? []) {
          if (layer.vectorFill && layer.imageData) layers.push(layer);
          collect(layer.children);
        }
      };
      collect(psd.children);
      expect(layers.length).toBeGreaterThan(0);
      for (const layer of layers) {
        const drawn = await drawFillLayer(layer, psd);
        if (drawn.kind !== 'drawn') throw new Error(`${layer.name}: ${drawn.reason}`);
        expect(drawn.approximated).toEqual([]);
        expect(madAgainstStored(layer, drawn.pixels, psd)).toBeLessThan(bound);
      }
    },
    60_000,
  );
});

describe('vector masks on pixel layers', () => {
  it('cuts a pixel layer by its vector mask, and names a mask too large to draw instead of dropping it', async () => {
    const square = (x0: number, y0: number, x1: number, y1: number) =>
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
      ].map(([x, y]) => ({ linked: false, points: [x!, y!, x!, y!, x!, y!] }));
    const layer = (paths: { x0: number; y0: number; x1: number; y1: number }[]): Layer => ({
      name: 'Masked',
      top: 0,
      left: 0,
      imageData: solidPixels(W, H, [200, 0, 0]),
      vectorMask: {
        paths: paths.map(({ x0, y0, x1, y1 }) => ({
          open: false,
          operation: 'combine' as const,
          fillRule: 'even-odd' as const,
          knots: square(x0, y0, x1, y1),
        })),
      },
    });
    const cut = await render(documentWith(layer([{ x0: 10, y0: 10, x1: 30, y1: 20 }])));
    expect(cut.warnings).toEqual([]);
    const inside = (x: number, y: number) => x >= 10 && x < 30 && y >= 10 && y < 20;
    expect(
      maxDifference(cut.pixels, (x, y) => (inside(x, y) ? [200, 0, 0] : [255, 255, 255])),
    ).toBeLessThanOrEqual(1);

    const many = Array.from({ length: 1001 }, (_, i) => ({ x0: i % 60, y0: 1, x1: (i % 60) + 1, y1: 2 }));
    const crafted = await render(documentWith(layer(many)));
    expect(crafted.warnings).toEqual([
      {
        layer: 'Masked',
        code: 'VECTOR_MASK_SKIPPED',
        message: 'The vector mask is not applied: its vector mask has more paths than an import draws.',
      },
    ]);
    expect(maxDifference(crafted.pixels, () => [200, 0, 0])).toBe(0);
  }, 30_000);
});

describe('a real radial gradient fill (the one Photoshop file with one)', () => {
  it("matches Photoshop's pixels inside the shape, and still says its geometry is not confirmed", async () => {
    const psd = readPsd(readFileSync(join(FIXTURES, 'ag-psd-radial-gradient.psd')), { useImageData: true });
    const layer = psd.children!.find((child) => child.vectorFill)!;
    const drawn = await drawFillLayer(layer, psd);
    if (drawn.kind !== 'drawn' || !drawn.pixels) throw new Error('not drawn');
    expect(drawn.approximated).toEqual([
      "the radial gradient's geometry is not yet confirmed against Photoshop's pixels",
    ]);
    // Photoshop's stored pixels include the shape's stroke: compare 8 pixels inside its edge.
    const stored = layer.imageData!;
    const { pixels } = { pixels: drawn.pixels };
    let sum = 0;
    let count = 0;
    for (let y = 8; y < stored.height - 8; y++) {
      for (let x = 8; x < stored.width - 8; x++) {
        const i = (y * stored.width + x) * 4;
        const j = ((y + layer.top! - pixels.box.y) * pixels.width + (x + layer.left! - pixels.box.x)) * 4;
        for (let c = 0; c < 3; c++) sum += Math.abs(stored.data[i + c]! - pixels.data[j + c]!);
        count += 3;
      }
    }
    expect(sum / count).toBeLessThan(1);
  });
});

/** Mean absolute difference of premultiplied RGBA over the canvas between stored and drawn pixels. */
function madAgainstStored(
  layer: Layer,
  drawn:
    { box: { x: number; y: number }; width: number; height: number; data: ArrayLike<number> } | undefined,
  psd: Psd,
): number {
  const stored = layer.imageData!;
  const sample = (
    source: { width: number; height: number; data: ArrayLike<number> } | undefined,
    left: number,
    top: number,
    x: number,
    y: number,
  ) => {
    if (!source) return [0, 0, 0, 0];
    const [cx, cy] = [x - left, y - top];
    if (cx < 0 || cy < 0 || cx >= source.width || cy >= source.height) return [0, 0, 0, 0];
    const i = (cy * source.width + cx) * 4;
    const a = source.data[i + 3]!;
    return [(source.data[i]! * a) / 255, (source.data[i + 1]! * a) / 255, (source.data[i + 2]! * a) / 255, a];
  };
  let sum = 0;
  for (let y = 0; y < psd.height; y++) {
    for (let x = 0; x < psd.width; x++) {
      const a = sample(stored, layer.left ?? 0, layer.top ?? 0, x, y);
      const b = sample(drawn, drawn?.box.x ?? 0, drawn?.box.y ?? 0, x, y);
      for (let c = 0; c < 4; c++) sum += Math.abs(a[c]! - b[c]!);
    }
  }
  return sum / (psd.width * psd.height * 4);
}
