// An adjustment layer as ag-psd reads it → the compositor's adjustment filter (the kernels smart
// filters use). A kind without an equal (a Color Lookup profile) is skipped with the reason; one
// reproduced only in part says what is left out.
import { modelledFilterReason, type AdjustmentFilter } from '@platen/compositor';
import type { AdjustmentLayer as PsdAdjustment, Color } from 'ag-psd';
import { labToRgb } from './descriptor-color.js';
import { readLutFile } from './lut-file.js';

export type MappedAdjustment =
  { kind: 'mapped'; filter: AdjustmentFilter; approximated?: string } | { kind: 'skipped'; reason: string };

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const CURVE_POINTS_MAX = 32;
const HUE_RANGES = ['reds', 'yellows', 'greens', 'cyans', 'blues', 'magentas'] as const;
const SELECTIVE_RANGES = [...HUE_RANGES, 'whites', 'neutrals', 'blacks'] as const;
const GRADIENT_STOPS_MAX = 32;
type MixerRow = [number, number, number, number];

type Params<K extends AdjustmentFilter['kind']> = Extract<AdjustmentFilter, { kind: K }>['params'];

function filterOf<K extends AdjustmentFilter['kind']>(kind: K, params: Params<K>): AdjustmentFilter {
  return { kind, params, opacity: 1, blend_mode: 'normal' } as AdjustmentFilter;
}

export function mapAdjustment(adjustment: PsdAdjustment): MappedAdjustment {
  const mapped = mapKind(adjustment);
  if (mapped.kind === 'skipped') return mapped;
  // A kernel that only models Photoshop's formula says so, beside what the mapping left out.
  const reasons = [mapped.approximated, modelledFilterReason(mapped.filter)].filter(Boolean);
  return reasons.length > 0 ? { ...mapped, approximated: reasons.join('; ') } : mapped;
}

