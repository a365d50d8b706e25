// An adjustment smart filter's descriptor (the `Fltr` object Photoshop stores, keyed by its classID:
// Levels 'Lvls', Hue/Saturation 'HStr', Exposure 'Exps', Vibrance 'vibrance', Color Balance 'ClrB',
// Black & White 'BanW', Photo Filter 'photoFilter', Posterize 'Pstr', Threshold 'Thrs', Channel Mixer
// 'ChnM', Selective Color 'SlcC', Gradient Map 'GdMp') → the compositor's filter kind and parameters.
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
        // A colour range's four hue sliders: begin ramp, begin sustain, end sustain, end ramp.
        BgnR: num.default(0),
        BgnS: num.default(0),
        EndS: num.default(0),
        EndR: num.default(0),
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
  const degrees = (v: number): number => clamp(v, 0, 360);
  const ranges = colorize
    ? []
    : adjustments
        .filter((a) => a.LclR !== undefined && (a['H   '] !== 0 || a.Strt !== 0 || a.Lght !== 0))
        .sort((a, b) => a.LclR! - b.LclR!)
        .slice(0, 6)
        .map((a) => ({
          hues: [degrees(a.BgnR), degrees(a.BgnS), degrees(a.EndS), degrees(a.EndR)] as [
            number,
            number,
            number,
            number,
          ],
          hue: clamp(a['H   '], -180, 180),
          saturation: clamp(a.Strt, -100, 100),
          lightness: clamp(a.Lght, -100, 100),
        }));
  const master = adjustments.find((a) => a.LclR === undefined) ?? { 'H   ': 0, Strt: 0, Lght: 0 };
  return {
    kind: 'hue_saturation',
    params: {
      hue: colorize ? clamp(master['H   '], 0, 360) : clamp(master['H   '], -180, 180),
      saturation: colorize ? clamp(master.Strt, 0, 100) : clamp(master.Strt, -100, 100),
      lightness: clamp(master.Lght, -100, 100),
      colorize,
      ...(ranges.length > 0 ? { ranges } : {}),
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
  tintColor: z.unknown().optional(),
});

