// Colour painted into a layer's own pixels, as Photoshop's overlays and inner effects are: only
// where the layer is, its alpha kept. Shared by the PSD importer (baked pixel layers) and renders
// (a smart object's interior effects, painted into the artwork it shows).
import type { BlendMode } from './template-model.js';

export type ChannelBlend = (backdrop: number, source: number) => number;

/** The per-channel blends an overlay or inner effect can use, on 0..1 values. */
export const INTERIOR_BLENDS: Partial<Record<BlendMode, ChannelBlend>> = {
  normal: (_b, s) => s,
  multiply: (b, s) => b * s,
  screen: (b, s) => b + s - b * s,
  darken: Math.min,
  lighten: Math.max,
  difference: (b, s) => Math.abs(b - s),
  'linear-dodge': (b, s) => Math.min(1, b + s),
  'linear-burn': (b, s) => Math.max(0, b + s - 1),
};

interface Pixels {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/**
 * A copy of `layer` (straight RGBA) with a colour painted over its pixels where they are (alpha
 * kept), from `source(x, y)` = r, g, b (0..255), alpha (0..1) in the layer's own coordinates.
 */
export function paintInside<T extends Pixels>(
  layer: T,
  mix: ChannelBlend,
  opacity: number,
  source: (x: number, y: number) => readonly [number, number, number, number],
): T {
  const data = new Uint8ClampedArray(layer.data);
  const o = Math.max(0, Math.min(1, opacity));
  for (let row = 0; row < layer.height; row++) {
    for (let col = 0; col < layer.width; col++) {
      const i = (row * layer.width + col) * 4;
      if (data[i + 3] === 0) continue;
      const over = source(col, row);
      const weight = over[3] * o;
      if (weight === 0) continue;
      for (let c = 0; c < 3; c++) {
        const b = data[i + c]! / 255;
        data[i + c] = Math.round((b + (mix(b, over[c]! / 255) - b) * weight) * 255);
      }
    }
  }
  return { ...layer, data };
}

/** A plane over the layer's own box as a colour source for `paintInside`. */
export function planeColor(plane: Float32Array & { width: number }, [r, g, b]: readonly number[]) {
  // One tuple reused: `paintInside` reads it before asking for the next pixel.
  const out: [number, number, number, number] = [r!, g!, b!, 0];
  return (x: number, y: number) => {
    out[3] = plane[y * plane.width + x]!;
    return out;
  };
}
