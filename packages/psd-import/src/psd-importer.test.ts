// PSDs made with ag-psd's writer, imported, rendered through the compositor with a known artwork and
// compared with the composite of a manifest written by hand from what the document says (the golden
// image): the importer must read corners, warps, blend modes, opacity, masks, clipping and groups so
// that both agree, and refuse what it cannot import with its code.
import { randomUUID } from 'node:crypto';
import {
  createCompositor,
  createKernelPool,
  smartObjectsOf,
  templateManifestSchema,
  BLEND_MODES,
  type BlendMode,
  type Compositor,
  type TemplateManifestInput,
} from '@platen/compositor';
import { writePsdBuffer, type BlendMode as PsdBlendMode } from 'ag-psd';
import { toBlendMode as agPsdBlendModes } from 'ag-psd/dist/helpers.js';
import sharp from 'sharp';
import { toBlendMode } from './blend-modes.js';
import { readPsdHeader } from './psd-header.js';
import { PsdImportError } from './psd-import-error.js';
import { importPsd, type ImportedPsd } from './psd-importer.js';
import { makeTestPsd, solidPixels, type TestPsdOptions } from './test-psd.js';

const W = 240;
const H = 160;
const BACKGROUND: [number, number, number] = [200, 200, 200];
const uuids = Array.from({ length: 8 }, () => randomUUID());
const options = { smartObjectUuid: (index: number) => uuids[index]! };

let compositor: Compositor;
let artwork: Buffer;
let background: Buffer;

/** Left half red, right half blue: orientation shows. */
async function twoTone(width: number, height: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width / 2}" height="${height}" fill="#ff0000"/><rect x="${width / 2}" width="${width / 2}" height="${height}" fill="#0000ff"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

beforeAll(async () => {
  compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 64 * 1024 * 1024 });
  artwork = await twoTone(400, 200);
  background = await sharp({
    create: { width: W, height: H, channels: 3, background: { r: 200, g: 200, b: 200 } },
  })
    .png()
    .toBuffer();
});

interface Raw {
  data: Buffer;
  width: number;
}

async function render(manifest: TemplateManifestInput, assets: Map<string, Buffer>): Promise<Raw> {
  const parsed = templateManifestSchema.parse(manifest);
  const prepared = await compositor.prepare({ id: randomUUID(), version: 1, manifest: parsed }, assets);
  const inputs = smartObjectsOf(parsed).map((so) => ({
    uuid: so.uuid,
    asset: artwork,
    fit: 'fill' as const,
    rotate: 0,
  }));
  const { data } = await compositor.render(prepared, inputs, { format: 'png' });
  const raw = await sharp(data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: raw.data, width: raw.info.width };
}

const rgbAt = (raw: Raw, x: number, y: number) => [
  ...raw.data.subarray((y * raw.width + x) * 3, (y * raw.width + x) * 3 + 3),
];

function meanAbsDiff(a: Raw, b: Raw): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}

async function imported(psd: TestPsdOptions): Promise<ImportedPsd> {
  return importPsd(await makeTestPsd(psd), options);
}

/** The hand-written manifest: background, then one smart object as the test document places it. */
function golden(so: Record<string, unknown>, extra: Record<string, Buffer> = {}) {
  const manifest: TemplateManifestInput = {
    width: W,
    height: H,
    layers: [
      { type: 'image', name: 'Background', asset: 'bg.png' },
      {
        type: 'smart_object',
        uuid: uuids[0]!,
        name: 'Art',
        layer_name: 'Art',
        size: { width: 200, height: 100 },
        ...so,
      } as never,
    ],
  };
  return { manifest, assets: new Map([['bg.png', background], ...Object.entries(extra)]) };
}

