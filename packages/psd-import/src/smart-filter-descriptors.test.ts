// Smart filters ag-psd drops (Levels, Hue/Saturation, Exposure, Vibrance, Color Balance, Black &
// White, Photo Filter), written into a PSD's 'SoLd' descriptor as Photoshop stores them: the import
// reads them from the descriptor, and the render matches each adjustment's formula per pixel.
import { randomUUID } from 'node:crypto';
import {
  createCompositor,
  createKernelPool,
  smartObjectsOf,
  templateManifestSchema,
  type SmartFilter,
} from '@platen/compositor';
import type { Layer } from 'ag-psd';
import sharp from 'sharp';
import { importPsd } from './psd-importer.js';
import { solidPixels } from './test-psd.js';
import {
  smartFilterItem,
  smartFilterStack,
  writePsdWithSmartFilters,
  type Descriptor,
  type DescriptorValue,
} from './test-descriptor.js';

type Rgb = [number, number, number];

const W = 60;
const H = 40;
const uuid = randomUUID();
/** The artwork: four 10 × 20 blocks of these colours, left to right. */
const BLOCKS: Rgb[] = [
  [200, 60, 40],
  [40, 160, 90],
  [30, 70, 210],
  [128, 128, 128],
];

const long = (v: number): DescriptorValue => ({ long: v });
const doub = (v: number): DescriptorValue => ({ doub: v });
const longs = (...v: number[]): DescriptorValue => ({ list: v.map(long) });
const settings = (classId: string, items: Descriptor['items']): Descriptor => ({ classId, items });

function psdWith(stack: Descriptor): Buffer {
  const art: Layer = {
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
    },
  };
  const background: Layer = {
    name: 'Background',
    left: 0,
    top: 0,
    right: W,
    bottom: H,
    imageData: solidPixels(W, H, [200, 200, 200]),
  };
  return writePsdWithSmartFilters({ width: W, height: H, children: [background, art] }, { Art: stack });
}

async function artwork(): Promise<Buffer> {
  const data = Buffer.alloc(40 * 20 * 3);
  for (let y = 0; y < 20; y++) {
    for (let x = 0; x < 40; x++) data.set(BLOCKS[Math.floor(x / 10)]!, (y * 40 + x) * 3);
  }
  return sharp(data, { raw: { width: 40, height: 20, channels: 3 } })
    .png()
    .toBuffer();
}

async function importAndRender(stack: Descriptor) {
  const result = await importPsd(psdWith(stack), { smartObjectUuid: () => uuid });
  const manifest = templateManifestSchema.parse(result.manifest);
  const [so] = smartObjectsOf(manifest);
  const compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 8_000_000 });
  const prepared = await compositor.prepare({ id: 'psd', version: 1, manifest }, result.assets);
  const out = await compositor.render(prepared, [{ uuid, asset: await artwork(), fit: 'fill', rotate: 0 }], {
    format: 'png',
  });
  const { data, info } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
  const blocks = BLOCKS.map((_, i) => {
    const at = (20 * info.width + 15 + 10 * i) * info.channels;
    return [data[at]!, data[at + 1]!, data[at + 2]!] as Rgb;
  });
  return { filters: so!.filters, warnings: result.warnings, blocks };
}

function expectClose(actual: Rgb[], expected: Rgb[]): void {
  actual.forEach((rgb, i) =>
    rgb.forEach((v, c) => {
      const want = Math.min(255, Math.max(0, Math.round(expected[i]![c]!)));
      if (Math.abs(v - want) > 1) {
        throw new Error(`block ${i} channel ${c}: rendered ${v}, formula gives ${want}`);
      }
    }),
  );
}

