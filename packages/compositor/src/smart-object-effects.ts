// A smart object's layer effects at render time: drawn from the alpha of what the smart object
// shows (its artwork warped, masked and shaded), so a shadow or stroke follows each artwork, as in
// Photoshop when a smart object's contents are replaced. Shadows and glows go under the artwork,
// overlays and inner effects are painted into it (its alpha kept), strokes go over it; each effect
// has its own blend mode and opacity. As in Photoshop, the layer's opacity fades the artwork and its
// effects as one picture: a shadow stays hidden under the artwork it falls from.
import type { Canvas } from './blend-modes.js';
import { compositeOnto, writableArea } from './blend-modes.js';
import { composeGroup } from './layer-stack-kernels.js';
import { gradientPosition, gradientRamp } from './gradient-overlay.js';
import type { Plane } from './layer-effect-shapes.js';
import { INTERIOR_BLENDS, paintInside, planeColor } from './layer-effect-paint.js';
import { coloredPlane, innerShape, shownBox, softShape, strokeShape } from './layer-effect-shapes.js';
import type { PlacedRgba, Region } from './raster.js';
import { intersect } from './raster.js';
import type { BlendMode, SmartObjectEffect } from './template-model.js';

/** The most canvas pixels a smart object with effects recomposes (its effect planes take ~40 bytes a pixel). */
export const EFFECTS_AREA_MAX = 25_000_000;

/** How far (canvas pixels) beyond the artwork the effects can draw: a smart object's region grows by it. */
export function effectsReach(effects: readonly SmartObjectEffect[]): number {
  let reach = 0;
  for (const effect of effects) {
    // Three box blurs of radius round(size / 3) reach up to 1.5 px past `size`.
    const own =
      effect.type === 'drop_shadow'
        ? Math.ceil(effect.size) + Math.ceil(effect.distance) + 2
        : effect.type === 'outer_glow' || effect.type === 'stroke'
          ? Math.ceil(effect.size) + 2
          : 0;
    reach = Math.max(reach, own);
  }
  return reach;
}

/** Beyond this, nothing an artwork shows changes what its effects draw on the canvas (coordinates stay within ±100 000). */
const SIGHT_MAX = 200_000;

/**
 * How far beyond the canvas an artwork's pixels still change what its effects draw on it: a shadow's
 * or glow's reach, an inner effect's blur and distance; an overlay aligned with the artwork spans
 * all it shows, however far.
 */
export function effectsSight(effects: readonly SmartObjectEffect[]): number {
  let sight = effectsReach(effects);
  for (const effect of effects) {
    if (effect.type === 'gradient_overlay' && !effect.area) return SIGHT_MAX;
    const own =
      effect.type === 'inner_shadow'
        ? Math.ceil(effect.size) + Math.ceil(effect.distance) + 2
        : effect.type === 'inner_glow'
          ? Math.ceil(effect.size) + 2
          : 0;
    sight = Math.max(sight, own);
  }
  return sight;
}

/** Where the light at `angle` (degrees counter-clockwise from the right) casts a shadow `distance` away. */
export function shadowOffset(angle: number, distance: number): { x: number; y: number } {
  const radians = (angle * Math.PI) / 180;
  return { x: Math.round(-Math.cos(radians) * distance), y: Math.round(Math.sin(radians) * distance) };
}

/**
 * Composites `content` (the smart object's pixels over `bounds`, straight RGBA) onto the canvas with
 * the layer's blend mode, its effects drawn from its alpha under and over it, the whole faded in by
 * the layer's opacity (Photoshop's rule: composed over the backdrop, then mixed with it).
 */
export function compositeWithEffects(
  canvas: Canvas,
  content: PlacedRgba,
  effects: readonly SmartObjectEffect[],
  blend: BlendMode,
  opacity: number,
): void {
  const outside = effects.some((effect) => OUTSIDE.has(effect.type));
  // Interior effects fade with the artwork anyway; dissolve reads the opacity as its threshold.
  if (opacity >= 1 || !outside || blend === 'dissolve') {
    drawWithEffects(canvas, content, effects, blend, opacity);
    return;
  }
  const bounds: Region = { x: content.x, y: content.y, width: content.width, height: content.height };
  const writable = writableArea(canvas);
  const clip = writable && intersect(writable, bounds);
  if (!clip) return;
  composeGroup({ ...canvas, clip }, { steps: [], blend: 'normal', passThrough: true, opacity }, (target) =>
    drawWithEffects(target, content, effects, blend, 1),
  );
}