function mapKind(adjustment: PsdAdjustment): MappedAdjustment {
  switch (adjustment.type) {
    case 'invert':
      return { kind: 'mapped', filter: filterOf('invert', {}) };
    case 'brightness/contrast': {
      if (adjustment.useLegacy) {
        return {
          kind: 'mapped',
          filter: filterOf('brightness_contrast', {
            brightness: clamp(adjustment.brightness ?? 0, -100, 100),
            contrast: clamp(adjustment.contrast ?? 0, -100, 100),
            legacy: true,
          }),
        };
      }
      const brightness = clamp(adjustment.brightness ?? 0, -150, 150);
      const contrast = clamp(adjustment.contrast ?? 0, -50, 100);
      return {
        kind: 'mapped',
        filter: filterOf('brightness_contrast', { brightness, contrast }),
      };
    }
    case 'levels': {
      const params: Params<'levels'> = {};
      const channels = {
        composite: adjustment.rgb,
        red: adjustment.red,
        green: adjustment.green,
        blue: adjustment.blue,
      };
      for (const [name, channel] of Object.entries(channels)) {
        if (!channel) continue;
        if (channel.shadowInput >= channel.highlightInput) {
          return { kind: 'skipped', reason: 'input levels whose black point is not below their white point' };
        }
        params[name as keyof typeof channels] = {
          in_black: clamp(channel.shadowInput, 0, 255),
          in_white: clamp(channel.highlightInput, 0, 255),
          gamma: clamp(channel.midtoneInput, 0.1, 9.99),
          out_black: clamp(channel.shadowOutput, 0, 255),
          out_white: clamp(channel.highlightOutput, 0, 255),
        };
      }
      return { kind: 'mapped', filter: filterOf('levels', params) };
    }
    case 'curves': {
      const params: Params<'curves'> = {};
      const channels = {
        composite: adjustment.rgb,
        red: adjustment.red,
        green: adjustment.green,
        blue: adjustment.blue,
      };
      for (const [name, channel] of Object.entries(channels)) {
        if (!channel) continue;
        if (channel.length < 2 || channel.length > CURVE_POINTS_MAX) {
          return { kind: 'skipped', reason: `a curve of ${channel.length} points` };
        }
        params[name as keyof typeof channels] = channel.map((p) => [
          clamp(p.input, 0, 255),
          clamp(p.output, 0, 255),
        ]);
      }
      return { kind: 'mapped', filter: filterOf('curves', params) };
    }
    case 'exposure':
      return {
        kind: 'mapped',
        filter: filterOf('exposure', {
          exposure: clamp(adjustment.exposure ?? 0, -20, 20),
          offset: clamp(adjustment.offset ?? 0, -0.5, 0.5),
          gamma: clamp(adjustment.gamma ?? 1, 0.01, 9.99),
        }),
      };
    case 'vibrance':
      return {
        kind: 'mapped',
        filter: filterOf('vibrance', {
          vibrance: clamp(adjustment.vibrance ?? 0, -100, 100),
          saturation: clamp(adjustment.saturation ?? 0, -100, 100),
        }),
      };
    case 'hue/saturation':
      return hueSaturationOf(adjustment);
    case 'color balance': {
      const shift = (v: typeof adjustment.shadows): [number, number, number] =>
        v
          ? [clamp(v.cyanRed, -100, 100), clamp(v.magentaGreen, -100, 100), clamp(v.yellowBlue, -100, 100)]
          : [0, 0, 0];
      return {
        kind: 'mapped',
        filter: filterOf('color_balance', {
          shadows: shift(adjustment.shadows),
          midtones: shift(adjustment.midtones),
          highlights: shift(adjustment.highlights),
          preserve_luminosity: adjustment.preserveLuminosity ?? true,
        }),
      };
    }
    case 'black & white': {
      const tint = rgbOf(adjustment.tintColor);
      const weight = (v: number | undefined, fallback: number) => clamp(v ?? fallback, -200, 300);
      return {
        kind: 'mapped',
        filter: filterOf('black_white', {
          reds: weight(adjustment.reds, 40),
          yellows: weight(adjustment.yellows, 60),
          greens: weight(adjustment.greens, 40),
          cyans: weight(adjustment.cyans, 60),
          blues: weight(adjustment.blues, 20),
          magentas: weight(adjustment.magentas, 80),
          ...(adjustment.useTint && tint ? { tint } : {}),
        }),
        ...(adjustment.useTint && !tint
          ? { approximated: 'its tint colour is not RGB or Lab (left grey)' }
          : {}),
      };
    }
    case 'photo filter': {
      const rgb = rgbOf(adjustment.color);
      if (!rgb) return { kind: 'skipped', reason: 'a filter colour not given as RGB or Lab' };
      return {
        kind: 'mapped',
        filter: filterOf('photo_filter', {
          color: rgb,
          density: clamp((adjustment.density ?? 0.25) * 100, 0, 100),
          preserve_luminosity: adjustment.preserveLuminosity ?? true,
        }),
      };
    }
    case 'posterize':
      return {
        kind: 'mapped',
        filter: filterOf('posterize', { levels: Math.round(clamp(adjustment.levels ?? 4, 2, 255)) }),
      };
    case 'threshold':
      return {
        kind: 'mapped',
        filter: filterOf('threshold', { level: Math.round(clamp(adjustment.level ?? 128, 1, 255)) }),
      };
    case 'channel mixer': {
      const row = (channel: typeof adjustment.red, fallback: MixerRow): MixerRow =>
        channel
          ? [
              clamp(channel.red, -200, 200),
              clamp(channel.green, -200, 200),
              clamp(channel.blue, -200, 200),
              clamp(channel.constant, -200, 200),
            ]
          : fallback;
      if (adjustment.monochrome) {
        const gray = row(adjustment.gray, [40, 40, 20, 0]);
        return { kind: 'mapped', filter: filterOf('channel_mixer', { red: gray, green: gray, blue: gray }) };
      }
      return {
        kind: 'mapped',
        filter: filterOf('channel_mixer', {
          red: row(adjustment.red, [100, 0, 0, 0]),
          green: row(adjustment.green, [0, 100, 0, 0]),
          blue: row(adjustment.blue, [0, 0, 100, 0]),
        }),
      };
    }
    case 'gradient map':
      return gradientMapOf(adjustment);
    case 'selective color': {
      const params: Params<'selective_color'> = { method: adjustment.mode ?? 'relative' };
      for (const range of SELECTIVE_RANGES) {
        const ink = adjustment[range];
        if (!ink) continue;
        params[range] = [
          clamp(ink.c, -100, 100),
          clamp(ink.m, -100, 100),
          clamp(ink.y, -100, 100),
          clamp(ink.k, -100, 100),
        ];
      }
      return { kind: 'mapped', filter: filterOf('selective_color', params) };
    }
    case 'color lookup':
      return colorLookupOf(adjustment);
    default:
      // A kind newer than this importer.
      return {
        kind: 'skipped',
        reason: `"${(adjustment as { type: string }).type}" has no equal in the compositor`,
      };
  }
}

/** A 3D LUT file's grid; device-link and abstract profiles, and Photoshop's .look, are skipped. */
function colorLookupOf(adjustment: Extract<PsdAdjustment, { type: 'color lookup' }>): MappedAdjustment {
  const { lookupType, lutFormat, lut3DFileData } = adjustment;
  if (lookupType !== '3dlut' || !lut3DFileData) {
    return { kind: 'skipped', reason: 'Color Lookup device-link and abstract profiles are not read' };
  }
  if (lutFormat !== 'cube' && lutFormat !== '3dl') {
    return { kind: 'skipped', reason: `Color Lookup ${lutFormat ? `.${lutFormat} ` : ''}files are not read` };
  }
  const grid = readLutFile(lut3DFileData, lutFormat);
  if ('reason' in grid) return { kind: 'skipped', reason: `Color Lookup: ${grid.reason}` };
  return { kind: 'mapped', filter: filterOf('color_lookup', grid) };
}