// Straightforward per-pixel formulas, written from each adjustment's definition.
function rgbToHsl([r, g, b]: Rgb): Rgb {
  const [R, G, B] = [r / 255, g / 255, b / 255];
  const max = Math.max(R, G, B);
  const min = Math.min(R, G, B);
  const l = (max + min) / 2;
  if (max === min) return [0, 0, l];
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  const h = max === R ? (G - B) / d + (G < B ? 6 : 0) : max === G ? (B - R) / d + 2 : (R - G) / d + 4;
  return [h / 6, s, l];
}
function hslToRgb([h, s, l]: Rgb): Rgb {
  const hue = (t: number): number => {
    const x = ((t % 1) + 1) % 1;
    const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
    const p = 2 * l - q;
    if (x < 1 / 6) return p + (q - p) * 6 * x;
    if (x < 1 / 2) return q;
    if (x < 2 / 3) return p + (q - p) * (2 / 3 - x) * 6;
    return p;
  };
  return [hue(h + 1 / 3) * 255, hue(h) * 255, hue(h - 1 / 3) * 255];
}
const luma = ([r, g, b]: Rgb): number => 0.299 * r + 0.587 * g + 0.114 * b;

describe('importPsd reads the smart filters ag-psd drops from their descriptors', () => {
  it('Levels: each channel then RGB, input range → gamma → output range', async () => {
    const levels = settings('Lvls', {
      presetKind: { enum: ['presetKindType', 'presetKindCustom'] },
      Adjs: {
        list: [
          {
            object: settings('LvlA', {
              Chnl: { ref: ['Chnl', 'Cmps'] },
              Inpt: longs(20, 230),
              'Gmm ': doub(1.4),
              Otpt: longs(10, 245),
            }),
          },
          { object: settings('LvlA', { Chnl: { ref: ['Chnl', 'Rd  '] }, Inpt: longs(0, 200) }) },
        ],
      },
    });
    const { filters, warnings, blocks } = await importAndRender(
      smartFilterStack([smartFilterItem('Levels', levels, { filterId: 1282829427 })]),
    );
    const channel = { in_black: 0, in_white: 200, gamma: 1, out_black: 0, out_white: 255 };
    expect(filters).toEqual([
      {
        kind: 'levels',
        params: {
          composite: { in_black: 20, in_white: 230, gamma: 1.4, out_black: 10, out_white: 245 },
          red: channel,
        },
        opacity: 1,
        blend_mode: 'normal',
      },
    ]);
    expect(warnings.filter((w) => w.code.startsWith('SMART_FILTER'))).toEqual([]);
    const level = (v: number, ib: number, iw: number, g: number, ob: number, ow: number): number =>
      ob + Math.min(1, Math.max(0, (v - ib) / (iw - ib))) ** (1 / g) * (ow - ob);
    const composite = (v: number): number => level(v, 20, 230, 1.4, 10, 245);
    expectClose(
      blocks,
      BLOCKS.map(([r, g, b]) => [composite(level(r, 0, 200, 1, 0, 255)), composite(g), composite(b)]),
    );
  });

  it('Hue/Saturation (master) with its opacity: hue turned, saturation scaled, lightness toward white', async () => {
    const hueSat = settings('HStr', {
      presetKind: { enum: ['presetKindType', 'presetKindCustom'] },
      Clrz: { bool: false },
      Adjs: { list: [{ object: settings('Hst2', { 'H   ': long(40), Strt: long(-30), Lght: long(20) }) }] },
    });
    const { filters, blocks } = await importAndRender(
      smartFilterStack([smartFilterItem('Hue/Saturation', hueSat, { opacity: 50 })]),
    );
    expect(filters).toEqual([
      {
        kind: 'hue_saturation',
        params: { hue: 40, saturation: -30, lightness: 20, colorize: false },
        opacity: 0.5,
        blend_mode: 'normal',
      },
    ]);
    expectClose(
      blocks,
      BLOCKS.map((rgb) => {
        const [h, s, l] = rgbToHsl(rgb);
        const turned = hslToRgb([h + 40 / 360, Math.min(1, s * 0.7), l]);
        const lit = turned.map((v) => v + (255 - v) * 0.2);
        return rgb.map((v, c) => 0.5 * lit[c]! + 0.5 * v) as Rgb;
      }),
    );
  });

  it('Exposure: in linear light (a 2.2 gamma), scaled by 2^stops, offset, gamma', async () => {
    const exposure = settings('Exps', {
      presetKind: { enum: ['presetKindType', 'presetKindCustom'] },
      Exps: doub(0.8),
      Ofst: doub(-0.02),
      gammaCorrection: doub(1.25),
    });
    const { filters, blocks } = await importAndRender(
      smartFilterStack([smartFilterItem('Exposure', exposure)]),
    );
    expect(filters![0]).toMatchObject({
      kind: 'exposure',
      params: { exposure: 0.8, offset: -0.02, gamma: 1.25 },
    });
    const expose = (v: number): number =>
      (Math.min(1, Math.max(0, (v / 255) ** 2.2 * 2 ** 0.8 - 0.02)) ** (1 / 1.25)) ** (1 / 2.2) * 255;
    expectClose(
      blocks,
      BLOCKS.map((rgb) => rgb.map(expose) as Rgb),
    );
  });

  it('Black & White with its weights, under a multiply blend', async () => {
    const bw = settings('BanW', {
      'Rd  ': long(70),
      Yllw: long(50),
      'Grn ': long(30),
      'Cyn ': long(60),
      'Bl  ': long(-10),
      Mgnt: long(90),
      useTint: { bool: false },
    });
    const { filters, blocks } = await importAndRender(
      smartFilterStack([smartFilterItem('Black & White', bw, { blendMode: 'Mltp' })]),
    );
    expect(filters).toEqual([
      {
        kind: 'black_white',
        params: { reds: 70, yellows: 50, greens: 30, cyans: 60, blues: -10, magentas: 90 },
        opacity: 1,
        blend_mode: 'multiply',
      },
    ]);
    // The largest channel picks the primary weight, the smallest the secondary (the other two's mix).
    const grey = ([r, g, b]: Rgb): number => {
      const min = Math.min(r, g, b);
      const max = Math.max(r, g, b);
      const mid = r + g + b - min - max;
      const primary = max === r ? 70 : max === g ? 30 : -10;
      const secondary = min === b ? 50 : min === r ? 60 : 90;
      return Math.min(
        255,
        Math.max(0, min + ((mid - min) * secondary) / 100 + ((max - mid) * primary) / 100),
      );
    };
    expectClose(
      blocks,
      BLOCKS.map((rgb) => rgb.map((v) => (v * Math.round(grey(rgb))) / 255) as Rgb),
    );
  });

  it('Photo Filter with a Lab colour: multiplied in by density in linear light, luminosity kept off', async () => {
    const photo = settings('photoFilter', {
      'Clr ': {
        object: settings('LbCl', { Lmnc: doub(67.06), 'A   ': doub(32), 'B   ': doub(120) }),
      },
      Dnst: long(60),
      PrsL: { bool: false },
    });
    const { filters, blocks } = await importAndRender(
      smartFilterStack([smartFilterItem('Photo Filter', photo)]),
    );
    // Photoshop's "Warming Filter (85)" colour, #EC8A00 in sRGB.
    const color = (filters![0] as Extract<SmartFilter, { kind: 'photo_filter' }>).params.color;
    expect(color.map(Math.round)).toEqual([236, 138, 0]);
    expect(filters![0]).toMatchObject({
      kind: 'photo_filter',
      params: { density: 60, preserve_luminosity: false },
    });
    expectClose(
      blocks,
      BLOCKS.map(
        (rgb) =>
          rgb.map(
            (v, c) => ((v / 255) ** 2.2 * (0.4 + (color[c]! / 255) ** 2.2 * 0.6)) ** (1 / 2.2) * 255,
          ) as Rgb,
      ),
    );
  });

  it("Vibrance, then Color Balance, in the stored order, warning only for Vibrance (midtones are Photoshop's curve)", async () => {
    const vibrance = settings('vibrance', { vibrance: long(50), Strt: long(10) });
    const balance = settings('ClrB', {
      ShdL: longs(0, 0, 0),
      MdtL: longs(30, -20, 10),
      HghL: longs(0, 0, 0),
      PrsL: { bool: false },
    });
    const { filters, warnings, blocks } = await importAndRender(
      smartFilterStack([smartFilterItem('Vibrance', vibrance), smartFilterItem('Color Balance', balance)]),
    );
    // Vibrance is a published model of Photoshop's (CamanJS's), so the layer says so; Color Balance's
    // midtones without preserve luminosity are drawn as Photoshop draws them.
    expect(warnings).toEqual([
      {
        layer: 'Art',
        code: 'SMART_FILTERS_APPROXIMATED',
        message:
          'Smart filter "Vibrance" is drawn with a published model of Photoshop\'s formula: colours may differ slightly.',
      },
    ]);
    expect(filters!.map((f) => f.kind)).toEqual(['vibrance', 'color_balance']);
    expect(filters![1]).toMatchObject({
      params: {
        shadows: [0, 0, 0],
        midtones: [30, -20, 10],
        highlights: [0, 0, 0],
        preserve_luminosity: false,
      },
    });
    const vibrant = (rgb: Rgb): Rgb => {
      const max = Math.max(...rgb);
      const amount = (((Math.abs(max - (rgb[0] + rgb[1] + rgb[2]) / 3) * 2) / 255) * -50) / 100;
      const moved = rgb.map((v) => (v !== max ? v + (max - v) * amount : v)) as Rgb;
      const y = luma(moved);
      return moved.map((v) => Math.min(255, Math.max(0, y + (v - y) * 1.1))) as Rgb;
    };
    // Photoshop's midtones: each channel through the gamma 2^(−shift / 100).
    const balanced = (rgb: Rgb): Rgb =>
      rgb.map((v, c) => (v / 255) ** (2 ** -[0.3, -0.2, 0.1][c]!) * 255) as Rgb;
    expectClose(
      blocks,
      BLOCKS.map((rgb) => balanced(vibrant(rgb).map(Math.round) as Rgb)),
    );
  });
});

