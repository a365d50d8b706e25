// Hue/Saturation's colour ranges (reds … magentas, each with its four hue sliders) as psd-tools
// models them (psd_tools/composite/adjustments.py, MIT, Copyright (c) 2019 Kota Yamaguchi): a
// pixel's weight in a range is a trapezoid over its hue; hue and lightness shifts add up by weight;
// saturation shifts combine through psd-tools' table measured on Photoshop's output over the grid
// (−100, −90, … 100)². On Photoshop's composites: psd-tools' own three huesaturation*_rgb.psd files
// (eleven layers moving the ranges, one per column) MAD 0.16 … 1.33 levels; Aspose's
// HueSaturationAdjustmentLayer.psd, which psd-tools was not fitted on, MAD 0.53, at most 3 off.

/** One range: its four hue sliders in degrees and its shifts (Photoshop's dialog units). */
export interface HueRange {
  /** [begin ramp, begin sustain, end sustain, end ramp], degrees 0 … 360, wrapping through 0. */
  hues: readonly [number, number, number, number];
  hue: number;
  saturation: number;
  lightness: number;
}

/** How much a hue (in turns) lies in the range: 1 between the sustain sliders, linear ramps. */
export function rangeWeight(hue: number, hues: HueRange['hues']): number {
  const turn = (v: number): number => (((v / 360) % 1) + 1) % 1;
  const from = turn(hues[0]);
  const at = (((hue - from) % 1) + 1) % 1;
  const rise = turn(hues[1] - hues[0]);
  const flat = turn(hues[2] - hues[0]);
  const fall = turn(hues[3] - hues[0]);
  if (at >= rise && at <= flat) return 1;
  if (at < rise) return rise > 1e-9 ? at / rise : 0;
  if (at <= fall) return fall - flat > 1e-9 ? (fall - at) / (fall - flat) : 0;
  return 0;
}

// Combined saturation shift (percent) of the shift so far (rows, −100 … 100) and the next range's
// contribution (columns, −100 … 100), on psd-tools' grid.
// prettier-ignore
const SATURATION_GRID = [
  [-100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -100, -89, -76, -58, -35, -1, 32, 56, 74, 88, 100],
  [-100, -100, -100, -100, -100, -100, -100, -100, -100, -99, -90, -79, -66, -48, -25, 9, 36, 58, 75, 88, 100],
  [-100, -100, -100, -100, -100, -100, -100, -100, -99, -89, -80, -69, -56, -38, -15, 17, 41, 59, 76, 88, 100],
  [-100, -100, -100, -100, -100, -100, -100, -99, -90, -79, -70, -59, -46, -28, -5, 22, 44, 61, 76, 89, 100],
  [-100, -100, -100, -100, -100, -100, -99, -89, -79, -70, -60, -49, -36, -18, 5, 28, 47, 62, 77, 89, 100],
  [-100, -100, -100, -100, -100, -99, -90, -79, -70, -60, -49, -39, -26, -8, 13, 33, 49, 64, 77, 89, 100],
  [-100, -100, -100, -100, -99, -90, -79, -70, -60, -50, -40, -29, -16, 2, 21, 37, 52, 65, 78, 89, 100],
  [-100, -100, -100, -99, -89, -79, -70, -59, -50, -40, -30, -19, -6, 11, 26, 41, 54, 66, 78, 89, 100],
  [-100, -100, -99, -90, -79, -70, -60, -50, -40, -30, -20, -9, 4, 19, 31, 44, 56, 67, 79, 89, 100],
  [-100, -99, -89, -79, -70, -60, -50, -40, -30, -19, -10, 1, 13, 24, 36, 47, 58, 68, 79, 89, 100],
  [-100, -90, -80, -70, -60, -49, -40, -30, -20, -10, 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
  [-89, -79, -69, -59, -49, -39, -29, -19, -9, 1, 10, 17, 26, 35, 43, 52, 61, 70, 80, 90, 100],
  [-76, -66, -56, -46, -36, -26, -16, -6, 4, 13, 20, 26, 33, 39, 47, 55, 63, 71, 81, 90, 100],
  [-58, -48, -38, -28, -18, -8, 2, 11, 19, 24, 30, 35, 39, 46, 52, 59, 65, 73, 81, 90, 100],
  [-35, -25, -15, -5, 5, 13, 21, 26, 31, 36, 40, 43, 47, 52, 57, 62, 68, 74, 82, 90, 100],
  [-1, 9, 17, 22, 28, 33, 37, 41, 44, 47, 50, 52, 55, 59, 62, 66, 71, 77, 83, 90, 100],
  [32, 36, 41, 44, 47, 49, 52, 54, 56, 58, 60, 61, 63, 65, 68, 71, 75, 79, 84, 91, 100],
  [56, 58, 59, 61, 62, 64, 65, 66, 67, 68, 70, 70, 71, 73, 74, 77, 79, 82, 86, 91, 100],
  [74, 75, 76, 76, 77, 77, 78, 78, 79, 79, 80, 80, 81, 81, 82, 83, 84, 86, 89, 92, 100],
  [88, 88, 88, 89, 89, 89, 89, 89, 89, 89, 90, 90, 90, 90, 90, 90, 91, 91, 92, 94, 100],
  [100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100],
];

/** The grid read bilinearly; both arguments and the result are fractions, −1 … 1. */
function combinedSaturation(sofar: number, next: number): number {
  const x = (Math.min(1, Math.max(-1, sofar)) + 1) * 10;
  const y = (Math.min(1, Math.max(-1, next)) + 1) * 10;
  const i = Math.min(19, Math.floor(x));
  const j = Math.min(19, Math.floor(y));
  const u = x - i;
  const v = y - j;
  const g = (a: number, b: number): number => SATURATION_GRID[a]![b]! / 100;
  return (
    (1 - u) * (1 - v) * g(i, j) +
    u * (1 - v) * g(i + 1, j) +
    (1 - u) * v * g(i, j + 1) +
    u * v * g(i + 1, j + 1)
  );
}

/**
 * The ranges' combined shifts for a pixel of this hue (turns) into `out`: [hue in turns,
 * saturation −1 … 1, lightness −1 … 1]. Ranges are taken in their order (reds first).
 */
export function rangeShifts(hue: number, ranges: readonly HueRange[], out: Float64Array): void {
  let h = 0;
  let s = 0;
  let l = 0;
  for (const range of ranges) {
    const w = rangeWeight(hue, range.hues);
    const sat = range.saturation / 100;
    h += (range.hue / 360) * w;
    l = Math.min(1, Math.max(-1, l + (range.lightness / 100) * w));
    // Raised saturation reaches further into the ramps than the weight alone (psd-tools' fit).
    const contribution = sat > 0 ? sat * (1 - (1 - w) ** (1.5 / (1 - sat ** 4 + 0.05))) : sat * w;
    s = combinedSaturation(s, contribution);
  }
  out[0] = h;
  out[1] = s;
  out[2] = l;
}
