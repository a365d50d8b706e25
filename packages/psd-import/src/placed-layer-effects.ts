// A placed layer's effects that renders draw from each artwork (the smart object's `effects`):
// drop shadows, outer glows, gradient and colour overlays, inner glows, inner shadows and colour strokes with
// settings the render-time path reproduces (the same ones the import draws on a pixel layer).
// Everything else stays with the import (baked or warned about by layer-effects.ts), which gets the
// layer's effects without these.
import { INTERIOR_BLEND_MODES, type SmartObjectEffect } from '@platen/compositor';

type InteriorBlendMode = (typeof INTERIOR_BLEND_MODES)[number];
import type { LayerEffectsInfo } from 'ag-psd';
import { toBlendMode } from './blend-modes.js';
import {
  effectScaleOf,
  fullRange,
  gradientOverlayOf,
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
  /** Overlays and inner effects with settings renders do not reproduce (left out of `rest` too). */
  declined: { effect: string; reason: string }[];
  /** The layer's effects without those moved or declined. */
  rest: LayerEffectsInfo;
  /** Set when the effects' recorded scale multiplies their sizes (not confirmed against Photoshop). */
  scale?: number;
}

/** The compositor's name of a blend mode an interior effect can use, or undefined. */
function interiorBlendOf(photoshop: string): InteriorBlendMode | undefined {
  const mode = toBlendMode(photoshop);
  return INTERIOR_BLEND_MODES.find((allowed) => allowed === mode);
}

const hexOf = (rgb: Rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
const unit = (value: number | undefined) => Math.max(0, Math.min(1, value ?? 1));
const round = (value: number) => Math.round(value * 1000) / 1000;

/** A drop or inner shadow's parameters in the template model, from its read colour, blend and sizes. */
function shadowParams<Blend extends string>(
  shadow: {
    opacity?: number;
    choke?: Parameters<typeof percent>[0];
    angle?: number;
    useGlobalLight?: boolean;
  },
  read: { color: Rgb; blend: Blend; size: number; distance: number },
  globalAngle: number,
) {
  const angle = shadow.useGlobalLight ? globalAngle : (shadow.angle ?? globalAngle);
  return {
    color: hexOf(read.color),
    opacity: unit(shadow.opacity),
    blend_mode: read.blend,
    angle: Math.max(-360, Math.min(360, angle)),
    distance: round(read.distance),
    size: round(read.size),
    spread: percent(shadow.choke),
  };
}

export function placedLayerEffectsOf(
  info: LayerEffectsInfo,
  globalAngle: number,
  ppi: number,
  /** The document's canvas, which an overlay not aligned with the layer spans. */
  canvas: { width: number; height: number },
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
    below.push({
      type: 'drop_shadow',
      ...shadowParams(shadow, { color, blend, size, distance }, globalAngle),
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
  const inside: SmartObjectEffect[] = [];
  const declined: PlacedLayerEffects['declined'] = [];
  const decline = (effect: object, name: string, reason: string) => {
    moved.add(effect);
    declined.push({ effect: name, reason });
  };
  for (const fill of [...listOf(info.gradientOverlay)].reverse()) {
    const read = gradientOverlayOf(fill);
    const blend = 'reason' in read ? undefined : interiorBlendOf(read.blend);
    if ('reason' in read || !blend) {
      decline(fill, 'gradient overlay', 'reason' in read ? read.reason : 'its blend mode is not supported');
      continue;
    }
    const stop = <T extends { location: number; midpoint: number }>(at: T) => ({
      location: round(Math.max(0, Math.min(1, at.location))),
      midpoint: round(Math.max(0, Math.min(1, at.midpoint ?? 0.5))),
    });
    inside.push({
      type: 'gradient_overlay',
      opacity: round(read.opacity),
      blend_mode: blend,
      ...read.placement,
      smoothness: round(read.smoothness),
      colors: read.stops.colors.map((at) => ({ ...stop(at), color: hexOf([...at.rgb] as Rgb) })),
      opacities: read.stops.opacities.map((at) => ({ ...stop(at), opacity: unit(at.opacity) })),
      ...(read.align ? {} : { area: { x: 0, y: 0, width: canvas.width, height: canvas.height } }),
    });
    moved.add(fill);
    names.add('gradient overlay');
  }
  for (const fill of [...listOf(info.solidFill)].reverse()) {
    const color = rgbOf(fill.color);
    const blend = interiorBlendOf(fill.blendMode ?? 'normal');
    if (!color || !blend) {
      decline(fill, 'color overlay', `its "${fill.blendMode}" blend mode is not supported on an overlay`);
      continue;
    }
    inside.push({
      type: 'color_overlay',
      color: hexOf(color),
      opacity: unit(fill.opacity),
      blend_mode: blend,
    });
    moved.add(fill);
    names.add('color overlay');
  }
  for (const glow of listOf(info.innerGlow)) {
    const color = rgbOf(glow.color);
    const blend = interiorBlendOf(glow.blendMode ?? 'screen');
    const size = pixelsOf(glow.size, factor);
    if (!color || !blend || size === undefined) {
      decline(
        glow,
        'inner glow',
        'its colour, units or blend mode cannot be read or is not supported inside a layer',
      );
    } else if (
      (glow.source ?? 'edge') !== 'edge' ||
      !linearContour(glow.contour) ||
      (glow.noise ?? 0) > 0 ||
      !fullRange(glow.range)
    ) {
      decline(
        glow,
        'inner glow',
        'its source is the centre, or its contour or noise is not the default, or its range is not 100 %',
      );
    } else {
      inside.push({
        type: 'inner_glow',
        color: hexOf(color),
        opacity: unit(glow.opacity),
        blend_mode: blend,
        size: round(size),
        spread: percent(glow.choke),
      });
      moved.add(glow);
      names.add('inner glow');
    }
  }
  for (const shadow of [...listOf(info.innerShadow)].reverse()) {
    const color = rgbOf(shadow.color);
    const blend = interiorBlendOf(shadow.blendMode ?? 'multiply');
    const size = pixelsOf(shadow.size, factor);
    const distance = pixelsOf(shadow.distance, factor);
    if (!color || !blend || size === undefined || distance === undefined) {
      decline(
        shadow,
        'inner shadow',
        'its colour, units or blend mode cannot be read or is not supported inside a layer',
      );
    } else if (!linearContour(shadow.contour)) {
      decline(shadow, 'inner shadow', 'its contour is not linear');
    } else {
      inside.push({
        type: 'inner_shadow',
        ...shadowParams(shadow, { color, blend, size, distance }, globalAngle),
      });
      moved.add(shadow);
      names.add('inner shadow');
    }
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
  rest.solidFill = kept(info.solidFill);
  rest.gradientOverlay = kept(info.gradientOverlay);
  rest.innerShadow = kept(info.innerShadow);
  rest.innerGlow = info.innerGlow && moved.has(info.innerGlow) ? undefined : info.innerGlow;
  return {
    effects: [...below, ...inside, ...above],
    names: [...names],
    declined,
    rest,
    ...(confirmed ? {} : { scale: factor }),
  };
}
