// A pixel layer's Photoshop layer effects baked at import: drop shadows and the outer glow become
// static layers under the layer, colour overlays are merged into its pixels, colour strokes become a
// static layer over it. Each effect that cannot be reproduced is named, so the importer warns for it
// and for nothing else. The shapes (blur, spread, stroke) are the compositor's (layer-effect-shapes.ts),
// which draws a smart object's effects from its artwork at render time the same way.
import type { BlendMode, Plane } from '@platen/compositor';
import type { ChannelBlend, GradientPlacement } from '@platen/compositor';
import {
  coloredPlane,
  GRADIENT_STOPS_MAX,
  gradientPosition,
  gradientRamp,
  INTERIOR_BLENDS,
  innerShape,
  paintInside,
  planeColor,
  shownBox,
  softShape,
  strokeShape,
} from '@platen/compositor';
import type {
  Color,
  EffectContour,
  Layer,
  LayerEffectGradientOverlay,
  LayerEffectShadow,
  LayerEffectsInfo,
  UnitsValue,
} from 'ag-psd';
import { toBlendMode } from './blend-modes.js';
import { stopsOf } from './gradient-ramp.js';
import type { Box, Rgba } from './pixels.js';

export type Placed = Rgba & { box: Box };

/** One effect drawn as its own static layer. */
export interface EffectLayer {
  /** The effect's name as Photoshop shows it ("drop shadow"). */
  effect: string;
  pixels: Placed;
  blend: BlendMode;
  /** The effect's own opacity (the layer's fades the layer and its effects as one). */
  opacity: number;
}

export interface BakedEffects {
  below: EffectLayer[];
  /** The layer's pixels with its overlays merged in. */
  pixels: Placed;
  above: EffectLayer[];
  /** Effects that are enabled but not reproduced, each with why. */
  skipped: { effect: string; reason: string }[];
  /** Effects that are drawn close to, not exactly as, Photoshop draws them. */
  approximated: { effect: string; reason: string }[];
}

export type Rgb = [number, number, number];

/** Photoshop's default global light angle, for documents that do not store one. */
export const DEFAULT_GLOBAL_ANGLE = 120;
/** No effect reaches further than this (Photoshop's own limits: size 250, distance 30 000). */
const MAX_REACH = 1000;

const enabled = (effect: { enabled?: boolean; present?: boolean } | undefined) =>
  !!effect && effect.enabled !== false && effect.present !== false;

/** A list of the enabled effects of one kind (ag-psd gives some kinds as arrays, some as one). */
export function listOf<T extends { enabled?: boolean }>(value: T | T[] | undefined): T[] {
  return (Array.isArray(value) ? value : value ? [value] : []).filter(enabled).slice(0, MAX_PER_KIND);
}

/** Photoshop allows 10 effects of a kind on a layer: more is a crafted file. */
const MAX_PER_KIND = 10;
/** The largest area one effect is drawn over (its work planes take about 36 bytes a pixel). */
export const EFFECT_AREA_MAX = 25_000_000;
/** What all the effects of one import may draw together (their layers stay in memory until encoded). */
export const EFFECT_BUDGET = 100_000_000;

/** How many pixels the layer's effects work on: each effect over the layer grown by its reach. */
function costOf(
  effects: LayerEffectsInfo,
  layer: Placed,
  canvas: { width: number; height: number },
  scale: number,
) {
  const all = (Object.keys(NAMES) as (keyof typeof NAMES)[]).flatMap((key) =>
    listOf(effects[key] as { enabled?: boolean; size?: UnitsValue; distance?: UnitsValue } | undefined),
  );
  const reach = Math.max(
    0,
    ...all.map((effect) => (pixelsOf(effect.size, scale) ?? 0) + (pixelsOf(effect.distance, scale) ?? 0) + 3),
  );
  const area = Math.min(canvas.width * canvas.height, (layer.width + 2 * reach) * (layer.height + 2 * reach));
  return { each: Math.max(area, layer.width * layer.height), total: all.length * area };
}