function blackWhite(descriptor: unknown): FilterKindParams | NotReproduced | undefined {
  const parsed = blackWhiteDescriptor.safeParse(descriptor);
  if (!parsed.success) return undefined;
  const tint = parsed.data.useTint ? descriptorColorToRgb(parsed.data.tintColor) : undefined;
  if (parsed.data.useTint && !tint)
    return { reason: 'its tint colour is in a colour model other than RGB, Lab or HSB' };
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
      ...(tint ? { tint } : {}),
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

/** A percentage as ag-psd reads it: a plain number, or a unit double ('#Prc'). */
const percentValue = z
  .union([num, z.object({ value: num })])
  .transform((v) => (typeof v === 'number' ? v : v.value));
/** The value of an enumerated descriptor value, as ag-psd reads it ('Type.Value'). */
const enumValue = z.string().transform((v) => v.slice(v.indexOf('.') + 1));

const posterizeDescriptor = z.object({ Lvls: num.default(4) });

function posterize(descriptor: unknown): FilterKindParams | undefined {
  const parsed = posterizeDescriptor.safeParse(descriptor);
  if (!parsed.success) return undefined;
  return { kind: 'posterize', params: { levels: Math.round(clamp(parsed.data.Lvls, 2, 255)) } };
}

const thresholdDescriptor = z.object({ 'Lvl ': num.default(128) });

function threshold(descriptor: unknown): FilterKindParams | undefined {
  const parsed = thresholdDescriptor.safeParse(descriptor);
  if (!parsed.success) return undefined;
  return { kind: 'threshold', params: { level: Math.round(clamp(parsed.data['Lvl '], 1, 255)) } };
}

const mixerRow = z
  .object({
    'Rd  ': percentValue.default(0),
    'Grn ': percentValue.default(0),
    'Bl  ': percentValue.default(0),
    Cnst: percentValue.default(0),
  })
  .transform(
    (row) =>
      [row['Rd  '], row['Grn '], row['Bl  '], row.Cnst].map((v) => clamp(v, -200, 200)) as [
        number,
        number,
        number,
        number,
      ],
  );
const channelMixerDescriptor = z.object({
  Mnch: z.boolean().default(false),
  'Rd  ': mixerRow.optional(),
  'Grn ': mixerRow.optional(),
  'Bl  ': mixerRow.optional(),
  'Gry ': mixerRow.optional(),
});

function channelMixer(descriptor: unknown): FilterKindParams | undefined {
  const parsed = channelMixerDescriptor.safeParse(descriptor);
  if (!parsed.success) return undefined;
  const { Mnch: monochrome, 'Gry ': gray } = parsed.data;
  if (monochrome) {
    const row = gray ?? [40, 40, 20, 0];
    return { kind: 'channel_mixer', params: { red: row, green: row, blue: row } };
  }
  return {
    kind: 'channel_mixer',
    params: {
      red: parsed.data['Rd  '] ?? [100, 0, 0, 0],
      green: parsed.data['Grn '] ?? [0, 100, 0, 0],
      blue: parsed.data['Bl  '] ?? [0, 0, 100, 0],
    },
  };
}

const SELECTIVE_RANGES: Record<string, SelectiveRange> = {
  'Rds ': 'reds',
  Ylws: 'yellows',
  Grns: 'greens',
  Cyns: 'cyans',
  'Bls ': 'blues',
  Mgnt: 'magentas',
  Whts: 'whites',
  Ntrl: 'neutrals',
  Blks: 'blacks',
};
type SelectiveRange =
  'reds' | 'yellows' | 'greens' | 'cyans' | 'blues' | 'magentas' | 'whites' | 'neutrals' | 'blacks';
const selectiveColorDescriptor = z.object({
  Mthd: enumValue.default('Rltv'),
  ClrC: z
    .array(
      z.object({
        Clrs: enumValue,
        'Cyn ': percentValue.default(0),
        Mgnt: percentValue.default(0),
        'Ylw ': percentValue.default(0),
        Blck: percentValue.default(0),
      }),
    )
    .max(ADJUSTMENTS_MAX)
    .default([]),
});

function selectiveColor(descriptor: unknown): FilterKindParams | NotReproduced | undefined {
  const parsed = selectiveColorDescriptor.safeParse(descriptor);
  if (!parsed.success) return undefined;
  const params: Extract<FilterKindParams, { kind: 'selective_color' }>['params'] = {
    method: parsed.data.Mthd === 'Absl' ? 'absolute' : 'relative',
  };
  for (const entry of parsed.data.ClrC) {
    const range = Object.hasOwn(SELECTIVE_RANGES, entry.Clrs) ? SELECTIVE_RANGES[entry.Clrs] : undefined;
    if (!range) return { reason: 'it adjusts a colour range other than the nine of its dialog' };
    params[range] = [entry['Cyn '], entry.Mgnt, entry['Ylw '], entry.Blck].map((v) =>
      clamp(v, -100, 100),
    ) as [number, number, number, number];
  }
  return { kind: 'selective_color', params };
}

/** Photoshop stores a stop's location in 4096ths of the gradient, its midpoint in percent. */
const gradientMapDescriptor = z.object({
  Rvrs: z.boolean().default(false),
  Grad: z.object({
    GrdF: enumValue.default('CstS'),
    /** Smoothness, in 4096ths (Photoshop's default is 100 %). */
    Intr: num.default(4096),
    Clrs: z
      .array(z.object({ 'Clr ': z.unknown(), Lctn: num.default(0), Mdpn: num.default(50) }))
      .max(32)
      .default([]),
  }),
});

function gradientMap(descriptor: unknown): FilterKindParams | NotReproduced | undefined {
  const parsed = gradientMapDescriptor.safeParse(descriptor);
  if (!parsed.success) return undefined;
  const { Rvrs: reverse, Grad: gradient } = parsed.data;
  if (gradient.GrdF !== 'CstS') return { reason: 'its noise gradient is not reproduced' };
  const stops = [];
  for (const stop of gradient.Clrs) {
    const color = descriptorColorToRgb(stop['Clr ']);
    if (!color) return { reason: 'a gradient colour is in a colour model other than RGB, Lab or HSB' };
    stops.push({ location: clamp(stop.Lctn / 4096, 0, 1), midpoint: clamp(stop.Mdpn / 100, 0, 1), color });
  }
  if (stops.length === 0) return { reason: 'its gradient has no colour stops' };
  if (stops.length === 1) stops.push({ ...stops[0]! });
  stops.sort((a, b) => a.location - b.location);
  const smoothness = clamp((gradient.Intr / 4096) * 100, 0, 100);
  return { kind: 'gradient_map', params: { stops, reverse, smoothness } };
}

const BY_CLASS: Record<string, (descriptor: unknown) => FilterKindParams | NotReproduced | undefined> = {
  Lvls: levels,
  HStr: hueSaturation,
  Exps: exposure,
  vibrance,
  ClrB: colorBalance,
  BanW: blackWhite,
  photoFilter,
  Pstr: posterize,
  Thrs: threshold,
  ChnM: channelMixer,
  SlcC: selectiveColor,
  GdMp: gradientMap,
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
