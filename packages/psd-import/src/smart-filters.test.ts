// Smart filters read from a PSD: the ones the compositor runs become the smart object's `filters`,
// in order with their opacity and blend mode; every other enabled one is named in a warning.
import { randomUUID } from 'node:crypto';
import {
  createCompositor,
  createKernelPool,
  SMART_FILTERS_MAX,
  smartObjectsOf,
  templateManifestSchema,
} from '@platen/compositor';
import { writePsdBuffer, type Filter, type PlacedLayerFilter } from 'ag-psd';
import sharp from 'sharp';
import { importPsd } from './psd-importer.js';
import { mapSmartFilters, smartFilterWarnings } from './smart-filters.js';
import { solidPixels } from './test-psd.js';

const base = {
  opacity: 1,
  blendMode: 'normal',
  enabled: true,
  hasOptions: true,
  foregroundColor: { r: 0, g: 0, b: 0 },
  backgroundColor: { r: 255, g: 255, b: 255 },
} as const;

const invert: Filter = { ...base, name: 'Invert', type: 'invert' };
const blur = (value: number, units = 'Pixels'): Filter =>
  ({ ...base, name: 'Gaussian Blur', type: 'gaussian blur', filter: { radius: { units, value } } }) as Filter;
const motionBlur: Filter = {
  ...base,
  name: 'Motion Blur',
  type: 'motion blur',
  filter: { angle: 10, distance: { units: 'Pixels', value: 8 } },
};

function stack(list: Filter[], extra: Partial<PlacedLayerFilter> = {}): PlacedLayerFilter {
  return {
    enabled: true,
    validAtPosition: true,
    maskEnabled: false,
    maskLinked: false,
    maskExtendWithWhite: true,
    list,
    ...extra,
  };
}