export function rgbOf(color: Color | undefined): Rgb | undefined {
  if (!color) return [0, 0, 0];
  if ('r' in color && 'g' in color) return [color.r, color.g, color.b].map(clampByte) as Rgb;
  if ('fr' in color) return [color.fr, color.fg, color.fb].map((v) => clampByte(v * 255)) as Rgb;
  if ('k' in color && !('c' in color)) {
    const grey = clampByte(255 - (color.k / 100) * 255);
    return [grey, grey, grey];
  }
  return undefined;
}

const clampByte = (value: number) => Math.max(0, Math.min(255, Math.round(value)));

/**
 * Pixels (times the effects' scale), or undefined for units that depend on the resolution
 * (points, millimetres…).
 */
export function pixelsOf(value: UnitsValue | undefined, scale: number): number | undefined {
  if (!value) return 0;
  if (value.units !== 'Pixels') return undefined;
  return Math.max(0, Math.min(MAX_REACH, value.value * scale));
}

/**
 * How much the effects' sizes and distances are multiplied by. Photoshop records a scale with a
 * layer's effects ("Scl "): in every real document seen (51 files of psd-tools, ag-psd and
 * PhotoshopAPI, at 72, 150, 300 and 600 ppi) it is the resolution over 72 while the effects draw
 * at their stored pixel sizes (psd-tools layer_effects.psd: 6 px stroke, scale 208 % at 150 ppi).
 * It is taken as relative to that: a scale other than the resolution's multiplies them, which no
 * Photoshop composite has confirmed yet.
 */
export function effectScaleOf(
  effects: LayerEffectsInfo,
  ppi: number,
): { factor: number; confirmed: boolean } {
  const recorded = effects.scale ?? 1;
  const resolution = ppi > 0 && Number.isFinite(ppi) ? ppi / 72 : 1;
  const factor = Number.isFinite(recorded) && recorded > 0 ? recorded / resolution : 1;
  if (Math.abs(factor - 1) < 0.001) return { factor: 1, confirmed: true };
  return { factor: Math.max(0.01, Math.min(100, factor)), confirmed: false };
}

export const percent = (value: UnitsValue | undefined) => Math.max(0, Math.min(100, value?.value ?? 0)) / 100;

/**
 * A glow's range at 100 %, where a linear contour leaves the glow as it is (ag-psd gives the range
 * as a fraction). Photoshop's default is 50 %, which draws a wider, stronger glow than this model
 * (psd-tools layer_effects.psd), so only 100 % is drawn.
 */
export const fullRange = (range: number | undefined) => Math.abs((range ?? 1) - 1) < 0.005;

export function linearContour(contour: EffectContour | undefined): boolean {
  if (!contour) return true;
  const curve = contour.curve ?? [];
  return curve.every((point) => Math.abs(point.x - point.y) < 1);
}

/**
 * The effects of a layer whose effects are baked: a normal pixel or placed layer, not clipped; a
 * placed layer without fill opacity (its render-time effects would fade with it). A masked layer's
 * effects are drawn from what its masks leave of it (the importer applies them first), except that
 * with "Layer Mask Hides Effects" a vector mask would shape them while the layer mask hides them:
 * not reproduced.
 */
export function effectsToBake(layer: Layer): LayerEffectsInfo | undefined {
  const effects = layer.effects;
  if (!effects || effects.disabled || namesOf(effects).length === 0) return undefined;
  if (layer.clipping) return undefined;
  const ownVector = layer.vectorMask && !layer.vectorMask.disable && !layer.vectorFill;
  if (layer.layerMaskAsGlobalMask && ownVector) return undefined;
  if ((layer.blendMode ?? 'normal') !== 'normal') return undefined;
  if (layer.placedLayer && (layer.fillOpacity ?? 1) !== 1) return undefined;
  return effects;
}

