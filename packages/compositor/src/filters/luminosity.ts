// The grey Photoshop's Threshold and Gradient Map read from a colour: the 0.30 / 0.59 / 0.11
// luminosity of its non-separable blend modes, rounded to a level. The weights are single-precision
// floats, as Photoshop's: a colour whose luminosity is exactly x.5 in decimals (131, 109, 99 →
// 114.5) falls just below the half and rounds down, as in its composite of threshold_rgb.psd.
const R = Math.fround(0.3);
const G = Math.fround(0.59);
const B = Math.fround(0.11);

export function luminosityLevel(r: number, g: number, b: number): number {
  return Math.round(luminosity(r, g, b));
}

/** Unrounded (0–255): Gradient Map reads it so (a two-stop map matches Photoshop's to MAD 0.01). */
export function luminosity(r: number, g: number, b: number): number {
  return R * r + G * g + B * b;
}