describe('mapSmartFilters', () => {
  it('maps Curves per channel, Brightness/Contrast, Gaussian Blur and Invert in order with blending', () => {
    const curves: Filter = {
      ...base,
      name: 'Curves',
      type: 'curves',
      opacity: 0.6,
      blendMode: 'multiply',
      filter: {
        presetKind: 'custom',
        adjustments: [
          {
            channels: ['composite'],
            curve: [
              { x: 0, y: 0 },
              { x: 128, y: 170 },
              { x: 255, y: 255 },
            ],
          },
          {
            channels: ['red', 'blue'],
            curve: [
              { x: 0, y: 20 },
              { x: 255, y: 235 },
            ],
          },
        ],
      },
    };
    const contrast: Filter = {
      ...base,
      name: 'Brightness/Contrast',
      type: 'brightness/contrast',
      filter: { brightness: 30, contrast: -20, useLegacy: false },
    };
    const mapped = mapSmartFilters(stack([curves, contrast, blur(3.5), invert]));
    expect(mapped.skipped).toEqual([]);
    expect(mapped.filters).toEqual([
      {
        kind: 'curves',
        params: {
          composite: [
            [0, 0],
            [128, 170],
            [255, 255],
          ],
          red: [
            [0, 20],
            [255, 235],
          ],
          blue: [
            [0, 20],
            [255, 235],
          ],
        },
        opacity: 0.6,
        blend_mode: 'multiply',
      },
      {
        kind: 'brightness_contrast',
        params: { brightness: 30, contrast: -20 },
        opacity: 1,
        blend_mode: 'normal',
      },
      { kind: 'gaussian_blur', params: { radius: 3.5 }, opacity: 1, blend_mode: 'normal' },
      { kind: 'invert', params: {}, opacity: 1, blend_mode: 'normal' },
    ]);
  });

  it('names each enabled filter it cannot apply: another kind, a pencil curve, a non-pixel radius, a non-separable mode', () => {
    const legacy: Filter = {
      ...base,
      name: 'Brightness/Contrast',
      type: 'brightness/contrast',
      filter: { brightness: 10, contrast: 10, useLegacy: true },
    };
    const pencil: Filter = {
      ...base,
      name: 'Curves 2',
      type: 'curves',
      filter: { presetKind: 'custom', adjustments: [{ channels: ['composite'], values: [0, 255] }] },
    };
    const hueInvert: Filter = { ...invert, name: 'Invert 2', blendMode: 'hue' };
    const mapped = mapSmartFilters(stack([motionBlur, legacy, pencil, blur(1, 'Points'), hueInvert, invert]));
    expect(mapped.skipped).toEqual([
      { name: 'Motion Blur' },
      { name: 'Curves 2', reason: 'its pencil-drawn curve is not reproduced' },
      { name: 'Gaussian Blur', reason: 'its radius is in Points, not pixels' },
      { name: 'Invert 2', reason: 'its blend mode is not reproduced on a smart filter' },
    ]);
    // Legacy Brightness/Contrast is applied with its own formula.
    expect(mapped.filters.map((f) => f.kind)).toEqual(['brightness_contrast', 'invert']);
    expect(mapped.filters[0]!.params).toEqual({ brightness: 10, contrast: 10, legacy: true });
  });

  it(`applies at most ${SMART_FILTERS_MAX} filters and names the ones beyond`, () => {
    const many = Array.from({ length: SMART_FILTERS_MAX + 2 }, (_, i) => ({
      ...invert,
      name: `Invert ${i}`,
    }));
    const mapped = mapSmartFilters(stack(many));
    expect(mapped.filters).toHaveLength(SMART_FILTERS_MAX);
    const reason = `only the first ${SMART_FILTERS_MAX} smart filters are applied`;
    expect(mapped.skipped).toEqual([
      { name: `Invert ${SMART_FILTERS_MAX}`, reason },
      { name: `Invert ${SMART_FILTERS_MAX + 1}`, reason },
    ]);
  });

  it('leaves out disabled filters and a disabled stack without a warning', () => {
    expect(mapSmartFilters(stack([{ ...motionBlur, enabled: false }, invert]))).toEqual({
      filters: [{ kind: 'invert', params: {}, opacity: 1, blend_mode: 'normal' }],
      skipped: [],
      approximated: [],
      unreadable: 0,
      masked: false,
    });
    expect(mapSmartFilters(stack([motionBlur, invert], { enabled: false }))).toEqual({
      filters: [],
      skipped: [],
      approximated: [],
      unreadable: 0,
      masked: false,
    });
  });

  it('names Perspective Warp with why it is not applied', () => {
    const warp: Filter = {
      ...base,
      name: 'Perspective Warp',
      type: 'perspective warp',
      filter: { vertices: [], warpedVertices: [], quads: [] },
    };
    expect(smartFilterWarnings(mapSmartFilters(stack([warp, invert])))).toEqual([
      {
        code: 'SMART_FILTERS_SKIPPED',
        message:
          'Smart filter "Perspective Warp" is not applied to the artwork: Perspective Warp is not reproduced, the artwork keeps its unwarped shape.',
      },
    ]);
  });

  describe('Liquify', () => {
    /** A Liquify mesh in Photoshop's layout (liquify-mesh.ts): 2 × 2 vertices over a 100 × 100 document. */
    function meshBytes(dx: number, dy: number): Uint8Array {
      const bytes = new Uint8Array(64 + 2 * (8 + 2 * 8));
      const view = new DataView(bytes.buffer);
      view.setUint32(0, 4, false);
      bytes.set(
        [...'yfqLhseM'].map((c) => c.charCodeAt(0)),
        4,
      );
      [2, 2, 2, 0, 1, 0, 0, 100, 100, 0, 0, 100, 100].forEach((v, k) => view.setInt32(12 + k * 4, v, true));
      for (let j = 0; j < 2; j++) {
        const at = 64 + j * 24;
        view.setUint32(at + 4, 2, true);
        for (let i = 0; i < 2; i++) {
          view.setFloat32(at + 8 + i * 8, dx, true);
          view.setFloat32(at + 12 + i * 8, dy, true);
        }
      }
      return bytes;
    }
    const liquify = (mesh: Uint8Array): Filter => ({
      ...base,
      name: 'Liquify...',
      type: 'liquify',
      filter: { liquifyMesh: mesh },
    });
    // A 200 × 100 canvas shown at half size in the document's top left quarter.
    const placement = {
      size: { width: 200, height: 100 },
      corners: [
        [0, 0],
        [100, 0],
        [100, 50],
        [0, 50],
      ] as [[number, number], [number, number], [number, number], [number, number]],
      warped: false,
    };

    it('carries the mesh onto the design canvas: a cell (50 document px) right is half the canvas', () => {
      const mapped = mapSmartFilters(stack([liquify(meshBytes(1, 0))]), undefined, placement);
      expect(mapped.skipped).toEqual([]);
      expect(mapped.approximated).toEqual([]);
      expect(mapped.filters).toEqual([
        {
          kind: 'liquify',
          params: { cols: 2, rows: 2, displacement: [0.5, 0, 0.5, 0, 0.5, 0, 0.5, 0] },
          opacity: 1,
          blend_mode: 'normal',
        },
      ]);
    });

    it('names Liquify with why when its mesh is unreadable or the smart object is warped', () => {
      const broken = meshBytes(1, 0).slice(0, 80);
      const warped = { ...placement, warped: true };
      expect(mapSmartFilters(stack([liquify(broken)]), undefined, placement).skipped).toEqual([
        { name: 'Liquify...', reason: 'its Liquify mesh is not in the layout Platen reads' },
      ]);
      expect(mapSmartFilters(stack([liquify(meshBytes(1, 0))]), undefined, warped).skipped).toEqual([
        { name: 'Liquify...', reason: 'Liquify on a warped smart object is not reproduced' },
      ]);
      expect(mapSmartFilters(stack([liquify(meshBytes(1, 0))])).skipped).toEqual([{ name: 'Liquify...' }]);
    });
  });

  it('warns once for the kinds it lacks, once per filter with a reason, and for an ignored mask', () => {
    const pencil: Filter = {
      ...base,
      name: 'Curves 2',
      type: 'curves',
      filter: { presetKind: 'custom', adjustments: [{ channels: ['composite'], values: [0, 255] }] },
    };
    const findEdges: Filter = { ...base, name: 'Find Edges', type: 'find edges' };
    const mapped = mapSmartFilters(stack([motionBlur, pencil, findEdges, invert], { maskEnabled: true }));
    expect(smartFilterWarnings(mapped)).toEqual([
      {
        code: 'SMART_FILTERS_SKIPPED',
        message: 'Smart filters "Motion Blur", "Find Edges" are not applied to the artwork.',
      },
      {
        code: 'SMART_FILTERS_SKIPPED',
        message:
          'Smart filter "Curves 2" is not applied to the artwork: its pencil-drawn curve is not reproduced.',
      },
      {
        code: 'SMART_FILTER_MASK_IGNORED',
        message: 'The smart filter mask is not read: the smart filters apply to the whole artwork.',
      },
    ]);
  });

  it('reports that an enabled filter mask is not applied', () => {
    expect(mapSmartFilters(stack([invert], { maskEnabled: true })).masked).toBe(true);
  });
});