/** Draws the effects it can; names the ones it cannot in `skipped`. */
export function bakeEffects(
  effects: LayerEffectsInfo,
  layer: Placed,
  canvas: { width: number; height: number },
  globalAngle: number,
  {
    interior,
    budget,
    ppi = 72,
    fill = 1,
    interiorAsGroup = false,
  }: {
    interior: boolean;
    budget: { pixels: number };
    /** The document's resolution, which the effects' recorded scale is relative to. */
    ppi?: number;
    /** The layer's fill opacity: it fades the layer's pixels (the caller's), not its effects. */
    fill?: number;
    /** "Blend Interior Effects as Group": overlays and inner effects fade with the fill. */
    interiorAsGroup?: boolean;
  },
): BakedEffects {
  const baked: BakedEffects = { below: [], pixels: layer, above: [], skipped: [], approximated: [] };
  const skip = (effect: string, reason: string) => baked.skipped.push({ effect, reason });
  const { factor: scale, confirmed } = effectScaleOf(effects, ppi);
  if (!confirmed) {
    for (const effect of namesOf(effects)) {
      baked.approximated.push({
        effect,
        reason: `the effects are scaled by ${Math.round(scale * 1000) / 10} %: sizes and distances are multiplied by it, which is not confirmed against Photoshop`,
      });
    }
  }
  const cost = costOf(effects, layer, canvas, scale);
  if (cost.each > EFFECT_AREA_MAX || cost.total > budget.pixels) {
    for (const effect of namesOf(effects)) {
      skip(effect, "the document's effects cover more pixels than an import draws");
    }
    return baked;
  }
  budget.pixels -= cost.total;
  for (const key of Object.keys(NAMES) as (keyof typeof NAMES)[]) {
    const value = effects[key];
    if (Array.isArray(value) && value.filter(enabled).length > MAX_PER_KIND) {
      skip(NAMES[key], `the layer has more than ${MAX_PER_KIND}: only the first ${MAX_PER_KIND} are drawn`);
    }
  }

  const translucent = fill < 1;
  // Photoshop lists several drop shadows top first; under the layer they are drawn bottom first.
  for (const shadow of [...listOf(effects.dropShadow)].reverse()) {
    const blend = toBlendMode(shadow.blendMode ?? 'multiply');
    const color = rgbOf(shadow.color);
    const size = pixelsOf(shadow.size, scale);
    const distance = pixelsOf(shadow.distance, scale);
    if (!blend || !color || size === undefined || distance === undefined) {
      skip('drop shadow', 'its colour, units or blend mode cannot be read');
    } else if (!linearContour(shadow.contour)) {
      skip('drop shadow', 'its contour is not linear');
    } else {
      const angle = ((shadow.useGlobalLight ? globalAngle : (shadow.angle ?? globalAngle)) * Math.PI) / 180;
      // The light comes from `angle` (counter-clockwise from the right): the shadow falls away from it.
      const offset = {
        x: Math.round(-Math.cos(angle) * distance),
        y: Math.round(Math.sin(angle) * distance),
      };
      const alpha = softShape(layer, canvas, { size, spread: percent(shadow.choke), offset });
      // "Layer Knocks Out Drop Shadow" (on unless unticked): under a translucent fill it stays hidden.
      if (alpha && translucent && shadow.layerConceals !== false) knockOut(alpha, layer);
      if (alpha) baked.below.push(effectLayer('drop shadow', alpha, color, blend, shadow.opacity));
    }
  }
  for (const glow of listOf(effects.outerGlow)) {
    const blend = toBlendMode(glow.blendMode ?? 'screen');
    const color = rgbOf(glow.color);
    const size = pixelsOf(glow.size, scale);
    if (!blend || !color || size === undefined) {
      skip('outer glow', 'its colour, units or blend mode cannot be read');
    } else if (translucent) {
      skip('outer glow', "the layer's fill opacity is below 100 %, which is not reproduced for a glow");
    } else if (!linearContour(glow.contour) || (glow.noise ?? 0) > 0 || !fullRange(glow.range)) {
      skip('outer glow', 'its contour or noise is not the default, or its range is not 100 %');
    } else {
      const alpha = softShape(layer, canvas, { size, spread: percent(glow.choke), offset: { x: 0, y: 0 } });
      if (alpha) baked.below.push(effectLayer('outer glow', alpha, color, blend, glow.opacity));
    }
  }
  for (const effect of ['bevel', 'satin', 'patternOverlay'] as const) {
    if (listOf(effects[effect]).length) skip(NAMES[effect], 'this effect is not supported yet');
  }
  if (!interior) {
    // On a placed layer these colour the artwork, which is only known at render time.
    for (const effect of ['gradientOverlay', 'solidFill', 'innerGlow', 'innerShadow'] as const) {
      if (listOf(effects[effect] as { enabled?: boolean } | undefined).length) {
        skip(NAMES[effect], 'on a placed layer it would colour the artwork, which is not supported yet');
      }
    }
    return strokes(baked, effects, layer, canvas, scale);
  }
  // Under a translucent fill Photoshop paints these at full strength over the faded pixels, each
  // blended onto what shows there, within the layer's shape: drawn as layers of their own over it.
  // Otherwise (or "Blend Interior Effects as Group") they are painted into its pixels.
  const paint = (effect: string, photoshop: string, opacity: number, source: Source) => {
    const blend = toBlendMode(photoshop)!;
    if (translucent && !interiorAsGroup)
      baked.above.push(interiorLayer(effect, layer, source, blend, opacity));
    else baked.pixels = paintInside(baked.pixels, INTERIOR_BLENDS[blend]!, opacity, source);
  };
  // Inside the layer, bottom to top: gradient overlays, colour overlays, inner glow, inner shadows
  // (several of a kind: the first listed is the top one).
  for (const fill of [...listOf(effects.gradientOverlay)].reverse()) {
    const read = gradientOverlayOf(fill);
    if ('reason' in read) {
      skip('gradient overlay', read.reason);
      continue;
    }
    const ramp = gradientRamp(read.stops.colors, read.stops.opacities, read.smoothness);
    // "Align with layer" spans what the layer shows, not its stored box (a text layer's is padded).
    const at = gradientPosition(
      read.placement,
      read.align ? (shownBox(layer) ?? layer.box) : { x: 0, y: 0, ...canvas },
    );
    const { x: left, y: top } = layer.box;
    paint('gradient overlay', fill.blendMode ?? 'normal', read.opacity, (x, y) =>
      ramp(at(left + x, top + y)),
    );
  }
  for (const fill of [...listOf(effects.solidFill)].reverse()) {
    const color = rgbOf(fill.color);
    const mix = overlayBlendOf(fill.blendMode ?? 'normal');
    if (!color || !mix) {
      skip('color overlay', `its "${fill.blendMode}" blend mode is not supported on an overlay`);
    } else {
      const solid: [number, number, number, number] = [...color, 1];
      paint('color overlay', fill.blendMode ?? 'normal', fill.opacity ?? 1, () => solid);
    }
  }
  for (const glow of listOf(effects.innerGlow)) {
    const color = rgbOf(glow.color);
    const mix = overlayBlendOf(glow.blendMode ?? 'screen');
    const size = pixelsOf(glow.size, scale);
    if (!mix || !color || size === undefined) {
      skip('inner glow', 'its colour, units or blend mode cannot be read or is not supported inside a layer');
    } else if (
      (glow.source ?? 'edge') !== 'edge' ||
      !linearContour(glow.contour) ||
      (glow.noise ?? 0) > 0 ||
      !fullRange(glow.range)
    ) {
      skip(
        'inner glow',
        'its source is the centre, or its contour or noise is not the default, or its range is not 100 %',
      );
    } else {
      const plane = innerShape(layer, { size, spread: percent(glow.choke), offset: { x: 0, y: 0 } });
      paint('inner glow', glow.blendMode ?? 'screen', glow.opacity ?? 1, planeColor(plane, color));
    }
  }
  for (const shadow of [...listOf(effects.innerShadow)].reverse()) {
    const color = rgbOf(shadow.color);
    const mix = overlayBlendOf(shadow.blendMode ?? 'multiply');
    const size = pixelsOf(shadow.size, scale);
    const distance = pixelsOf(shadow.distance, scale);
    if (!mix || !color || size === undefined || distance === undefined) {
      skip(
        'inner shadow',
        'its colour, units or blend mode cannot be read or is not supported inside a layer',
      );
    } else if (!linearContour(shadow.contour)) {
      skip('inner shadow', 'its contour is not linear');
    } else {
      const offset = offsetOf(shadow, globalAngle, distance);
      const plane = innerShape(layer, { size, spread: percent(shadow.choke), offset });
      paint('inner shadow', shadow.blendMode ?? 'multiply', shadow.opacity ?? 1, planeColor(plane, color));
    }
  }
  return strokes(baked, effects, layer, canvas, scale);
}