describe('importPsd: geometry', () => {
  it('makes a placed layer a smart object with its name, content size, box and corners', async () => {
    const result = await imported({
      width: W,
      height: H,
      background: BACKGROUND,
      smartObjects: [{ name: 'Art', x: 20, y: 30, width: 200, height: 100 }],
    });
    expect(result.warnings).toEqual([]);
    const [so] = smartObjectsOf(templateManifestSchema.parse(result.manifest));
    expect(so).toMatchObject({
      uuid: uuids[0],
      name: 'Art',
      layer_name: 'Art',
      size: { width: 200, height: 100 },
      position: { x: 20, y: 30, width: 200, height: 100 },
      quad: [
        [20, 30],
        [220, 30],
        [220, 130],
        [20, 130],
      ],
      blend_mode: 'normal',
      opacity: 1,
    });
    expect(so!.mesh).toBeUndefined();
    const raw = await render(result.manifest, result.assets);
    expect(rgbAt(raw, 60, 80)).toEqual([255, 0, 0]);
    expect(rgbAt(raw, 180, 80)).toEqual([0, 0, 255]);
    expect(rgbAt(raw, 5, 5)).toEqual(BACKGROUND);
  });

  it('makes layer names Postgres can store: NUL dropped, a surrogate pair the 200-character cut splits dropped', async () => {
    // 4 + 195 + 2 UTF-16 units: the cut at 200 leaves the emoji's high surrogate alone.
    const raw = `A\u0000rt${'x'.repeat(195)}\u{1F600}`;
    const result = await imported({
      width: W,
      height: H,
      background: BACKGROUND,
      smartObjects: [{ name: raw, x: 20, y: 30, width: 200, height: 100 }],
    });
    const [so] = smartObjectsOf(templateManifestSchema.parse(result.manifest));
    const expected = `Art${'x'.repeat(195)}`;
    expect(so).toMatchObject({ name: expected, layer_name: expected });
  });

  it('keeps a perspective transform: the same composite as the quad written by hand', async () => {
    const corners: [[number, number], [number, number], [number, number], [number, number]] = [
      [30, 20],
      [210, 40],
      [200, 140],
      [40, 120],
    ];
    const result = await imported({
      width: W,
      height: H,
      background: BACKGROUND,
      smartObjects: [{ name: 'Art', x: 0, y: 0, width: 200, height: 100, corners }],
    });
    const expected = golden({ position: { x: 30, y: 20, width: 180, height: 120 }, quad: corners });
    const [actualRaw, expectedRaw] = await Promise.all([
      render(result.manifest, result.assets),
      render(expected.manifest, expected.assets),
    ]);
    expect(meanAbsDiff(actualRaw, expectedRaw)).toBeLessThan(0.5);
    expect(rgbAt(actualRaw, 70, 70)).toEqual([255, 0, 0]);
    expect(rgbAt(actualRaw, 170, 80)).toEqual([0, 0, 255]);
  });

  it('turns a warp into a mesh: a warp that shifts every control point equals the shifted quad', async () => {
    const shifted = Array.from({ length: 16 }, (_, i) => ({
      x: ((i % 4) * 200) / 3 + 15,
      y: (Math.floor(i / 4) * 100) / 3,
    }));
    const result = await imported({
      width: W,
      height: H,
      background: BACKGROUND,
      smartObjects: [{ name: 'Art', x: 10, y: 30, width: 200, height: 100, warp: shifted }],
    });
    const [so] = smartObjectsOf(templateManifestSchema.parse(result.manifest));
    expect(so!.mesh).toMatchObject({ cols: 16, rows: 16 });
    const expected = golden({
      position: { x: 25, y: 30, width: 200, height: 100 },
      quad: [
        [25, 30],
        [225, 30],
        [225, 130],
        [25, 130],
      ],
    });
    const [actualRaw, expectedRaw] = await Promise.all([
      render(result.manifest, result.assets),
      render(expected.manifest, expected.assets),
    ]);
    expect(meanAbsDiff(actualRaw, expectedRaw)).toBeLessThan(1);
  });

  it('follows a bulging warp: the mesh passes through the Bézier patch', async () => {
    const grid = Array.from({ length: 16 }, (_, i) => ({
      x: ((i % 4) * 200) / 3,
      y: (Math.floor(i / 4) * 100) / 3,
    }));
    // Pull the two middle rows' inner points 30 px down: the centre of the patch moves down by 30·(3/4)·... (Bernstein weights).
    const bulge = grid.map((p, i) => ([5, 6, 9, 10].includes(i) ? { x: p.x, y: p.y + 30 } : p));
    const result = await imported({
      width: W,
      height: H,
      background: BACKGROUND,
      smartObjects: [{ name: 'Art', x: 20, y: 20, width: 200, height: 100, warp: bulge }],
    });
    const [so] = smartObjectsOf(templateManifestSchema.parse(result.manifest));
    const centre = so!.mesh!.points[8 * 17 + 8]!;
    // B(1/2) = [1,3,3,1]/8: the four inner points weigh (3/8)² each, 4 × 9/64 × 30 px = 16.875 px.
    expect(centre[0]).toBeCloseTo(120, 5);
    expect(centre[1]).toBeCloseTo(70 + 16.875, 5);
    const corner = so!.mesh!.points[0]!;
    expect(corner).toEqual([20, 20]);
  });
});

