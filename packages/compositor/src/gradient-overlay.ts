// Photoshop's gradient overlay: a gradient's stops → its colour and alpha at any point 0..1 along it
// (colour and opacity stops interpolated apart, each linearly on either side of a pair's midpoint,
// bent by the smoothness), and where each pixel falls along a linear or reflected gradient. The one
// implementation behind the importer's overlays and gradient fills and a smart object's overlay at
// render time.
import type { Box } from './layer-effect-shapes.js';

export type Ramp = (t: number) => [number, number, number, number];

export interface ColorStop {
  location: number;
  midpoint: number;
  rgb: readonly [number, number, number];
}

export interface OpacityStop {
  location: number;
  midpoint: number;
  opacity: number;
}

/** Sampled once: 4096 steps are finer than 8-bit colour can show. */
const STEPS = 4096;

/**
 * How far Photoshop's smoothness (100 %) bends each stop-to-stop step towards an S-curve: fitted to
 * the pixels Photoshop stored for gradient fill layers (psd-tools' gradient-fill.psd and others),
 * where a 100 % step starts at half the linear slope; on psd-tools' layer_effects.psd it brings an
 * overlay to MAD 0.6 (1.4 with linear steps).
 */
const SMOOTH_WEIGHT = 0.5;

/** The gradient's colour (0..255) and alpha (0..1) along it; `smoothness` 0..1 (0 = linear steps). */
export function gradientRamp(
  colorStops: readonly ColorStop[],
  opacityStops: readonly OpacityStop[],
  smoothness: number,
): Ramp {
  const colors = [...colorStops].sort((a, b) => a.location - b.location);
  const alphas = opacityStops.length
    ? [...opacityStops].sort((a, b) => a.location - b.location)
    : [{ location: 0, midpoint: 0.5, opacity: 1 }];
  const curve = SMOOTH_WEIGHT * Math.max(0, Math.min(1, smoothness));
  const table = Array.from({ length: STEPS + 1 }, (_, i): [number, number, number, number] => {
    const t = i / STEPS;
    const rgb = [0, 1, 2].map((c) => between(colors, t, (stop) => stop.rgb[c]!, curve));
    return [rgb[0]!, rgb[1]!, rgb[2]!, between(alphas, t, (stop) => stop.opacity, curve)];
  });
  return (t) => table[Math.round(Math.max(0, Math.min(1, t)) * STEPS)]!;
}

/**
 * A value between stops (sorted by location) at t: linear on each side of a stop pair's midpoint,
 * then bent by `curve` (0 = linear) towards smoothstep between the pair.
 */
export function between<T extends { location: number; midpoint: number }>(
  stops: readonly T[],
  t: number,
  value: (stop: T) => number,
  curve = 0,
): number {
  const first = stops[0]!;
  const last = stops.at(-1)!;
  if (t <= first.location) return value(first);
  if (t >= last.location) return value(last);
  const next = stops.findIndex((stop) => stop.location >= t);
  const a = stops[next - 1]!;
  const b = stops[next]!;
  const u = b.location > a.location ? (t - a.location) / (b.location - a.location) : 1;
  const m = Math.max(0.01, Math.min(0.99, b.midpoint ?? 0.5));
  const w = u < m ? (0.5 * u) / m : 0.5 + (0.5 * (u - m)) / (1 - m);
  const bent = (1 - curve) * w + curve * w * w * (3 - 2 * w);
  return value(a) + (value(b) - value(a)) * bent;
}

/** Where a gradient lies: its style, direction (degrees counter-clockwise from the right), size and centre. */
export interface GradientPlacement {
  style: 'linear' | 'reflected';
  angle: number;
  /** The gradient's length over the line through the box (1 = edge to edge). */
  scale: number;
  /** The centre moved by this fraction of the box's width and height. */
  offset: { x: number; y: number };
  reverse: boolean;
}

/**
 * Where a canvas pixel (x, y) falls along a gradient spanning `box` (what the layer shows with
 * "align with layer", else the canvas): centred on it (moved by `offset`), running at `angle` over
 * the line through the box's centre at that angle, from edge to edge, times `scale`. That length
 * (not the box's extent along the angle) is what Photoshop drew at 87° on psd-tools'
 * layer_effects.psd: MAD 0.6 over the overlay, 3.0 with the extent.
 */
export function gradientPosition(
  { style, angle, scale, offset, reverse }: GradientPlacement,
  box: Box,
): (x: number, y: number) => number {
  const radians = (angle * Math.PI) / 180;
  const [dx, dy] = [Math.cos(radians), -Math.sin(radians)];
  const across = Math.min(
    Math.abs(dx) > 1e-9 ? box.width / Math.abs(dx) : Infinity,
    Math.abs(dy) > 1e-9 ? box.height / Math.abs(dy) : Infinity,
  );
  const length = across * Math.max(0.1, scale);
  const cx = box.x + box.width / 2 + offset.x * box.width;
  const cy = box.y + box.height / 2 + offset.y * box.height;
  return (x: number, y: number) => {
    const along = ((x + 0.5 - cx) * dx + (y + 0.5 - cy) * dy) / length;
    const t = style === 'linear' ? along + 0.5 : Math.abs(along) * 2;
    return reverse ? 1 - t : t;
  };
}
