// A placed layer's effects that renders draw from each artwork (the smart object's `effects`):
// drop shadows, outer glows and colour strokes with settings the render-time path reproduces.
// Everything else stays with the import (baked or warned about by layer-effects.ts), which gets the
// layer's effects without these.
import type { SmartObjectEffect } from '@platen/compositor';
import type { LayerEffectsInfo } from 'ag-psd';
import { toBlendMode } from './blend-modes.js';
import {
  effectScaleOf,
  fullRange,
  linearContour,
  listOf,
  percent,
  pixelsOf,
  rgbOf,
  type Rgb,
} from './layer-effects.js';

export interface PlacedLayerEffects {
  /** Bottom → top within each place (shadows and glows under the artwork, strokes over it). */
  effects: SmartObjectEffect[];
  /** The names of the effects moved to render time, once per kind (for warnings about them). */
  names: string[];
  /** The layer's effects without those moved. */
  rest: LayerEffectsInfo;
  /** Set when the effects' recorded scale multiplies their sizes (not confirmed against Photoshop). */
  scale?: number;
}

const hexOf = (rgb: Rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
const unit = (value: number | undefined) => Math.max(0, Math.min(1, value ?? 1));
const round = (value: number) => Math.round(value * 1000) / 1000;

export function placedLayerEffectsOf(
  info: LayerEffectsInfo,
  globalAngle: number,
  ppi: number,
): PlacedLayerEffects {
  const { factor, confirmed } = effectScaleOf(info, ppi);
  const below: SmartObjectEffect[] = [];
  const above: SmartObjectEffect[] = [];
  const moved = new Set<object>();
  const names = new Set<string>();
  // Photoshop lists several of a kind top first.
  for (const shadow of [...listOf(info.dropShadow)].reverse()) {
    const blend = toBlendMode(shadow.blendMode ?? 'multiply');
    const color = rgbOf(shadow.color);
    const size = pixelsOf(shadow.size, factor);
    const distance = pixelsOf(shadow.distance, factor);
    if (!blend || !color || size === undefined || distance === undefined) continue;
    if (!linearContour(shadow.contour)) continue;
    const angle = shadow.useGlobalLight ? globalAngle : (shadow.angle ?? globalAngle);
    below.push({
      type: 'drop_shadow',
      color: hexOf(color),
      opacity: unit(shadow.opacity),
      blend_mode: blend,
      angle: Math.max(-360, Math.min(360, angle)),
      distance: round(distance),
      size: round(size),
      spread: percent(shadow.choke),
    });
    moved.add(shadow);
    names.add('drop shadow');
  }
  for (const glow of listOf(info.outerGlow)) {
    const blend = toBlendMode(glow.blendMode ?? 'screen');
    const color = rgbOf(glow.color);
    const size = pixelsOf(glow.size, factor);
    if (!blend || !color || size === undefined) continue;
    if (!linearContour(glow.contour) || (glow.noise ?? 0) > 0 || !fullRange(glow.range)) continue;
    below.push({
      type: 'outer_glow',
      color: hexOf(color),
      opacity: unit(glow.opacity),
      blend_mode: blend,
      size: round(size),
      spread: percent(glow.choke),
    });
    moved.add(glow);
    names.add('outer glow');
  }
  for (const stroke of [...listOf(info.stroke)].reverse()) {
    const blend = toBlendMode(stroke.blendMode ?? 'normal');
    const color = rgbOf(stroke.color);
    const size = pixelsOf(stroke.size, factor);
    if ((stroke.fillType ?? 'color') !== 'color' || !blend || !color || size === undefined) continue;
    above.push({
      type: 'stroke',
      color: hexOf(color),
      opacity: unit(stroke.opacity),
      blend_mode: blend,
      size: round(size),
      position: stroke.position ?? 'outside',
    });
    moved.add(stroke);
    names.add('stroke');
  }
  const rest: LayerEffectsInfo = { ...info };
  const kept = <T extends object>(list: T[] | undefined) => list?.filter((effect) => !moved.has(effect));
  rest.dropShadow = kept(info.dropShadow);
  rest.outerGlow = info.outerGlow && moved.has(info.outerGlow) ? undefined : info.outerGlow;
  rest.stroke = kept(info.stroke);
  return {
    effects: [...below, ...above],
    names: [...names],
    rest,
    ...(confirmed ? {} : { scale: factor }),
  };
}