describe('importPsd: appearance', () => {
  it('keeps blend mode and opacity: the same composite as written by hand', async () => {
    const result = await imported({
      width: W,
      height: H,
      background: BACKGROUND,
      smartObjects: [
        { name: 'Art', x: 20, y: 30, width: 200, height: 100, blendMode: 'multiply', opacity: 0.6 },
      ],
    });
    const [so] = smartObjectsOf(templateManifestSchema.parse(result.manifest));
    expect(so).toMatchObject({ blend_mode: 'multiply', opacity: 0.6 });
    const expected = golden({
      position: { x: 20, y: 30, width: 200, height: 100 },
      quad: [
        [20, 30],
        [220, 30],
        [220, 130],
        [20, 130],
      ],
      blend_mode: 'multiply',
      opacity: 0.6,
    });
    const [a, b] = await Promise.all([
      render(result.manifest, result.assets),
      render(expected.manifest, expected.assets),
    ]);
    expect(meanAbsDiff(a, b)).toBeLessThan(0.5);
    // multiply at 60 %: 200 × (1 − 0.6) + 200 × 255/255 × 0.6 on red, 200 × 0.4 on green.
    expect(rgbAt(a, 60, 80)).toEqual([200, 80, 80]);
  });

  it('keeps the layer mask: the artwork shows inside the mask only', async () => {
    const result = await imported({
      width: W,
      height: H,
      background: BACKGROUND,
      smartObjects: [
        {
          name: 'Art',
          x: 20,
          y: 30,
          width: 200,
          height: 100,
          maskBox: { x: 20, y: 30, width: 100, height: 100 },
        },
      ],
    });
    const [so] = smartObjectsOf(templateManifestSchema.parse(result.manifest));
    expect(so!.mask).toBeDefined();
    expect(result.assets.has(so!.mask!.asset)).toBe(true);
    const raw = await render(result.manifest, result.assets);
    expect(rgbAt(raw, 60, 80)).toEqual([255, 0, 0]);
    expect(rgbAt(raw, 180, 80)).toEqual(BACKGROUND);
  });

  it('imports two smart objects in nested groups, static layers between them, and their paths', async () => {
    const psd = writePsdBuffer({
      width: W,
      height: H,
      children: [
        {
          name: 'Background',
          left: 0,
          top: 0,
          right: W,
          bottom: H,
          imageData: solidPixels(W, H, BACKGROUND),
        },
        {
          name: 'Outer',
          opened: true,
          children: [
            {
              name: 'Inner',
              opened: true,
              children: [
                {
                  name: 'Left',
                  left: 10,
                  top: 10,
                  right: 110,
                  bottom: 110,
                  imageData: solidPixels(100, 100, [9, 9, 9]),
                  placedLayer: {
                    id: randomUUID(),
                    type: 'raster',
                    transform: [10, 10, 110, 10, 110, 110, 10, 110],
                    width: 100,
                    height: 100,
                  },
                },
              ],
            },
            {
              name: 'Stripe',
              left: 0,
              top: 60,
              right: W,
              bottom: 70,
              imageData: solidPixels(W, 10, [0, 255, 0]),
            },
            {
              name: 'Hidden',
              hidden: true,
              left: 0,
              top: 0,
              right: W,
              bottom: H,
              imageData: solidPixels(W, H, [0, 0, 0]),
            },
          ],
        },
        {
          name: 'Right',
          left: 130,
          top: 10,
          right: 230,
          bottom: 110,
          imageData: solidPixels(100, 100, [9, 9, 9]),
          placedLayer: {
            id: randomUUID(),
            type: 'raster',
            transform: [130, 10, 230, 10, 230, 110, 130, 110],
            width: 100,
            height: 100,
          },
        },
      ],
    });
    const result = await importPsd(psd, options);
    const manifest = templateManifestSchema.parse(result.manifest);
    expect(manifest.layers.map((layer) => `${layer.type}:${layer.name}`)).toEqual([
      'image:Background',
      'smart_object:Left',
      'image:Outer / Stripe',
      'smart_object:Right',
    ]);
    expect(smartObjectsOf(manifest).map((so) => [so.uuid, so.layer_name])).toEqual([
      [uuids[0], 'Outer / Inner / Left'],
      [uuids[1], 'Right'],
    ]);
    const raw = await render(result.manifest, result.assets);
    expect(rgbAt(raw, 30, 65)).toEqual([0, 255, 0]); // the stripe is above the left smart object
    expect(rgbAt(raw, 30, 30)).toEqual([255, 0, 0]);
    expect(rgbAt(raw, 200, 65)).toEqual([0, 0, 255]); // and under the right one
    expect(rgbAt(raw, 120, 140)).toEqual(BACKGROUND);
  });

  it('makes a layer clipped to a smart object its shading, and a linked placed layer a smart object', async () => {
    const result = await imported({
      width: W,
      height: H,
      background: BACKGROUND,
      smartObjects: [{ name: 'Art', x: 20, y: 30, width: 200, height: 100, linked: true }],
      above: [
        {
          name: 'Shadow',
          clipping: true,
          blendMode: 'multiply',
          left: 20,
          top: 30,
          right: 220,
          bottom: 130,
          imageData: solidPixels(200, 100, [128, 128, 128]),
        },
      ],
    });
    const [so] = smartObjectsOf(templateManifestSchema.parse(result.manifest));
    expect(so!.shading).toMatchObject({ x: 20, y: 30, blend_mode: 'multiply', opacity: 1 });
    const raw = await render(result.manifest, result.assets);
    expect(rgbAt(raw, 60, 80)).toEqual([128, 0, 0]);
    expect(rgbAt(raw, 5, 5)).toEqual(BACKGROUND);
  });

  it('reports what it cannot reproduce, per layer, instead of dropping it silently', async () => {
    const result = await imported({
      width: W,
      height: H,
      background: BACKGROUND,
      smartObjects: [{ name: 'Art', x: 20, y: 30, width: 200, height: 100 }],
      above: [
        {
          name: 'Multiplied group',
          blendMode: 'multiply',
          opened: true,
          children: [
            { name: 'Dot', left: 0, top: 0, right: 4, bottom: 4, imageData: solidPixels(4, 4, [0, 0, 0]) },
            { name: 'Dot 2', left: 8, top: 0, right: 12, bottom: 4, imageData: solidPixels(4, 4, [0, 0, 0]) },
          ],
        },
        {
          name: 'Looked up',
          adjustment: { type: 'color lookup', lookupType: '3dlut', name: 'Candlelight.CUBE' },
        },
        {
          name: 'Faded group',
          opacity: 0.5,
          opened: true,
          children: [
            { name: 'Dot', left: 0, top: 0, right: 4, bottom: 4, imageData: solidPixels(4, 4, [0, 0, 0]) },
            { name: 'Dot 2', left: 8, top: 0, right: 12, bottom: 4, imageData: solidPixels(4, 4, [0, 0, 0]) },
          ],
        },
      ],
    });
    expect(result.warnings).toEqual([
      expect.objectContaining({ layer: 'Looked up', code: 'ADJUSTMENT_SKIPPED' }),
    ]);
    // The faded pass-through group is faded as a whole, its layers at their own opacity.
    const faded = templateManifestSchema
      .parse(result.manifest)
      .layers.find((layer) => layer.name === 'Faded group');
    expect(faded).toMatchObject({
      type: 'group',
      pass_through: true,
      opacity: 0.502,
      layers: [
        { name: 'Faded group / Dot', opacity: 1 },
        { name: 'Faded group / Dot 2', opacity: 1 },
      ],
    });
  });
});

