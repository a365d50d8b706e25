// A Photoshop gradient's stops → its colour and alpha at any point 0..1 along it: colour and
// opacity stops are interpolated apart, each linearly on either side of a pair's midpoint. Shared
// by gradient fill layers and gradient overlays.
import type { Color, EffectSolidGradient } from 'ag-psd';

export type Rgb = [number, number, number];
export type Ramp = (t: number) => [number, number, number, number];

/** Sampled once: 4096 steps are finer than 8-bit colour can show. */
const STEPS = 4096;

/**
 * The gradient's ramp, or undefined when a stop's colour cannot be read. ag-psd divides stop
 * locations by the gradient's smoothness (Photoshop stores them out of 4096 whatever it is): they
 * are put back here.
 */
export function rampOf(
  gradient: EffectSolidGradient,
  colorOf: (color: Color | undefined) => Rgb | undefined,
  /** Bend each step by Photoshop's smoothness (fitted on fill layers, confirmed on an overlay). */
  { smooth = false }: { smooth?: boolean } = {},
): Ramp | undefined {
  const smoothness = gradient.smoothness;
  const place = smoothness && smoothness > 0 && smoothness <= 1 ? smoothness : 1;
  const colors = gradient.colorStops.map((stop) => ({
    location: stop.location * place,
    midpoint: stop.midpoint,
    rgb: colorOf(stop.color),
  }));
  if (colors.length === 0 || colors.some((stop) => !stop.rgb)) return undefined;
  const opacities = gradient.opacityStops.length
    ? gradient.opacityStops.map((stop) => ({ ...stop, location: stop.location * place }))
    : [{ location: 0, midpoint: 0.5, opacity: 1 }];
  colors.sort((a, b) => a.location - b.location);
  const alphas = [...opacities].sort((a, b) => a.location - b.location);
  const curve = smooth ? SMOOTH_WEIGHT * Math.max(0, Math.min(1, smoothness ?? 0)) : 0;
  const table = Array.from({ length: STEPS + 1 }, (_, i): [number, number, number, number] => {
    const t = i / STEPS;
    const rgb = [0, 1, 2].map((c) => between(colors, t, (stop) => stop.rgb![c]!, curve));
    return [rgb[0]!, rgb[1]!, rgb[2]!, between(alphas, t, (stop) => stop.opacity, curve)];
  });
  return (t) => table[Math.round(Math.max(0, Math.min(1, t)) * STEPS)]!;
}

/**
 * How far Photoshop's smoothness (100 %) bends each stop-to-stop step towards an S-curve: fitted to
 * the pixels Photoshop stored for gradient fill layers (psd-tools' gradient-fill.psd and others),
 * where a 100 % step starts at half the linear slope.
 */
const SMOOTH_WEIGHT = 0.5;

/**
 * A value between stops (sorted by location) at t: linear on each side of a stop pair's midpoint,
 * then bent by `curve` (0 = linear) towards smoothstep between the pair.
 */
export function between<T extends { location: number; midpoint: number }>(
  stops: T[],
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