describe('importPsd names every smart filter it does not apply', () => {
  it('warns for a kind the compositor lacks and a Black & White tinted without a colour, applying a per-colour Hue/Saturation', async () => {
    const motion = settings('MtnB', { Angl: long(10), Dstn: { units: '#Pxl', value: 8 } });
    const ranged = settings('HStr', {
      Clrz: { bool: false },
      Adjs: {
        list: [
          { object: settings('Hst2', { 'H   ': long(0), Strt: long(0), Lght: long(0) }) },
          {
            object: settings('Hst2', {
              LclR: long(1),
              BgnR: long(315),
              BgnS: long(345),
              EndS: long(15),
              EndR: long(45),
              'H   ': long(30),
              Strt: long(0),
              Lght: long(0),
            }),
          },
        ],
      },
    });
    const tinted = settings('BanW', { useTint: { bool: true } });
    const invert = smartFilterItem('Invert', undefined, { filterId: 1231976050 });
    const { filters, warnings } = await importAndRender(
      smartFilterStack(
        [
          smartFilterItem('Motion Blur...', motion),
          smartFilterItem('Hue/Saturation', ranged),
          smartFilterItem('Black & White', tinted),
          invert,
          smartFilterItem('Levels (off)', settings('Lvls', {}), { enabled: false }),
        ],
        { maskEnabled: true },
      ),
    );
    expect(filters!.map((f) => f.kind)).toEqual(['hue_saturation', 'invert']);
    expect(filters![0]!.params).toMatchObject({
      ranges: [{ hues: [315, 345, 15, 45], hue: 30, saturation: 0, lightness: 0 }],
    });
    expect(warnings).toEqual([
      {
        layer: 'Art',
        code: 'SMART_FILTERS_SKIPPED',
        message: 'Smart filter "Motion Blur..." is not applied to the artwork.',
      },
      {
        layer: 'Art',
        code: 'SMART_FILTERS_SKIPPED',
        message:
          'Smart filter "Black & White" is not applied to the artwork: its tint colour is in a colour model other than RGB, Lab or HSB.',
      },
      {
        layer: 'Art',
        code: 'SMART_FILTER_MASK_IGNORED',
        message: 'The smart filter mask is not read: the smart filters apply to the whole artwork.',
      },
    ]);
  });

  it("still reads the list when ag-psd's parse of the placed layer's block fails", async () => {
    const exposure = settings('Exps', { Exps: doub(0.5), Ofst: doub(0), gammaCorrection: doub(1) });
    const { filters, warnings } = await importAndRender(
      smartFilterStack([smartFilterItem('Exposure', exposure, { colors: false })]),
    );
    expect(filters).toEqual([
      { kind: 'exposure', params: { exposure: 0.5, offset: 0, gamma: 1 }, opacity: 1, blend_mode: 'normal' },
    ]);
    expect(warnings).toEqual([]);
  });

  it('applies nothing and warns nothing when the whole stack is switched off', async () => {
    const { filters, warnings } = await importAndRender(
      smartFilterStack([smartFilterItem('Exposure', settings('Exps', { Exps: doub(1) }))], {
        enabled: false,
      }),
    );
    expect(filters).toBeUndefined();
    expect(warnings).toEqual([]);
  });
});

