// Black & White: grey = min + (mid − min) · w(secondary) + (max − mid) · w(primary), where the primary
// colour is the largest channel (reds, greens, blues) and the secondary the mix of the two largest
// (yellows, cyans, magentas) — the model of Photoshop's six-weight mixer (weights in percent,
// -200 … 300; Photoshop's defaults 40, 60, 40, 60, 20, 80 give pure red 102). A tint colours the
// grey as the Color blend mode would (the tint's hue and saturation at the grey's luminosity): on a
// Photoshop CC composite (Aspose's BlackWhiteAdjustmentLayerStripesMask2.psd) MAD 0.63, at most 2
// levels off, where the plain grey was 31 off.
import type { RgbaImage } from '../raster.js';
import { RGB_BLEND_FUNCTIONS } from '../rgb-blend-modes.js';
import { mapPixels } from './channel-lut.js';

export interface BlackWhiteParams {
  reds: number;
  yellows: number;
  greens: number;
  cyans: number;
  blues: number;
  magentas: number;
  /** The tint colour (0–255 RGB), or none for a plain grey result. */
  tint?: readonly [number, number, number] | undefined;
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

const colorBlend = RGB_BLEND_FUNCTIONS.color;

export function blackWhite(image: RgbaImage, params: BlackWhiteParams): RgbaImage {
  const tint = params.tint?.map((v) => v / 255);
  return mapPixels(image, (r, g, b, out) => {
    const grey = blackWhiteGrey(r, g, b, params);
    if (!tint) {
      out[0] = grey;
      out[1] = grey;
      out[2] = grey;
      return;
    }
    const v = grey / 255;
    colorBlend(v, v, v, tint[0]!, tint[1]!, tint[2]!, out);
    for (let c = 0; c < 3; c++) out[c] = out[c]! * 255;
  });
}