describe('importPsd: all 27 Photoshop blend modes', () => {
  // The modes added after the first 14; each on a smart object and on a pixel layer above it.
  const added: [PsdBlendMode, BlendMode][] = [
    ['dissolve', 'dissolve'],
    ['darker color', 'darker-color'],
    ['lighter color', 'lighter-color'],
    ['vivid light', 'vivid-light'],
    ['linear light', 'linear-light'],
    ['pin light', 'pin-light'],
    ['hard mix', 'hard-mix'],
    ['subtract', 'subtract'],
    ['divide', 'divide'],
    ['hue', 'hue'],
    ['saturation', 'saturation'],
    ['color', 'color'],
    ['luminosity', 'luminosity'],
  ];
  const TINT: [number, number, number] = [40, 160, 220];
  let tint: Buffer;
  beforeAll(async () => {
    const { data, width, height } = solidPixels(120, H, TINT);
    tint = await sharp(Buffer.from(data), { raw: { width, height, channels: 4 } })
      .png()
      .toBuffer();
  });

  /** The document as a manifest written by hand, every blend mode `mode`. */
  function byHand(mode: BlendMode) {
    const expected = golden(
      {
        position: { x: 20, y: 30, width: 200, height: 100 },
        quad: [
          [20, 30],
          [220, 30],
          [220, 130],
          [20, 130],
        ],
        blend_mode: mode,
        opacity: 0.6,
      },
      { 'tint.png': tint },
    );
    expected.manifest.layers.push({
      type: 'image',
      name: 'Tint',
      asset: 'tint.png',
      blend_mode: mode,
      opacity: 0.6,
    });
    return expected;
  }

  it("maps every blend mode ag-psd reads except a group's pass through", () => {
    const names = Object.values(agPsdBlendModes).filter((name) => name !== 'pass through');
    expect(names).toHaveLength(27);
    const mapped = names.map((name) => toBlendMode(name));
    expect(new Set(mapped)).toEqual(new Set(BLEND_MODES));
    expect(toBlendMode('pass through')).toBeUndefined();
  });

  it.each(added)('imports "%s" as %s without a warning and renders with it', async (photoshop, mode) => {
    const result = await imported({
      width: W,
      height: H,
      background: BACKGROUND,
      smartObjects: [
        { name: 'Art', x: 20, y: 30, width: 200, height: 100, blendMode: photoshop, opacity: 0.6 },
      ],
      above: [
        {
          name: 'Tint',
          blendMode: photoshop,
          opacity: 0.6,
          left: 0,
          top: 0,
          right: 120,
          bottom: H,
          imageData: solidPixels(120, H, TINT),
        },
      ],
    });
    expect(result.warnings).toEqual([]);
    const manifest = templateManifestSchema.parse(result.manifest);
    expect(manifest.layers.map((layer) => [layer.name, layer.blend_mode])).toEqual([
      ['Background', 'normal'],
      ['Art', mode],
      ['Tint', mode],
    ]);
    const expected = byHand(mode);
    const normal = byHand('normal');
    const [a, b, c] = await Promise.all([
      render(result.manifest, result.assets),
      render(expected.manifest, expected.assets),
      render(normal.manifest, normal.assets),
    ]);
    expect(meanAbsDiff(a, b)).toBeLessThan(0.5);
    // …and the mode shows: drawn as normal, the same document would look different.
    expect(meanAbsDiff(a, c)).toBeGreaterThan(1);
  });

  const tintLayer = (extra: object = {}) => ({
    name: 'Tint',
    left: 0,
    top: 0,
    right: 120,
    bottom: H,
    imageData: solidPixels(120, H, TINT),
    opacity: 0.6,
    ...extra,
  });

  it.each([
    ['hue', 'hue'],
    ['multiply', 'multiply'],
    ['dissolve', 'dissolve'],
  ] as [PsdBlendMode, BlendMode][])(
    'imports a "%s" group of one layer as that layer in %s, without a warning',
    async (photoshop, mode) => {
      const result = await imported({
        width: W,
        height: H,
        background: BACKGROUND,
        smartObjects: [
          { name: 'Art', x: 20, y: 30, width: 200, height: 100, blendMode: photoshop, opacity: 0.6 },
        ],
        above: [
          {
            name: 'Group',
            blendMode: photoshop,
            opacity: 0.75,
            opened: true,
            // In the isolated group the tint's own mode blends with nothing: it does not show.
            children: [tintLayer({ blendMode: 'screen', opacity: 0.8 })],
          },
        ],
      });
      expect(result.warnings).toEqual([]);
      const tint = templateManifestSchema.parse(result.manifest).layers.at(-1);
      // 0.75 × 0.8, each stored as a byte.
      expect(tint).toMatchObject({
        name: 'Group / Tint',
        blend_mode: mode,
        opacity: expect.closeTo(0.6, 2) as number,
      });
      const expected = byHand(mode);
      const [a, b] = await Promise.all([
        render(result.manifest, result.assets),
        render(expected.manifest, expected.assets),
      ]);
      expect(meanAbsDiff(a, b)).toBeLessThan(0.5);
    },
  );

  it('draws the one layer of a normal (isolated) group as normal, and of a pass-through group in its own mode', async () => {
    const result = await imported({
      width: W,
      height: H,
      background: BACKGROUND,
      smartObjects: [{ name: 'Art', x: 20, y: 30, width: 200, height: 100 }],
      above: [
        { name: 'Normal', blendMode: 'normal', opened: true, children: [tintLayer({ blendMode: 'hue' })] },
        {
          name: 'Through',
          blendMode: 'pass through',
          opacity: 0.5,
          opened: true,
          children: [tintLayer({ blendMode: 'divide' })],
        },
      ],
    });
    expect(result.warnings).toEqual([]);
    const layers = templateManifestSchema.parse(result.manifest).layers.slice(-2);
    expect(layers).toMatchObject([
      { name: 'Normal / Tint', blend_mode: 'normal', opacity: expect.closeTo(0.6, 2) as number },
      { name: 'Through / Tint', blend_mode: 'divide', opacity: expect.closeTo(0.3, 2) as number },
    ]);
  });

  it('makes a group whose blend mode applies to more than one layer an isolated group, without a warning', async () => {
    const result = await imported({
      width: W,
      height: H,
      background: BACKGROUND,
      smartObjects: [{ name: 'Art', x: 20, y: 30, width: 200, height: 100 }],
      above: [
        {
          name: 'Group',
          blendMode: 'luminosity',
          opened: true,
          children: [tintLayer(), tintLayer({ name: 'Tint 2' })],
        },
      ],
    });
    expect(result.warnings).toEqual([]);
    const group = templateManifestSchema.parse(result.manifest).layers.at(-1);
    expect(group).toMatchObject({
      type: 'group',
      name: 'Group',
      blend_mode: 'luminosity',
      layers: [{ name: 'Group / Tint' }, { name: 'Group / Tint 2' }],
    });
  });

  it('flattens a normal group of several layers unless one of them blends with what is below it', async () => {
    const group = (name: string, second: PsdBlendMode) => ({
      name,
      blendMode: 'normal' as const,
      opened: true,
      children: [tintLayer(), tintLayer({ name: 'Tint 2', blendMode: second })],
    });
    const result = await imported({
      width: W,
      height: H,
      background: BACKGROUND,
      smartObjects: [{ name: 'Art', x: 20, y: 30, width: 200, height: 100 }],
      above: [group('Plain', 'normal'), group('Dissolving', 'dissolve'), group('Multiplying', 'multiply')],
    });
    expect(result.warnings).toEqual([]);
    const layers = templateManifestSchema.parse(result.manifest).layers;
    expect(layers.map((layer) => [layer.type, layer.name])).toEqual([
      ['image', 'Background'],
      ['smart_object', 'Art'],
      ['image', 'Plain / Tint'],
      ['image', 'Plain / Tint 2'],
      ['image', 'Dissolving / Tint'],
      ['image', 'Dissolving / Tint 2'],
      ['group', 'Multiplying'],
    ]);
  });
});