describe("mapSmartFilters with Photoshop's own list (the filterFX descriptor)", () => {
  // As ag-psd's descriptor reader returns them.
  const rawItem = (name: string, fltr?: object, extra: object = {}) => ({
    _name: '',
    _classID: 'filterFX',
    'Nm  ': name,
    blendOptions: { _classID: 'blendOptions', Opct: { units: 'Percent', value: 100 }, 'Md  ': 'BlnM.Nrml' },
    enab: true,
    hasoptions: true,
    ...(fltr ? { Fltr: fltr } : {}),
    ...extra,
  });
  const rawStack = (list: unknown[], extra: object = {}) => ({
    _classID: 'filterFXStyle',
    enab: true,
    validAtPosition: true,
    filterMaskEnable: false,
    filterMaskLinked: false,
    filterMaskExtendWithWhite: true,
    filterFXList: list,
    ...extra,
  });
  const exposure = { _classID: 'Exps', Exps: 1.5, Ofst: 0, gammaCorrection: 1 };

  it("keeps ag-psd's parse for its kinds and reads the filters it dropped, in Photoshop's order", () => {
    const raw = rawStack([
      rawItem('Invert', undefined, { filterID: 1231976050 }),
      rawItem('Exposure', exposure, {
        blendOptions: { Opct: { units: 'Percent', value: 40 }, 'Md  ': 'BlnM.Scrn' },
      }),
      rawItem('Gaussian Blur', { _classID: 'GsnB', 'Rds ': { units: 'Pixels', value: 2 } }),
    ]);
    // ag-psd's list: the same without Exposure.
    const mapped = mapSmartFilters(stack([invert, blur(2)]), raw);
    expect(mapped.filters).toEqual([
      { kind: 'invert', params: {}, opacity: 1, blend_mode: 'normal' },
      {
        kind: 'exposure',
        params: { exposure: 1.5, offset: 0, gamma: 1 },
        opacity: 0.4,
        blend_mode: 'screen',
      },
      { kind: 'gaussian_blur', params: { radius: 2 }, opacity: 1, blend_mode: 'normal' },
    ]);
    expect(mapped.skipped).toEqual([]);
  });

  it('names a filter neither ag-psd nor the descriptor mapping knows, and counts unreadable entries', () => {
    const raw = rawStack([
      rawItem('Oil Paint', { _classID: 'oilPaint' }),
      'not a filter',
      rawItem('Exposure', exposure),
    ]);
    const mapped = mapSmartFilters(stack([]), raw);
    expect(mapped.filters.map((f) => f.kind)).toEqual(['exposure']);
    expect(mapped.skipped).toEqual([{ name: 'Oil Paint' }]);
    expect(smartFilterWarnings(mapped)).toEqual([
      { code: 'SMART_FILTERS_SKIPPED', message: 'Smart filter "Oil Paint" is not applied to the artwork.' },
      {
        code: 'SMART_FILTERS_SKIPPED',
        message: '1 smart filter could not be read and is not applied to the artwork.',
      },
    ]);
  });

  it('names a filter whose stored blend mode is unknown instead of drawing it as normal', () => {
    const raw = rawStack([
      rawItem('Exposure', exposure, {
        blendOptions: { Opct: { units: 'Percent', value: 100 }, 'Md  ': 'BlnM.Xyzw' },
      }),
    ]);
    expect(mapSmartFilters(undefined, raw)).toMatchObject({
      filters: [],
      skipped: [{ name: 'Exposure', reason: 'its blend mode is not reproduced on a smart filter' }],
    });
  });

  it("takes the stack's switch and its mask from the descriptor", () => {
    expect(
      mapSmartFilters(undefined, rawStack([rawItem('Exposure', exposure)], { enab: false })).filters,
    ).toEqual([]);
    expect(
      mapSmartFilters(undefined, rawStack([rawItem('Exposure', exposure)], { filterMaskEnable: true }))
        .masked,
    ).toBe(true);
  });
});