/** A solid gradient's colour stops, sorted; noise gradients and unreadable colours are skipped. */
function gradientMapOf(adjustment: Extract<PsdAdjustment, { type: 'gradient map' }>): MappedAdjustment {
  if (adjustment.gradientType === 'noise') return { kind: 'skipped', reason: 'a noise gradient' };
  const stops: Params<'gradient_map'>['stops'] = [];
  // ag-psd divides the stops' locations (stored in 4096ths) by the smoothness: put them back.
  const smoothness = clamp(adjustment.smoothness ?? 1, 0, 1);
  const place = smoothness > 0 ? smoothness : 1;
  for (const stop of (adjustment.colorStops ?? []).slice(0, GRADIENT_STOPS_MAX)) {
    const color = rgbOf(stop.color);
    if (!color) return { kind: 'skipped', reason: 'a gradient colour not given as RGB or Lab' };
    const location = clamp(Number.isFinite(stop.location) ? stop.location * place : 0, 0, 1);
    stops.push({ location, midpoint: clamp(stop.midpoint, 0, 1), color });
  }
  if (stops.length === 0) return { kind: 'skipped', reason: 'a gradient without colour stops' };
  // Photoshop draws a single stop as a flat colour.
  if (stops.length === 1) stops.push({ ...stops[0]! });
  stops.sort((a, b) => a.location - b.location);
  return {
    kind: 'mapped',
    filter: filterOf('gradient_map', {
      stops,
      reverse: adjustment.reverse ?? false,
      smoothness: smoothness * 100,
    }),
  };
}

/**
 * ag-psd reads the colorize settings as the master range's a–d: a holds the colorize flag (its
 * high byte), b–d the colorize hue, saturation and lightness.
 */
function hueSaturationOf(adjustment: Extract<PsdAdjustment, { type: 'hue/saturation' }>): MappedAdjustment {
  const master = adjustment.master;
  const colorize = ((master?.a ?? 0) & 0xff00) !== 0;
  const params = colorize
    ? {
        // Stored as -180 … 180.
        hue: (((master?.b ?? 0) % 360) + 360) % 360,
        saturation: clamp(master?.c ?? 25, 0, 100),
        lightness: clamp(master?.d ?? 0, -100, 100),
        colorize: true,
      }
    : {
        hue: clamp(master?.hue ?? 0, -180, 180),
        saturation: clamp(master?.saturation ?? 0, -100, 100),
        lightness: clamp(master?.lightness ?? 0, -100, 100),
        colorize: false,
      };
  // ag-psd reads each colour range's four hue sliders as a–d.
  const ranges = colorize
    ? []
    : HUE_RANGES.flatMap((name) => {
        const range = adjustment[name];
        if (!range || (range.hue === 0 && range.saturation === 0 && range.lightness === 0)) return [];
        const degrees = (v: number) => clamp(v, 0, 360);
        return [
          {
            hues: [degrees(range.a), degrees(range.b), degrees(range.c), degrees(range.d)] as [
              number,
              number,
              number,
              number,
            ],
            hue: clamp(range.hue, -180, 180),
            saturation: clamp(range.saturation, -100, 100),
            lightness: clamp(range.lightness, -100, 100),
          },
        ];
      });
  return {
    kind: 'mapped',
    filter: filterOf('hue_saturation', { ...params, ...(ranges.length > 0 ? { ranges } : {}) }),
  };
}

/** A colour as 0–255 sRGB: ag-psd gives RGB, or Lab (Photoshop's, D50) scaled to about ±1. */
function rgbOf(color: Color | undefined): [number, number, number] | undefined {
  if (!color) return undefined;
  if ('r' in color) return [clamp(color.r, 0, 255), clamp(color.g, 0, 255), clamp(color.b, 0, 255)];
  if (!('l' in color)) return undefined;
  // ag-psd scales Lab read with a colour space to L/100 and a, b/127 (/128 when negative); a
  // version 3 photo filter stores it unscaled.
  const scaled = Math.abs(color.l) <= 1 && Math.abs(color.a) <= 1 && Math.abs(color.b) <= 1;
  const L = scaled ? color.l * 100 : color.l;
  const a = scaled ? color.a * (color.a < 0 ? 128 : 127) : color.a;
  const b = scaled ? color.b * (color.b < 0 ? 128 : 127) : color.b;
  return labToRgb(L, a, b);
}