describe('importPsd: layer stack', () => {
  it('renders a smart object in a faded multiply group under an Invert adjustment as the formulas say', async () => {
    const so = { name: 'Art', x: 20, y: 30, width: 200, height: 100 };
    const CORNER = [0, 128, 255];
    const result = await imported({
      width: W,
      height: H,
      background: BACKGROUND,
      smartObjects: [so],
      group: {
        name: 'Print',
        blendMode: 'multiply',
        opacity: 0.8,
        // Screen over the group's transparency: its own colour, whatever is under the group.
        inside: [
          {
            name: 'Corner',
            blendMode: 'screen',
            left: 0,
            top: 0,
            right: 10,
            bottom: 10,
            imageData: solidPixels(10, 10, CORNER as [number, number, number]),
          },
        ],
      },
      above: [{ name: 'Grade', opacity: 0.25, adjustment: { type: 'invert' } }],
    });
    expect(result.warnings).toEqual([]);
    expect(templateManifestSchema.parse(result.manifest).layers.map((layer) => layer.type)).toEqual([
      'image',
      'group',
      'adjustment',
    ]);
    const plain = golden({ position: { x: 20, y: 30, width: 200, height: 100 }, quad: null });
    const [ours, art] = await Promise.all([
      render(result.manifest, result.assets),
      render(plain.manifest, plain.assets),
    ]);
    // Per pixel: the artwork (or the corner) multiplied onto the background at 80 %, then inverted at 25 %.
    const expected: Raw = { width: W, data: Buffer.alloc(ours.data.length) };
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const inside = x >= so.x && x < so.x + so.width && y >= so.y && y < so.y + so.height;
        const corner = x < 10 && y < 10;
        for (let c = 0; c < 3; c++) {
          const i = (y * W + x) * 3 + c;
          const bg = BACKGROUND[c]!;
          const group = inside ? art.data[i]! : corner ? CORNER[c]! : null;
          const grouped = group === null ? bg : bg + ((bg * group) / 255 - bg) * 0.8;
          expected.data[i] = Math.round(grouped + (255 - 2 * grouped) * 0.25);
        }
      }
    }
    expect(meanAbsDiff(ours, expected)).toBeLessThan(0.5);
    for (const [x, y] of [
      [60, 80],
      [5, 5],
    ] as const) {
      expect(rgbAt(ours, x, y)).toEqual(rgbAt(expected, x, y));
    }
  });
});