// The adjustments added for issue #22, as Photoshop's action descriptors name their settings
// (class and key IDs as psd-tools' terminology lists them). No Photoshop file storing them as smart
// filters was found: these documents are written from the descriptor definitions.
describe('Posterize, Threshold, Channel Mixer, Selective Color and Gradient Map smart filters', () => {
  const percent = (v: number): DescriptorValue => ({ units: '#Prc', value: v });
  const lum = ([r, g, b]: Rgb): number =>
    Math.round(Math.fround(0.3) * r + Math.fround(0.59) * g + Math.fround(0.11) * b);

  it('Posterize then Threshold, in order: bands cut to a level, then white from the level up', async () => {
    const { filters, warnings, blocks } = await importAndRender(
      smartFilterStack([
        smartFilterItem('Posterize', settings('Pstr', { Lvls: long(3) })),
        smartFilterItem('Threshold', settings('Thrs', { 'Lvl ': long(100) })),
      ]),
    );
    expect(filters).toEqual([
      { kind: 'posterize', params: { levels: 3 }, opacity: 1, blend_mode: 'normal' },
      { kind: 'threshold', params: { level: 100 }, opacity: 1, blend_mode: 'normal' },
    ]);
    expect(warnings).toEqual([]);
    const band = (v: number): number => Math.floor((Math.floor((v * 3) / 256) * 255) / 2);
    expectClose(
      blocks,
      BLOCKS.map((rgb) => {
        const v = lum(rgb.map(band) as Rgb) >= 100 ? 255 : 0;
        return [v, v, v];
      }),
    );
  });

  it("Channel Mixer: each channel its row's percentages of red, green and blue plus the constant", async () => {
    const row = (r: number, g: number, b: number, constant: number): DescriptorValue => ({
      object: settings('ChMx', {
        'Rd  ': percent(r),
        'Grn ': percent(g),
        'Bl  ': percent(b),
        Cnst: percent(constant),
      }),
    });
    const mixer = settings('ChnM', {
      Mnch: { bool: false },
      'Rd  ': row(60, 40, 0, 0),
      'Grn ': row(0, 100, 0, 10),
      'Bl  ': row(20, 0, 80, -5),
    });
    const { filters, warnings, blocks } = await importAndRender(
      smartFilterStack([smartFilterItem('Channel Mixer', mixer)]),
    );
    expect(filters).toEqual([
      {
        kind: 'channel_mixer',
        params: { red: [60, 40, 0, 0], green: [0, 100, 0, 10], blue: [20, 0, 80, -5] },
        opacity: 1,
        blend_mode: 'normal',
      },
    ]);
    expect(warnings).toEqual([]);
    expectClose(
      blocks,
      BLOCKS.map(([r, g, b]) => [0.6 * r + 0.4 * g, g + 25.5, 0.2 * r + 0.8 * b - 12.75]),
    );
  });

  it('Selective Color: ink per colour range, and a warning that the formula is modelled', async () => {
    const range = (name: string, c: number, m: number, y: number, k: number): DescriptorValue => ({
      object: settings('ClrC', {
        Clrs: { enum: ['Clrs', name] },
        'Cyn ': percent(c),
        Mgnt: percent(m),
        'Ylw ': percent(y),
        Blck: percent(k),
      }),
    });
    const selective = settings('SlcC', {
      Mthd: { enum: ['CrcM', 'Absl'] },
      ClrC: { list: [range('Rds ', 40, 0, 0, 0), range('Bls ', 0, -30, 0, 0)] },
    });
    const { filters, warnings, blocks } = await importAndRender(
      smartFilterStack([smartFilterItem('Selective Color', selective)]),
    );
    expect(filters).toEqual([
      {
        kind: 'selective_color',
        params: { method: 'absolute', reds: [40, 0, 0, 0], blues: [0, -30, 0, 0] },
        opacity: 1,
        blend_mode: 'normal',
      },
    ]);
    expect(warnings.map((w) => w.code)).toEqual(['SMART_FILTERS_APPROXIMATED']);
    // Absolute: cyan takes 40 % of the red channel's full range, weighted by how red the pixel is
    // (max − mid), clipped to what the channel has; blue pixels gain 30 % green likewise.
    expectClose(
      blocks,
      BLOCKS.map(([r, g, b]) => {
        const [, mid, max] = [r, g, b].sort((x, y) => x - y) as Rgb;
        const w = max - mid;
        if (r === max) return [r + Math.round(Math.max(-r / 255, -0.4) * w), g, b];
        if (b === max) return [r, g + Math.round(Math.min(1 - g / 255, 0.3) * w), b];
        return [r, g, b];
      }),
    );
  });

  it('Black & White with a tint colour: applied with the tint, without a warning', async () => {
    const bw = settings('BanW', {
      useTint: { bool: true },
      tintColor: { object: settings('RGBC', { 'Rd  ': doub(225), 'Grn ': doub(211), 'Bl  ': doub(179) }) },
    });
    const { filters, warnings, blocks } = await importAndRender(
      smartFilterStack([smartFilterItem('Black & White', bw)]),
    );
    expect(filters).toMatchObject([{ kind: 'black_white', params: { reds: 40, tint: [225, 211, 179] } }]);
    expect(warnings).toEqual([]);
    // Warm, not grey: the tint's red above its blue in every block that is not black or white.
    for (const [r, , b] of blocks) if (r > 5 && r < 250) expect(r).toBeGreaterThan(b);
  });

  it('Gradient Map: luminosity to the colour along the gradient, reversed, warned as modelled', async () => {
    const stop = (location: number, midpoint: number, r: number, g: number, b: number): DescriptorValue => ({
      object: settings('Clrt', {
        'Clr ': { object: settings('RGBC', { 'Rd  ': doub(r), 'Grn ': doub(g), 'Bl  ': doub(b) }) },
        Type: { enum: ['Clry', 'UsrS'] },
        Lctn: long(location),
        Mdpn: long(midpoint),
      }),
    });
    const map = settings('GdMp', {
      Grad: {
        object: settings('Grdn', {
          'Nm  ': { text: 'Violet, Orange' },
          GrdF: { enum: ['GrdF', 'CstS'] },
          Intr: doub(4096),
          Clrs: { list: [stop(0, 50, 41, 10, 89), stop(4096, 50, 255, 124, 0)] },
        }),
      },
      Rvrs: { bool: true },
    });
    const { filters, warnings, blocks } = await importAndRender(
      smartFilterStack([smartFilterItem('Gradient Map', map)]),
    );
    expect(filters).toEqual([
      {
        kind: 'gradient_map',
        params: {
          reverse: true,
          smoothness: 100,
          stops: [
            { location: 0, midpoint: 0.5, color: [41, 10, 89] },
            { location: 1, midpoint: 0.5, color: [255, 124, 0] },
          ],
        },
        opacity: 1,
        blend_mode: 'normal',
      },
    ]);
    expect(warnings.map((w) => w.code)).toEqual(['SMART_FILTERS_APPROXIMATED']);
    expectClose(
      blocks,
      BLOCKS.map((rgb) => {
        // 100 % smoothness: half the linear slope at both ends of the two-stop curve.
        const u =
          1 - (Math.fround(0.3) * rgb[0] + Math.fround(0.59) * rgb[1] + Math.fround(0.11) * rgb[2]) / 255;
        const t = 0.5 * u + 1.5 * u ** 2 - u ** 3;
        return [41 + (255 - 41) * t, 10 + (124 - 10) * t, 89 + (0 - 89) * t];
      }),
    );
  });
});
