// A Photoshop gradient as ag-psd reads it → its ramp (the compositor's gradientRamp, which a smart
// object's gradient overlay uses at render time too). Shared by gradient fill layers and overlays.
import { gradientRamp, type ColorStop, type Ramp } from '@platen/compositor';
import type { Color, EffectSolidGradient } from 'ag-psd';

export type Rgb = [number, number, number];
export type { Ramp };

/**
 * The gradient's stops in the compositor's terms, or undefined when a stop's colour cannot be read.
 * ag-psd divides stop locations by the gradient's smoothness (Photoshop stores them out of 4096
 * whatever it is): they are put back here.
 */
export function stopsOf(
  gradient: EffectSolidGradient,
  colorOf: (color: Color | undefined) => Rgb | undefined,
): { colors: ColorStop[]; opacities: { location: number; midpoint: number; opacity: number }[] } | undefined {
  const smoothness = gradient.smoothness;
  const place = smoothness && smoothness > 0 && smoothness <= 1 ? smoothness : 1;
  const colors: ColorStop[] = [];
  for (const stop of gradient.colorStops) {
    const rgb = colorOf(stop.color);
    if (!rgb) return undefined;
    colors.push({ location: stop.location * place, midpoint: stop.midpoint, rgb });
  }
  if (colors.length === 0) return undefined;
  const opacities = gradient.opacityStops.map((stop) => ({
    location: stop.location * place,
    midpoint: stop.midpoint,
    opacity: stop.opacity,
  }));
  return { colors, opacities };
}

/** The gradient's ramp, or undefined when a stop's colour cannot be read. */
export function rampOf(
  gradient: EffectSolidGradient,
  colorOf: (color: Color | undefined) => Rgb | undefined,
  /** Bend each step by Photoshop's smoothness (fitted on fill layers, confirmed on an overlay). */
  { smooth = false }: { smooth?: boolean } = {},
): Ramp | undefined {
  const stops = stopsOf(gradient, colorOf);
  if (!stops) return undefined;
  const smoothness = smooth ? Math.max(0, Math.min(1, gradient.smoothness ?? 0)) : 0;
  return gradientRamp(stops.colors, stops.opacities, smoothness);
}