/** The effects that draw beyond the artwork: without them the layer's opacity can fade each part. */
const OUTSIDE = new Set<SmartObjectEffect['type']>(['drop_shadow', 'outer_glow', 'stroke']);

function drawWithEffects(
  canvas: Canvas,
  content: PlacedRgba,
  effects: readonly SmartObjectEffect[],
  blend: BlendMode,
  opacity: number,
): void {
  const source = { box: content as Region, width: content.width, height: content.height, data: content.data };
  const bounds: Region = { x: content.x, y: content.y, width: content.width, height: content.height };
  const draw = (effect: OutsideEffect, plane: Plane | undefined) => {
    if (plane)
      compositeOnto(canvas, colored(plane, effect.color), effect.blend_mode, effect.opacity * opacity);
  };
  for (const effect of effects) {
    if (effect.type === 'drop_shadow') {
      const offset = shadowOffset(effect.angle, effect.distance);
      draw(effect, softShape(source, bounds, { size: effect.size, spread: effect.spread, offset }));
    } else if (effect.type === 'outer_glow') {
      draw(
        effect,
        softShape(source, bounds, { size: effect.size, spread: effect.spread, offset: { x: 0, y: 0 } }),
      );
    }
  }
  compositeOnto(canvas, paintedInside(content, effects), blend, opacity);
  for (const effect of effects) {
    if (effect.type === 'stroke') draw(effect, strokeShape(source, bounds, effect.size, effect.position));
  }
}

/** The content with its gradient and colour overlays, inner glows and inner shadows painted in, in that order. */
function paintedInside(content: PlacedRgba, effects: readonly SmartObjectEffect[]): PlacedRgba {
  const source = { box: content as Region, width: content.width, height: content.height, data: content.data };
  let painted = content;
  const paint = (
    effect: InteriorEffect,
    shade: (x: number, y: number) => readonly [number, number, number, number],
  ) => {
    painted = paintInside(painted, INTERIOR_BLENDS[effect.blend_mode]!, effect.opacity, shade);
  };
  for (const effect of effects) {
    if (effect.type === 'gradient_overlay') {
      const colors = effect.colors.map((stop) => ({ ...stop, rgb: rgbOf(stop.color) }));
      const ramp = gradientRamp(colors, effect.opacities, effect.smoothness);
      const at = gradientPosition(effect, effect.area ?? shownBox(source) ?? source.box);
      paint(effect, (x, y) => ramp(at(content.x + x, content.y + y)));
    }
  }
  for (const effect of effects) {
    if (effect.type === 'color_overlay') {
      const solid = [...rgbOf(effect.color), 1] as const;
      paint(effect, () => solid);
    }
  }
  for (const effect of effects) {
    if (effect.type === 'inner_glow') {
      const plane = innerShape(source, { size: effect.size, spread: effect.spread, offset: { x: 0, y: 0 } });
      paint(effect, planeColor(plane, rgbOf(effect.color)));
    }
  }
  for (const effect of effects) {
    if (effect.type === 'inner_shadow') {
      const offset = shadowOffset(effect.angle, effect.distance);
      const plane = innerShape(source, { size: effect.size, spread: effect.spread, offset });
      paint(effect, planeColor(plane, rgbOf(effect.color)));
    }
  }
  return painted;
}

type OutsideEffect = Extract<SmartObjectEffect, { type: 'drop_shadow' | 'outer_glow' | 'stroke' }>;
type InteriorEffect = Extract<
  SmartObjectEffect,
  { type: 'gradient_overlay' | 'color_overlay' | 'inner_glow' | 'inner_shadow' }
>;

const rgbOf = (hex: string) =>
  [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)) as [number, number, number];

function colored(plane: Plane, hex: string): PlacedRgba {
  return { ...plane.box, data: coloredPlane(plane, rgbOf(hex)) };
}