function strokes(
  baked: BakedEffects,
  effects: LayerEffectsInfo,
  layer: Placed,
  canvas: { width: number; height: number },
  scale: number,
): BakedEffects {
  const skip = (effect: string, reason: string) => baked.skipped.push({ effect, reason });
  for (const stroke of [...listOf(effects.stroke)].reverse()) {
    const blend = toBlendMode(stroke.blendMode ?? 'normal');
    const color = rgbOf(stroke.color);
    const size = pixelsOf(stroke.size, scale);
    if ((stroke.fillType ?? 'color') !== 'color') {
      skip('stroke', `its ${stroke.fillType} fill is not supported`);
    } else if (!blend || !color || size === undefined) {
      skip('stroke', 'its colour, units or blend mode cannot be read');
    } else {
      const alpha = strokeShape(layer, canvas, size, stroke.position ?? 'outside');
      if (alpha) baked.above.push(effectLayer('stroke', alpha, color, blend, stroke.opacity));
    }
  }
  return baked;
}

const NAMES = {
  dropShadow: 'drop shadow',
  innerShadow: 'inner shadow',
  outerGlow: 'outer glow',
  innerGlow: 'inner glow',
  bevel: 'bevel and emboss',
  satin: 'satin',
  solidFill: 'color overlay',
  gradientOverlay: 'gradient overlay',
  patternOverlay: 'pattern overlay',
  stroke: 'stroke',
} as const;

