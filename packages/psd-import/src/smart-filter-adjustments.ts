// An adjustment smart filter's descriptor (the `Fltr` object Photoshop stores, keyed by its classID:
// Levels 'Lvls', Hue/Saturation 'HStr', Exposure 'Exps', Vibrance 'vibrance', Color Balance 'ClrB',
// Black & White 'BanW', Photo Filter 'photoFilter') → the compositor's filter kind and parameters.
// These are the kinds ag-psd 31 drops; the values are clamped to the compositor's (Photoshop's
// dialog) ranges, and a setting the compositor cannot reproduce is returned as a reason instead.
import type { FilterKindAndParams } from '@platen/compositor';
import { z } from 'zod';
import { descriptorColorToRgb } from './descriptor-color.js';

export type FilterKindParams = FilterKindAndParams;
/** Why a known kind is not applied, e.g. "its per-colour ranges are not reproduced". */
export interface NotReproduced {
  reason: string;
}

const num = z.number().finite();
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const ADJUSTMENTS_MAX = 16;

type Channel = 'composite' | 'red' | 'green' | 'blue';
// 4-char codes, and the long names newer Photoshop versions write for enumerated values.
const CHANNELS: Record<string, Channel> = {
  Cmps: 'composite',
  'Rd  ': 'red',
  'Grn ': 'green',
  'Bl  ': 'blue',
  composite: 'composite',
  red: 'red',
  green: 'green',
  blue: 'blue',
};
function channelOf(reference: string[]): Channel | undefined {
  if (reference.length !== 1) return undefined;
  const value = reference[0]!.split('.')[1] ?? '';
  return Object.hasOwn(CHANNELS, value) ? CHANNELS[value] : undefined;
}

const levelsDescriptor = z.object({
  Adjs: z
    .array(
      z.object({
        Chnl: z.array(z.string()),
        Inpt: z.tuple([num, num]).optional(),
        'Gmm ': num.optional(),
        Otpt: z.tuple([num, num]).optional(),
        Auto: z.boolean().optional(),
      }),
    )
    .max(ADJUSTMENTS_MAX)
    .default([]),
});

function levels(descriptor: unknown): FilterKindParams | NotReproduced | undefined {
  const parsed = levelsDescriptor.safeParse(descriptor);
  if (!parsed.success) return undefined;
  const params: Partial<Record<Channel, Record<string, number>>> = {};
  for (const adjustment of parsed.data.Adjs) {
    if (adjustment.Auto) return { reason: 'its Auto levels are not reproduced' };
    const channel = channelOf(adjustment.Chnl);
    if (!channel) return { reason: 'it adjusts a channel other than RGB, red, green or blue' };
    const [inBlack, inWhite] = (adjustment.Inpt ?? [0, 255]).map((v) => clamp(v, 0, 255)) as [number, number];
    if (inBlack >= inWhite) return { reason: 'its input black point is not below its white point' };
    const [outBlack, outWhite] = (adjustment.Otpt ?? [0, 255]).map((v) => clamp(v, 0, 255)) as [
      number,
      number,
    ];
    params[channel] = {
      in_black: inBlack,
      in_white: inWhite,
      gamma: clamp(adjustment['Gmm '] ?? 1, 0.1, 9.99),
      out_black: outBlack,
      out_white: outWhite,
    };
  }
  return { kind: 'levels', params } as FilterKindParams;
}

const hueSaturationDescriptor = z.object({
  Clrz: z.boolean().default(false),
  Adjs: z
    .array(
      z.object({
        LclR: num.optional(),
        'H   ': num.default(0),
        Strt: num.default(0),
        Lght: num.default(0),
      }),
    )
    .max(ADJUSTMENTS_MAX)
    .default([]),
});

function hueSaturation(descriptor: unknown): FilterKindParams | NotReproduced | undefined {
  const parsed = hueSaturationDescriptor.safeParse(descriptor);
  if (!parsed.success) return undefined;
  const { Clrz: colorize, Adjs: adjustments } = parsed.data;
  const ranges = adjustments.filter((a) => a.LclR !== undefined);
  if (!colorize && ranges.some((r) => r['H   '] !== 0 || r.Strt !== 0 || r.Lght !== 0)) {
    return { reason: 'its per-colour ranges are not reproduced (only Master is)' };
  }
  const master = adjustments.find((a) => a.LclR === undefined) ?? { 'H   ': 0, Strt: 0, Lght: 0 };
  return {
    kind: 'hue_saturation',
    params: {
      hue: colorize ? clamp(master['H   '], 0, 360) : clamp(master['H   '], -180, 180),
      saturation: colorize ? clamp(master.Strt, 0, 100) : clamp(master.Strt, -100, 100),
      lightness: clamp(master.Lght, -100, 100),
      colorize,
    },
  };
}

