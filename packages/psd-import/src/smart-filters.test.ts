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
import { mapSmartFilters } from './smart-filters.js';
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

  it('names each enabled filter it cannot apply: another kind, legacy contrast, a pencil curve, a non-pixel radius, a non-separable mode', () => {
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
      'Motion Blur',
      'Brightness/Contrast',
      'Curves 2',
      'Gaussian Blur',
      'Invert 2',
    ]);
    expect(mapped.filters.map((f) => f.kind)).toEqual(['invert']);
  });

  it(`applies at most ${SMART_FILTERS_MAX} filters and names the ones beyond`, () => {
    const many = Array.from({ length: SMART_FILTERS_MAX + 2 }, (_, i) => ({
      ...invert,
      name: `Invert ${i}`,
    }));
    const mapped = mapSmartFilters(stack(many));
    expect(mapped.filters).toHaveLength(SMART_FILTERS_MAX);
    expect(mapped.skipped).toEqual([`Invert ${SMART_FILTERS_MAX}`, `Invert ${SMART_FILTERS_MAX + 1}`]);
  });

  it('leaves out disabled filters and a disabled stack without a warning', () => {
    expect(mapSmartFilters(stack([{ ...motionBlur, enabled: false }, invert]))).toEqual({
      filters: [{ kind: 'invert', params: {}, opacity: 1, blend_mode: 'normal' }],
      skipped: [],
      maskIgnored: false,
    });
    expect(mapSmartFilters(stack([motionBlur, invert], { enabled: false }))).toEqual({
      filters: [],
      skipped: [],
      maskIgnored: false,
    });
  });

  it('reports that an enabled filter mask is not applied', () => {
    expect(mapSmartFilters(stack([invert], { maskEnabled: true })).maskIgnored).toBe(true);
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