type Source = (x: number, y: number) => readonly [number, number, number, number];

/** An interior effect as a layer of its own: its colours within the layer's shape (by its alpha). */
function interiorLayer(
  effect: string,
  layer: Placed,
  source: Source,
  blend: BlendMode,
  opacity: number,
): EffectLayer {
  const data = new Uint8ClampedArray(layer.data.length);
  for (let row = 0; row < layer.height; row++) {
    for (let col = 0; col < layer.width; col++) {
      const i = (row * layer.width + col) * 4;
      if (layer.data[i + 3] === 0) continue;
      const [r, g, b, a] = source(col, row);
      [data[i], data[i + 1], data[i + 2]] = [r, g, b];
      data[i + 3] = Math.round(a * layer.data[i + 3]!);
    }
  }
  const pixels = { width: layer.width, height: layer.height, data, box: layer.box };
  return { effect, pixels, blend, opacity: Math.max(0, Math.min(1, opacity)) };
}

/** Hides `plane` where the layer covers it (by the layer's alpha), in place. */
function knockOut(plane: Plane, layer: Placed): void {
  const { box, alpha } = plane;
  for (let row = 0; row < layer.height; row++) {
    const y = layer.box.y + row - box.y;
    if (y < 0 || y >= box.height) continue;
    for (let col = 0; col < layer.width; col++) {
      const x = layer.box.x + col - box.x;
      if (x < 0 || x >= box.width) continue;
      alpha[y * box.width + x] =
        alpha[y * box.width + x]! * (1 - layer.data[(row * layer.width + col) * 4 + 3]! / 255);
    }
  }
}

