// Adjustment descriptors (as ag-psd's descriptor reader returns them) → the compositor's filters:
// Photoshop's values clamped to the dialog ranges, and a reason for what is not reproduced.
import { smartFilterSchema } from '@platen/compositor';
import { descriptorColorToRgb, labToRgb } from './descriptor-color.js';
import { adjustmentFromDescriptor } from './smart-filter-adjustments.js';

const level = (channel: string, extra: object = {}) => ({
  _classID: 'LvlA',
  Chnl: [`Chnl.${channel}`],
  ...extra,
});

describe('adjustmentFromDescriptor', () => {
  it('gives every mapped kind parameters the template schema accepts', () => {
    const descriptors = [
      { _classID: 'Lvls', Adjs: [level('Cmps', { Inpt: [5, 250], 'Gmm ': 0.8, Otpt: [0, 255] })] },
      { _classID: 'HStr', Clrz: true, Adjs: [{ _classID: 'Hst2', 'H   ': 300, Strt: 60, Lght: -10 }] },
      { _classID: 'Exps', Exps: -1, Ofst: 0.1, gammaCorrection: 0.9 },
      { _classID: 'vibrance', vibrance: -20 },
      { _classID: 'ClrB', ShdL: [1, 2, 3], MdtL: [0, 0, 0], HghL: [-3, -2, -1], PrsL: true },
      { _classID: 'BanW', 'Rd  ': 40 },
      { _classID: 'photoFilter', 'Clr ': { _classID: 'RGBC', 'Rd  ': 10, 'Grn ': 20, 'Bl  ': 30 }, Dnst: 80 },
    ];
    for (const descriptor of descriptors) {
      const mapped = adjustmentFromDescriptor(descriptor);
      expect(mapped && 'kind' in mapped).toBe(true);
      expect(smartFilterSchema.safeParse(mapped).success).toBe(true);
    }
  });

  it("clamps values outside Photoshop's ranges and fills in Photoshop's defaults", () => {
    expect(adjustmentFromDescriptor({ _classID: 'Exps', Exps: 40, gammaCorrection: 0 })).toEqual({
      kind: 'exposure',
      params: { exposure: 20, offset: 0, gamma: 0.01 },
    });
    expect(adjustmentFromDescriptor({ _classID: 'BanW' })).toEqual({
      kind: 'black_white',
      params: { reds: 40, yellows: 60, greens: 40, cyans: 60, blues: 20, magentas: 80 },
    });
    expect(
      adjustmentFromDescriptor({ _classID: 'Lvls', Adjs: [level('Grn ', { Inpt: [-5, 300], 'Gmm ': 20 })] }),
    ).toEqual({
      kind: 'levels',
      params: { green: { in_black: 0, in_white: 255, gamma: 9.99, out_black: 0, out_white: 255 } },
    });
  });

  it('keeps a colorized Hue/Saturation on the 0–360 hue scale', () => {
    expect(
      adjustmentFromDescriptor({
        _classID: 'HStr',
        Clrz: true,
        Adjs: [{ _classID: 'Hst2', 'H   ': 300, Strt: 60, Lght: -10 }],
      }),
    ).toEqual({
      kind: 'hue_saturation',
      params: { hue: 300, saturation: 60, lightness: -10, colorize: true },
    });
  });

  it('says why a setting is not reproduced', () => {
    expect(adjustmentFromDescriptor({ _classID: 'Lvls', Adjs: [level('Cmps', { Auto: true })] })).toEqual({
      reason: 'its Auto levels are not reproduced',
    });
    expect(
      adjustmentFromDescriptor({ _classID: 'Lvls', Adjs: [level('Cmps', { Inpt: [200, 100] })] }),
    ).toEqual({
      reason: 'its input black point is not below its white point',
    });
    expect(adjustmentFromDescriptor({ _classID: 'Lvls', Adjs: [level('Trsp')] })).toEqual({
      reason: 'it adjusts a channel other than RGB, red, green or blue',
    });
    expect(
      adjustmentFromDescriptor({
        _classID: 'photoFilter',
        'Clr ': { _classID: 'CMYC', 'Cyn ': 0, Mgnt: 0, 'Ylw ': 100, Blck: 0 },
      }),
    ).toEqual({ reason: 'its colour is in a colour model other than RGB, Lab or HSB' });
  });

  it('leaves other classes and malformed descriptors to the caller to name', () => {
    expect(adjustmentFromDescriptor({ _classID: 'MtnB', Angl: 3 })).toBeUndefined();
    expect(adjustmentFromDescriptor({ _classID: 'Exps', Exps: 'bright' })).toBeUndefined();
    expect(adjustmentFromDescriptor({ _classID: 'ClrB', ShdL: [1, 2] })).toBeUndefined();
    expect(adjustmentFromDescriptor('Lvls')).toBeUndefined();
    expect(adjustmentFromDescriptor({ _classID: 'toString' })).toBeUndefined();
  });
});

describe('descriptor colours', () => {
  it('converts D50 Lab to sRGB: white, black and a mid grey stay neutral', () => {
    expect(labToRgb(100, 0, 0).map(Math.round)).toEqual([255, 255, 255]);
    expect(labToRgb(0, 0, 0)).toEqual([0, 0, 0]);
    // L* 53.39 is sRGB 128 grey; the published D50/Bradford constants round to within a level.
    for (const channel of labToRgb(53.389, 0, 0)) expect(Math.abs(channel - 128)).toBeLessThanOrEqual(1);
  });

  it('reads RGB and HSB colours and refuses CMYK', () => {
    expect(descriptorColorToRgb({ _classID: 'RGBC', 'Rd  ': 12, 'Grn ': 300, 'Bl  ': -4 })).toEqual([
      12, 255, 0,
    ]);
    expect(
      descriptorColorToRgb({ _classID: 'HSBC', 'H   ': { units: 'Angle', value: 120 }, Strt: 100, Brgh: 50 }),
    ).toEqual([0, 127.5, 0]);
    expect(
      descriptorColorToRgb({ _classID: 'CMYC', 'Cyn ': 0, Mgnt: 0, 'Ylw ': 0, Blck: 0 }),
    ).toBeUndefined();
  });
});
