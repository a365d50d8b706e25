// ag-psd's adjustment layers → the compositor's adjustment filters: every field lands where the
// kernel reads it, colours are converted right, and what is not reproduced is named.
import { adjustmentFilterSchema } from '@platen/compositor';
import { mapAdjustment } from './adjustment-layers.js';

const mapped = (adjustment: Parameters<typeof mapAdjustment>[0]) => {
  const result = mapAdjustment(adjustment);
  if (result.kind !== 'mapped') throw new Error(`skipped: ${result.reason}`);
  // What the importer writes must pass the manifest's own schema.
  expect(adjustmentFilterSchema.safeParse(result.filter).success).toBe(true);
  return result;
};

describe('mapAdjustment', () => {
  it("maps Levels' Photoshop fields onto the kernel's per channel, the RGB one as composite", () => {
    const channel = {
      shadowInput: 10,
      highlightInput: 240,
      midtoneInput: 1.3,
      shadowOutput: 5,
      highlightOutput: 250,
    };
    expect(
      mapped({ type: 'levels', rgb: channel, blue: { ...channel, shadowInput: 30 } }).filter,
    ).toMatchObject({
      kind: 'levels',
      params: {
        composite: { in_black: 10, in_white: 240, gamma: 1.3, out_black: 5, out_white: 250 },
        blue: { in_black: 30 },
      },
    });
  });

  it('skips Levels whose black input is not below its white input, saying why', () => {
    const channel = {
      shadowInput: 200,
      highlightInput: 100,
      midtoneInput: 1,
      shadowOutput: 0,
      highlightOutput: 255,
    };
    expect(mapAdjustment({ type: 'levels', rgb: channel })).toMatchObject({ kind: 'skipped' });
  });

  it("reads Hue/Saturation's colorize settings from where ag-psd puts them (the master range's a–d)", () => {
    const master = { a: 256, b: -118, c: 45, d: 14, hue: 0, saturation: 0, lightness: 0 };
    const result = mapped({ type: 'hue/saturation', master });
    expect(result.filter).toMatchObject({
      kind: 'hue_saturation',
      params: { colorize: true, hue: 242, saturation: 45, lightness: 14 },
    });
    // Colorize matches Photoshop's composites (photoshop-composites.test.ts): no warning.
    expect(result.approximated).toBeUndefined();
  });

  it('applies Hue/Saturation with the colour ranges that shift something, without a warning', () => {
    const range = { a: 315, b: 345, c: 15, d: 45, hue: 0, saturation: 0, lightness: 0 };
    const master = { a: 0, b: 0, c: 25, d: 0, hue: -27, saturation: 10, lightness: 5 };
    const plain = mapped({ type: 'hue/saturation', master, reds: range });
    expect(plain.filter.params).toEqual({ colorize: false, hue: -27, saturation: 10, lightness: 5 });
    expect(plain.approximated).toBeUndefined();
    const ranged = mapped({
      type: 'hue/saturation',
      master,
      reds: { ...range, saturation: 40 },
      blues: { a: 195, b: 225, c: 255, d: 400, hue: -200, saturation: 0, lightness: 0 },
    });
    expect(ranged.filter.params).toMatchObject({
      ranges: [
        { hues: [315, 345, 15, 45], hue: 0, saturation: 40, lightness: 0 },
        { hues: [195, 225, 255, 360], hue: -180, saturation: 0, lightness: 0 },
      ],
    });
    expect(ranged.approximated).toBeUndefined();
  });

  it('maps Colour Balance, Black & White with its tint, Vibrance and Exposure', () => {
    expect(
      mapped({
        type: 'color balance',
        midtones: { cyanRed: 20, magentaGreen: -10, yellowBlue: 5 },
        preserveLuminosity: false,
      }).filter,
    ).toMatchObject({ params: { shadows: [0, 0, 0], midtones: [20, -10, 5], preserve_luminosity: false } });
    const tinted = mapped({
      type: 'black & white',
      reds: 70,
      useTint: true,
      tintColor: { r: 225, g: 211, b: 179 },
    });
    expect(tinted.filter).toMatchObject({ params: { reds: 70, yellows: 60, tint: [225, 211, 179] } });
    expect(tinted.approximated).toBeUndefined();
    expect(mapped({ type: 'vibrance', vibrance: 30 }).filter).toMatchObject({
      params: { vibrance: 30, saturation: 0 },
    });
    expect(mapped({ type: 'exposure', exposure: 1.5, offset: -0.1, gamma: 0.8 }).filter).toMatchObject({
      params: { exposure: 1.5, offset: -0.1, gamma: 0.8 },
    });
  });

  it('says which kinds only model Photoshop, where they act, and not for an exact kernel', () => {
    expect(mapped({ type: 'vibrance', vibrance: 30 }).approximated).toMatch(/Vibrance is modelled/);
    expect(mapped({ type: 'vibrance', vibrance: 0, saturation: 0 }).approximated).toBeUndefined();
    expect(
      mapped({ type: 'color balance', midtones: { cyanRed: 20, magentaGreen: 0, yellowBlue: 0 } })
        .approximated,
    ).toMatch(/Color Balance is modelled/);
    // Midtones without preserve luminosity are Photoshop's own curve.
    expect(
      mapped({
        type: 'color balance',
        midtones: { cyanRed: 20, magentaGreen: 0, yellowBlue: 0 },
        preserveLuminosity: false,
      }).approximated,
    ).toBeUndefined();
    expect(
      mapped({
        type: 'color balance',
        highlights: { cyanRed: 20, magentaGreen: 0, yellowBlue: 0 },
        preserveLuminosity: false,
      }).approximated,
    ).toMatch(/Color Balance is modelled/);
    expect(mapped({ type: 'brightness/contrast', brightness: 20, contrast: 0 }).approximated).toMatch(
      /Brightness\/Contrast curve/,
    );
    const master = { a: 0, b: 0, c: 25, d: 0, hue: -27, saturation: 10, lightness: 5 };
    expect(mapped({ type: 'hue/saturation', master }).approximated).toBeUndefined();
    expect(mapped({ type: 'exposure', exposure: 1.5 }).approximated).toBeUndefined();
  });

  it("converts a Photo Filter's Lab colour (as ag-psd scales it) to sRGB and its density to percent", () => {
    // Photoshop's Lab is D50: sRGB red is L 54.29, a 80.80, b 69.89 there.
    const result = mapped({
      type: 'photo filter',
      color: { l: 0.5429, a: 80.8 / 127, b: 69.89 / 127 },
      density: 0.4,
      preserveLuminosity: true,
    });
    expect(result.filter).toMatchObject({
      kind: 'photo_filter',
      params: { density: 40, preserve_luminosity: true },
    });
    const [r, g, b] = (result.filter.params as { color: number[] }).color;
    expect(r).toBeGreaterThan(250);
    expect(g).toBeLessThan(6);
    expect(b).toBeLessThan(6);
  });

  it('maps legacy Brightness/Contrast onto its own formula, modelled only with contrast lowered', () => {
    const raised = mapped({ type: 'brightness/contrast', brightness: 20, contrast: 57, useLegacy: true });
    expect(raised.filter.params).toEqual({ brightness: 20, contrast: 57, legacy: true });
    expect(raised.approximated).toBeUndefined();
    const lowered = mapped({ type: 'brightness/contrast', brightness: -20, contrast: -80, useLegacy: true });
    expect(lowered.filter.params).toEqual({ brightness: -20, contrast: -80, legacy: true });
    expect(lowered.approximated).toMatch(/legacy/);
  });

  it('skips Color Lookup profiles and tables it cannot read, naming them', () => {
    const cube = new TextEncoder().encode('LUT_3D_SIZE 2\n0 0 0');
    expect([
      mapAdjustment({ type: 'color lookup', lookupType: 'deviceLinkProfile', profile: new Uint8Array(8) }),
      mapAdjustment({ type: 'color lookup', lookupType: '3dlut', lutFormat: 'look', lut3DFileData: cube }),
      mapAdjustment({ type: 'color lookup', lookupType: '3dlut', lutFormat: 'cube', lut3DFileData: cube }),
    ]).toEqual([
      { kind: 'skipped', reason: 'Color Lookup device-link and abstract profiles are not read' },
      { kind: 'skipped', reason: 'Color Lookup .look files are not read' },
      { kind: 'skipped', reason: 'Color Lookup: a 2-point table of 1 entries' },
    ]);
  });

  it('maps an embedded .cube onto the color_lookup kernel as reproduced, without a warning', () => {
    const cube = new TextEncoder().encode(
      ['LUT_3D_SIZE 2', ...Array<string>(8).fill('0.5 0.25 1')].join('\n'),
    );
    const lookup = mapped({
      type: 'color lookup',
      lookupType: '3dlut',
      lutFormat: 'cube',
      lut3DFileData: cube,
    });
    expect(lookup.filter).toMatchObject({ kind: 'color_lookup', params: { size: 2 } });
    expect(lookup.approximated).toBeUndefined();
  });

  it('maps Posterize and Threshold as reproduced, without a warning', () => {
    const posterize = mapped({ type: 'posterize', levels: 7 });
    expect(posterize.filter).toMatchObject({ kind: 'posterize', params: { levels: 7 } });
    expect(posterize.approximated).toBeUndefined();
    const threshold = mapped({ type: 'threshold', level: 182 });
    expect(threshold.filter).toMatchObject({ kind: 'threshold', params: { level: 182 } });
    expect(threshold.approximated).toBeUndefined();
  });

  it("maps Channel Mixer's rows, and a monochrome mix's grey row onto all three channels", () => {
    const row = (red: number, green: number, blue: number, constant: number) => ({
      red,
      green,
      blue,
      constant,
    });
    const colour = mapped({
      type: 'channel mixer',
      red: row(80, 20, 0, 0),
      green: row(0, 100, 0, -10),
      blue: row(0, 30, 70, 5),
    });
    expect(colour.filter.params).toEqual({
      red: [80, 20, 0, 0],
      green: [0, 100, 0, -10],
      blue: [0, 30, 70, 5],
    });
    expect(colour.approximated).toBeUndefined();
    const mono = mapped({
      type: 'channel mixer',
      monochrome: true,
      gray: row(0, 100, 0, 0),
      red: row(100, 0, 0, 0),
    });
    expect(mono.filter.params).toEqual({ red: [0, 100, 0, 0], green: [0, 100, 0, 0], blue: [0, 100, 0, 0] });
  });

  it("maps a Gradient Map's stops in order, and says its interpolation is modelled", () => {
    const result = mapped({
      type: 'gradient map',
      gradientType: 'solid',
      reverse: true,
      colorStops: [
        { location: 1, midpoint: 0.5, color: { r: 255, g: 124, b: 0 } },
        { location: 0, midpoint: 0.3, color: { r: 41, g: 10, b: 89 } },
      ],
    });
    expect(result.filter.params).toEqual({
      reverse: true,
      // Photoshop's default, which ag-psd reads when a file does not say.
      smoothness: 100,
      stops: [
        { location: 0, midpoint: 0.3, color: [41, 10, 89] },
        { location: 1, midpoint: 0.5, color: [255, 124, 0] },
      ],
    });
    expect(result.approximated).toMatch(/Gradient Map/);
    expect(mapAdjustment({ type: 'gradient map', gradientType: 'noise' })).toMatchObject({ kind: 'skipped' });
  });

  it("maps Selective Color's method and ink shifts per range, and says where it is modelled", () => {
    const zero = { c: 0, m: 0, y: 0, k: 0 };
    const result = mapped({
      type: 'selective color',
      mode: 'absolute',
      reds: { c: 15, m: -14, y: 33, k: 6 },
      whites: zero,
    });
    expect(result.filter.params).toEqual({
      method: 'absolute',
      reds: [15, -14, 33, 6],
      whites: [0, 0, 0, 0],
    });
    expect(result.approximated).toMatch(/Selective Color/);
    expect(mapped({ type: 'selective color', mode: 'relative', reds: zero }).approximated).toBeUndefined();
    // Relative shifts of the colour ranges are Photoshop's own; of the neutrals still a model.
    const reds = { c: 2, m: -49, y: 49, k: 62 };
    expect(mapped({ type: 'selective color', mode: 'relative', reds }).approximated).toBeUndefined();
    expect(
      mapped({ type: 'selective color', mode: 'relative', reds, neutrals: { c: 10, m: 0, y: 0, k: 0 } })
        .approximated,
    ).toMatch(/Selective Color/);
  });
});