/** The names of the enabled effects of a layer, as Photoshop's Layer Style dialog calls them. */
export function namesOf(effects: LayerEffectsInfo | undefined): string[] {
  if (!effects || effects.disabled) return [];
  return (Object.keys(NAMES) as (keyof typeof NAMES)[])
    .filter((key) => listOf(effects[key] as { enabled?: boolean } | undefined).length > 0)
    .map((key) => NAMES[key]);
}

function effectLayer(effect: string, plane: Plane, color: Rgb, blend: BlendMode, opacity = 1): EffectLayer {
  const data = coloredPlane(plane, color);
  return {
    effect,
    pixels: { width: plane.box.width, height: plane.box.height, data, box: plane.box },
    blend,
    opacity: Math.max(0, Math.min(1, opacity)),
  };
}

/** The per-channel blend an overlay or inner effect uses, or undefined for a mode not drawn inside a layer. */
export function overlayBlendOf(photoshop: string) {
  const mode = toBlendMode(photoshop);
  return mode ? INTERIOR_BLENDS[mode] : undefined;
}

/** The shadow's offset: the light comes from its angle (counter-clockwise from the right), the shadow falls away. */
function offsetOf(shadow: LayerEffectShadow, globalAngle: number, distance: number) {
  const angle = ((shadow.useGlobalLight ? globalAngle : (shadow.angle ?? globalAngle)) * Math.PI) / 180;
  return { x: Math.round(-Math.cos(angle) * distance), y: Math.round(Math.sin(angle) * distance) };
}

/**
 * A gradient overlay as drawn (the compositor's gradient, painted inside the layer), or why it is
 * not: the importer bakes it into a pixel layer, renders paint it into a smart object's artwork.
 */
export function gradientOverlayOf(fill: LayerEffectGradientOverlay):
  | {
      mix: ChannelBlend;
      blend: BlendMode;
      opacity: number;
      placement: GradientPlacement;
      stops: NonNullable<ReturnType<typeof stopsOf>>;
      smoothness: number;
      /** Spans what the layer shows ("align with layer"), else the canvas. */
      align: boolean;
    }
  | { reason: string } {
  const blend = toBlendMode(fill.blendMode ?? 'normal');
  const mix = blend ? INTERIOR_BLENDS[blend] : undefined;
  const gradient = fill.gradient;
  const style = fill.type ?? 'linear';
  if (!blend || !mix) return { reason: `its "${fill.blendMode}" blend mode is not supported on an overlay` };
  if (!gradient || gradient.type !== 'solid' || (style !== 'linear' && style !== 'reflected')) {
    return { reason: 'only solid linear and reflected gradients are supported' };
  }
  const stops = stopsOf(gradient, rgbOf);
  if (!stops) return { reason: 'its colours cannot be read' };
  if (stops.colors.length > GRADIENT_STOPS_MAX || stops.opacities.length > GRADIENT_STOPS_MAX) {
    return { reason: `it has more than ${GRADIENT_STOPS_MAX} colour or opacity stops` };
  }
  const clamp = (value: number | undefined, low: number, high: number, fallback: number) =>
    Math.max(low, Math.min(high, Number.isFinite(value) ? value! : fallback));
  return {
    mix,
    blend,
    opacity: clamp(fill.opacity, 0, 1, 1),
    placement: {
      style,
      angle: clamp(fill.angle, -360, 360, 90),
      scale: clamp(fill.scale, 0.1, 1.5, 1),
      offset: { x: clamp(fill.offset?.x, -2, 2, 0), y: clamp(fill.offset?.y, -2, 2, 0) },
      reverse: !!fill.reverse,
    },
    stops,
    // Photoshop's smoothness as fitted on fill layers: on psd-tools' layer_effects.psd it brings
    // the overlay to MAD 0.6 (1.4 with linear steps).
    smoothness: clamp(gradient.smoothness, 0, 1, 0),
    align: fill.align !== false,
  };
}
