// Brightness/Contrast. Photoshop's non-legacy curve is not published; this is GIMP's published
// formula (app/operations/gimpoperationbrightnesscontrast.c), which GIMP models on it: brightness
// moves values toward white or black, then contrast turns the curve about mid-grey by
// slant = tan((contrast + 1) · π/4). Photoshop's ranges map as brightness / 100 and contrast / 100.
import type { RgbaImage } from '../raster.js';
import { applyLuts, lutOf } from './channel-lut.js';

export interface BrightnessContrastParams {
  /** -150 … 150 */
  brightness: number;
  /** -50 … 100 */
  contrast: number;
}

export function brightnessContrastValue(value: number, p: BrightnessContrastParams): number {
  const brightness = p.brightness / 100 / 2;
  const slant = Math.tan((Math.min(p.contrast / 100, 0.99) + 1) * (Math.PI / 4));
  let v = value / 255;
  v = brightness < 0 ? v * (1 + brightness) : v + (1 - v) * brightness;
  v = (v - 0.5) * slant + 0.5;
  return v * 255;
}

export function brightnessContrast(image: RgbaImage, params: BrightnessContrastParams): RgbaImage {
  const lut = lutOf((v) => brightnessContrastValue(v, params));
  return applyLuts(image, lut, lut, lut);
}
