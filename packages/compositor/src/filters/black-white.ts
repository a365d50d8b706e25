// Black & White: grey = min + (mid − min) · w(secondary) + (max − mid) · w(primary), where the primary
// colour is the largest channel (reds, greens, blues) and the secondary the mix of the two largest
// (yellows, cyans, magentas) — the model of Photoshop's six-weight mixer (weights in percent,
// -200 … 300; Photoshop's defaults 40, 60, 40, 60, 20, 80 give pure red 102).
import type { RgbaImage } from '../raster.js';
import { mapPixels } from './channel-lut.js';

export interface BlackWhiteParams {
  reds: number;
  yellows: number;
  greens: number;
  cyans: number;
  blues: number;
  magentas: number;
}

export function blackWhiteGrey(r: number, g: number, b: number, p: BlackWhiteParams): number {
  const min = Math.min(r, g, b);
  let primary: number;
  let secondary: number;
  let mid: number;
  if (r >= g && r >= b) {
    primary = p.reds;
    mid = Math.max(g, b);
    secondary = g >= b ? p.yellows : p.magentas;
  } else if (g >= b) {
    primary = p.greens;
    mid = Math.max(r, b);
    secondary = r >= b ? p.yellows : p.cyans;
  } else {
    primary = p.blues;
    mid = Math.max(r, g);
    secondary = r >= g ? p.magentas : p.cyans;
  }
  const max = Math.max(r, g, b);
  const grey = min + ((mid - min) * secondary) / 100 + ((max - mid) * primary) / 100;
  return Math.min(255, Math.max(0, grey));
}

export function blackWhite(image: RgbaImage, params: BlackWhiteParams): RgbaImage {
  return mapPixels(image, (r, g, b, out) => {
    const grey = blackWhiteGrey(r, g, b, params);
    out[0] = grey;
    out[1] = grey;
    out[2] = grey;
  });
}
