// A colour stored in a Photoshop descriptor (RGB, Lab or HSB object) → sRGB 0–255. Photoshop's Lab
// is CIE L*a*b* relative to D50; it is adapted to sRGB's D65 white with the Bradford transform.
import { z } from 'zod';

const num = z.number().finite();
const rgb = z.object({ _classID: z.literal('RGBC'), 'Rd  ': num, 'Grn ': num, 'Bl  ': num });
const lab = z.object({ _classID: z.literal('LbCl'), Lmnc: num, 'A   ': num, 'B   ': num });
const hsb = z.object({
  _classID: z.literal('HSBC'),
  'H   ': z.object({ units: z.literal('Angle'), value: num }),
  Strt: num,
  Brgh: num,
});
const descriptorColor = z.discriminatedUnion('_classID', [rgb, lab, hsb]);

export type Rgb = [number, number, number];

const clamp255 = (v: number): number => Math.min(255, Math.max(0, v));
const round3 = (v: number): number => Math.round(v * 1000) / 1000;

const D50 = [0.9642, 1, 0.8249] as const;
const BRADFORD_D50_TO_D65 = [
  [0.9555766, -0.0230393, 0.0631636],
  [-0.0282895, 1.0099416, 0.0210077],
  [0.0122982, -0.020483, 1.3299098],
] as const;
const XYZ_D65_TO_LINEAR_SRGB = [
  [3.2404542, -1.5371385, -0.4985314],
  [-0.969266, 1.8760108, 0.041556],
  [0.0556434, -0.2040259, 1.0572252],
] as const;

type Matrix = readonly (readonly [number, number, number])[];
const times = (m: Matrix, v: readonly number[]): number[] =>
  m.map((row) => row[0] * v[0]! + row[1] * v[1]! + row[2] * v[2]!);

const encodeSrgb = (c: number): number => (c <= 0.0031308 ? c * 12.92 : 1.055 * Math.pow(c, 1 / 2.4) - 0.055);

export function labToRgb(l: number, a: number, b: number): Rgb {
  const fy = (l + 16) / 116;
  const finv = (t: number): number => (t ** 3 > 216 / 24389 ? t ** 3 : (116 * t - 16) / (24389 / 27));
  const xyz50 = [finv(fy + a / 500) * D50[0], finv(fy) * D50[1], finv(fy - b / 200) * D50[2]];
  const linear = times(XYZ_D65_TO_LINEAR_SRGB, times(BRADFORD_D50_TO_D65, xyz50));
  return linear.map((c) => round3(clamp255(encodeSrgb(Math.min(1, Math.max(0, c))) * 255))) as Rgb;
}

function hsbToRgb(hueDegrees: number, saturation: number, brightness: number): Rgb {
  const h = (((hueDegrees % 360) + 360) % 360) / 60;
  const s = Math.min(1, Math.max(0, saturation / 100));
  const v = Math.min(1, Math.max(0, brightness / 100));
  const f = (n: number): number => {
    const k = (n + h) % 6;
    return v - v * s * Math.max(0, Math.min(k, 4 - k, 1));
  };
  return [f(5), f(3), f(1)].map((c) => round3(c * 255)) as Rgb;
}

/** sRGB 0–255, or undefined for a colour model it does not convert (CMYK, greyscale…). */
export function descriptorColorToRgb(value: unknown): Rgb | undefined {
  const parsed = descriptorColor.safeParse(value);
  if (!parsed.success) return undefined;
  const color = parsed.data;
  switch (color._classID) {
    case 'RGBC':
      return [color['Rd  '], color['Grn '], color['Bl  ']].map((c) => round3(clamp255(c))) as Rgb;
    case 'LbCl':
      return labToRgb(color.Lmnc, color['A   '], color['B   ']);
    case 'HSBC':
      return hsbToRgb(color['H   '].value, color.Strt, color.Brgh);
  }
}