const exposureDescriptor = z.object({
  Exps: num.default(0),
  Ofst: num.default(0),
  gammaCorrection: num.default(1),
});

function exposure(descriptor: unknown): FilterKindParams | undefined {
  const parsed = exposureDescriptor.safeParse(descriptor);
  if (!parsed.success) return undefined;
  return {
    kind: 'exposure',
    params: {
      exposure: clamp(parsed.data.Exps, -20, 20),
      offset: clamp(parsed.data.Ofst, -0.5, 0.5),
      gamma: clamp(parsed.data.gammaCorrection, 0.01, 9.99),
    },
  };
}

const vibranceDescriptor = z.object({ vibrance: num.default(0), Strt: num.default(0) });

function vibrance(descriptor: unknown): FilterKindParams | undefined {
  const parsed = vibranceDescriptor.safeParse(descriptor);
  if (!parsed.success) return undefined;
  return {
    kind: 'vibrance',
    params: {
      vibrance: clamp(parsed.data.vibrance, -100, 100),
      saturation: clamp(parsed.data.Strt, -100, 100),
    },
  };
}

const shift = z.tuple([num, num, num]).default([0, 0, 0]);
const colorBalanceDescriptor = z.object({
  ShdL: shift,
  MdtL: shift,
  HghL: shift,
  PrsL: z.boolean().default(true),
});

function colorBalance(descriptor: unknown): FilterKindParams | undefined {
  const parsed = colorBalanceDescriptor.safeParse(descriptor);
  if (!parsed.success) return undefined;
  const range = (values: [number, number, number]) =>
    values.map((v) => clamp(v, -100, 100)) as [number, number, number];
  return {
    kind: 'color_balance',
    params: {
      shadows: range(parsed.data.ShdL),
      midtones: range(parsed.data.MdtL),
      highlights: range(parsed.data.HghL),
      preserve_luminosity: parsed.data.PrsL,
    },
  };
}

const weight = (byDefault: number) => num.default(byDefault);
// Photoshop's defaults, for a key the file leaves out.
const blackWhiteDescriptor = z.object({
  'Rd  ': weight(40),
  Yllw: weight(60),
  'Grn ': weight(40),
  'Cyn ': weight(60),
  'Bl  ': weight(20),
  Mgnt: weight(80),
  useTint: z.boolean().default(false),
});

function blackWhite(descriptor: unknown): FilterKindParams | NotReproduced | undefined {
  const parsed = blackWhiteDescriptor.safeParse(descriptor);
  if (!parsed.success) return undefined;
  if (parsed.data.useTint) return { reason: 'its tint is not reproduced' };
  const w = (v: number): number => clamp(v, -200, 300);
  return {
    kind: 'black_white',
    params: {
      reds: w(parsed.data['Rd  ']),
      yellows: w(parsed.data.Yllw),
      greens: w(parsed.data['Grn ']),
      cyans: w(parsed.data['Cyn ']),
      blues: w(parsed.data['Bl  ']),
      magentas: w(parsed.data.Mgnt),
    },
  };
}

const photoFilterDescriptor = z.object({
  'Clr ': z.unknown(),
  Dnst: num.default(25),
  PrsL: z.boolean().default(true),
});

function photoFilter(descriptor: unknown): FilterKindParams | NotReproduced | undefined {
  const parsed = photoFilterDescriptor.safeParse(descriptor);
  if (!parsed.success) return undefined;
  const color = descriptorColorToRgb(parsed.data['Clr ']);
  if (!color) return { reason: 'its colour is in a colour model other than RGB, Lab or HSB' };
  return {
    kind: 'photo_filter',
    params: {
      color,
      density: clamp(parsed.data.Dnst, 0, 100),
      preserve_luminosity: parsed.data.PrsL,
    },
  };
}

const BY_CLASS: Record<string, (descriptor: unknown) => FilterKindParams | NotReproduced | undefined> = {
  Lvls: levels,
  HStr: hueSaturation,
  Exps: exposure,
  vibrance,
  ClrB: colorBalance,
  BanW: blackWhite,
  photoFilter,
};

/**
 * The filter kind of an adjustment descriptor; a reason when a setting is not reproduced;
 * undefined when the class is not one of these adjustments or its descriptor is malformed.
 */
export function adjustmentFromDescriptor(descriptor: unknown): FilterKindParams | NotReproduced | undefined {
  if (typeof descriptor !== 'object' || descriptor === null) return undefined;
  const classId = (descriptor as { _classID?: unknown })._classID;
  if (typeof classId !== 'string' || !Object.hasOwn(BY_CLASS, classId)) return undefined;
  return BY_CLASS[classId]!(descriptor);
}