describe('importPsd with smart filters', () => {
  const W = 60;
  const H = 40;
  const uuid = randomUUID();

  async function importWith(filter: PlacedLayerFilter) {
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
          imageData: solidPixels(W, H, [200, 200, 200]),
        },
        {
          name: 'Art',
          left: 10,
          top: 10,
          right: 50,
          bottom: 30,
          imageData: solidPixels(40, 20, [9, 9, 9]),
          placedLayer: {
            id: randomUUID(),
            type: 'raster',
            transform: [10, 10, 50, 10, 50, 30, 10, 30],
            width: 40,
            height: 20,
            filter,
          },
        },
      ],
    });
    return importPsd(psd, { smartObjectUuid: () => uuid });
  }

  it('imports the filters it can apply, warns naming the rest, and renders the filtered artwork', async () => {
    const result = await importWith(stack([motionBlur, invert]));
    const manifest = templateManifestSchema.parse(result.manifest);
    const [so] = smartObjectsOf(manifest);
    expect(so!.filters).toEqual([{ kind: 'invert', params: {}, opacity: 1, blend_mode: 'normal' }]);
    expect(result.warnings).toContainEqual({
      layer: 'Art',
      code: 'SMART_FILTERS_SKIPPED',
      message: 'Smart filter "Motion Blur" is not applied to the artwork.',
    });

    const compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 8_000_000 });
    const prepared = await compositor.prepare({ id: 'psd', version: 1, manifest }, result.assets);
    const red = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer();
    const out = await compositor.render(prepared, [{ uuid, asset: red, fit: 'fill', rotate: 0 }], {
      format: 'png',
    });
    const { data, info } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
    const i = (20 * info.width + 30) * info.channels;
    expect([data[i], data[i + 1], data[i + 2]]).toEqual([0, 255, 255]);
  });

  it('keeps no filters and no warning for a layer whose filters are all unsupported but disabled', async () => {
    const result = await importWith(stack([{ ...motionBlur, enabled: false }]));
    const [so] = smartObjectsOf(templateManifestSchema.parse(result.manifest));
    expect(so!.filters).toBeUndefined();
    expect(result.warnings.filter((w) => w.code.startsWith('SMART_FILTER'))).toEqual([]);
  });
});
