// Brightness/Contrast (Photoshop's non-legacy curve). Photoshop does not publish it; this is
// psd-tools' reverse-engineered model (psd_tools/composite/adjustments.py, MIT), which is far closer
// to Photoshop's composites than GIMP's published formula (on psd-tools' brightnesscontrast_rgb.psd:
// MAD 3.0, worst 13 levels, where GIMP's gave 36.6 and 173), but not exact, so the importer still
// warns. Contrast: a natural cubic spline through (0, 0), (63, 63 − 25c), (191, 191 + 25c),
// (255, 255), c = contrast / 100. Brightness, b = brightness / 150: a bump b·t(1 − t)·h(t) added
// along the diagonal (the curve's point t moves to (t − bump, contrast(t) + bump)), with
// h = ½(|b|(1.65 t^0.35 − t^10) + (1 − |b|)(1.96 t^0.4 + t^4) + t^1.25).
import type { RgbaImage } from '../raster.js';
import { applyLuts, type Lut } from './channel-lut.js';
import { naturalSpline } from './curves.js';

export interface BrightnessContrastParams {
  /** -150 … 150 (legacy: -100 … 100) */
  brightness: number;
  /** -50 … 100 (legacy: -100 … 100) */
  contrast: number;
  legacy?: boolean | undefined;
}

/**
 * Photoshop's legacy formula: brightness added in levels, then contrast stretching about 127 by
 * 100 / (100 − contrast) (flattening by (100 + contrast) / 100 when lowered, a model). On psd-tools'
 * brightnesscontrast_legacy_rgb.psd (brightness 20, contrast 57) it matches Photoshop's composite
 * to within a level (MAD 0.05); about 127.5 instead gives 0.18, contrast before brightness 6.6.
 */
function legacyLut(p: BrightnessContrastParams): Lut {
  const slope = p.contrast > 0 ? 100 / (100 - Math.min(p.contrast, 99.9)) : (100 + p.contrast) / 100;
  const lut: Lut = new Uint8Array(SAMPLES);
  for (let v = 0; v < SAMPLES; v++) {
    lut[v] = Math.min(255, Math.max(0, Math.round((v + p.brightness - 127) * slope + 127)));
  }
  return lut;
}

const SAMPLES = 256;

/** The curve as 256 values (0–1) over inputs 0–255. */
function curveOf(p: BrightnessContrastParams): Float64Array {
  const b = p.brightness / 150;
  const c = p.contrast / 100;
  const contrast = naturalSpline([
    [0, 0],
    [63 / 255, (63 - 25 * c) / 255],
    [191 / 255, (191 + 25 * c) / 255],
    [1, 1],
  ]);
  const strength = Math.abs(b);
  const xs = new Float64Array(SAMPLES);
  const ys = new Float64Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    const t = i / (SAMPLES - 1);
    const h =
      0.5 *
      (strength * (1.65 * t ** 0.35 - t ** 10) + (1 - strength) * (1.96 * t ** 0.4 + t ** 4) + t ** 1.25);
    const bump = b * t * (1 - t) * h;
    xs[i] = t - bump;
    ys[i] = contrast(t) + bump;
  }
  // The moved points, read back at each input by linear interpolation (they stay in order).
  const curve = new Float64Array(SAMPLES);
  let j = 1;
  for (let i = 0; i < SAMPLES; i++) {
    const t = i / (SAMPLES - 1);
    let v: number;
    if (t <= xs[0]!) v = ys[0]!;
    else if (t >= xs[SAMPLES - 1]!) v = ys[SAMPLES - 1]!;
    else {
      while (xs[j]! < t) j++;
      const span = xs[j]! - xs[j - 1]!;
      v = span > 0 ? ys[j - 1]! + ((ys[j]! - ys[j - 1]!) * (t - xs[j - 1]!)) / span : ys[j]!;
    }
    curve[i] = Math.min(1, Math.max(0, v));
  }
  return curve;
}

export function brightnessContrast(image: RgbaImage, params: BrightnessContrastParams): RgbaImage {
  if (params.legacy) {
    const lut = legacyLut(params);
    return applyLuts(image, lut, lut, lut);
  }
  const curve = curveOf(params);
  const lut: Lut = new Uint8Array(SAMPLES);
  for (let v = 0; v < SAMPLES; v++) lut[v] = Math.round(curve[v]! * 255);
  return applyLuts(image, lut, lut, lut);
}