describe('importPsd: refusals', () => {
  const expectCode = async (promise: Promise<unknown>, code: string) => {
    const error: unknown = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PsdImportError);
    expect((error as PsdImportError).code).toBe(code);
  };

  it('refuses bytes that are not a PSD, and a truncated one, as PSD_CORRUPT', async () => {
    await expectCode(importPsd(Buffer.from('definitely not a photoshop file'), options), 'PSD_CORRUPT');
    const whole = await makeTestPsd({
      width: W,
      height: H,
      smartObjects: [{ name: 'Art', x: 0, y: 0, width: 10, height: 10 }],
    });
    await expectCode(importPsd(whole.subarray(0, Math.floor(whole.length / 2)), options), 'PSD_CORRUPT');
  });

  it('refuses a bomb (a 300000×300000 canvas) from its header, before decoding anything', async () => {
    const header = Buffer.alloc(26);
    header.write('8BPS', 0, 'latin1');
    header.writeUInt16BE(2, 4);
    header.writeUInt16BE(3, 12);
    header.writeUInt32BE(300_000, 14);
    header.writeUInt32BE(300_000, 18);
    header.writeUInt16BE(8, 22);
    header.writeUInt16BE(3, 24);
    expect(readPsdHeader(header)).toEqual({
      width: 300_000,
      height: 300_000,
      depth: 8,
      channels: 3,
      colorMode: 3,
      psb: true,
    });
    const before = process.memoryUsage().rss;
    await expectCode(importPsd(Buffer.concat([header, Buffer.alloc(1000)]), options), 'PSD_TOO_LARGE');
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('refuses 16-bit and CMYK documents with PSD_UNSUPPORTED and a way out', async () => {
    const header = (depth: number, mode: number) => {
      const bytes = Buffer.alloc(64);
      bytes.write('8BPS', 0, 'latin1');
      bytes.writeUInt16BE(1, 4);
      bytes.writeUInt16BE(3, 12);
      bytes.writeUInt32BE(10, 14);
      bytes.writeUInt32BE(10, 18);
      bytes.writeUInt16BE(depth, 22);
      bytes.writeUInt16BE(mode, 24);
      return bytes;
    };
    await expectCode(importPsd(header(16, 3), options), 'PSD_UNSUPPORTED');
    await expectCode(importPsd(header(8, 4), options), 'PSD_UNSUPPORTED');
  });

  it('refuses a document without a smart object as PSD_NO_SMART_OBJECTS', async () => {
    await expectCode(imported({ width: W, height: H, smartObjects: [] }), 'PSD_NO_SMART_OBJECTS');
  });
});
