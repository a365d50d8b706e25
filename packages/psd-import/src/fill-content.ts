// A fill layer's content (ag-psd's `vectorFill`: solid colour, gradient or pattern) drawn over a
// canvas box as RGBA. A gradient spans the layer's bounds ("align with layer") or the canvas,
// centred there (moved by its offset), at its angle and scale; a pattern is tiled from the canvas
// origin moved by its phase. Dither is not drawn (Photoshop's adds at most one level of noise).
import type { Color, PatternInfo, VectorContent } from 'ag-psd';
import sharp from 'sharp';
import { labToRgb } from './descriptor-color.js';
import { patternSettingsOf } from './fill-descriptors.js';
import { rampOf, type Rgb } from './gradient-ramp.js';
import type { Box, Rgba } from './pixels.js';

export type Placed = Rgba & { box: Box };

export type FillContent =
  { kind: 'drawn'; pixels: Placed; approximated?: string } | { kind: 'skipped'; reason: string };

export interface FillContext {
  canvas: Box;
  /** The layer's bounds: its vector mask's, or the canvas for a fill without one. */
  layerBox: Box;
  /** Whether the layer is a shape (a fill drawn through a vector mask). */
  shape: boolean;
  patterns: PatternInfo[];
}

/** The gradient styles whose geometry has been checked against Photoshop's own pixels. */
const CHECKED_STYLES = new Set(['linear']);

export async function drawFillContent(
  fill: VectorContent,
  box: Box,
  context: FillContext,
): Promise<FillContent> {
  switch (fill.type) {
    case 'color': {
      const rgb = colorToRgb(fill.color);
      if (!rgb) return { kind: 'skipped', reason: 'its colour is not RGB, HSB, Lab or grey' };
      return { kind: 'drawn', pixels: paint(box, () => [...rgb, 1]) };
    }
    case 'solid': {
      const ramp = rampOf(fill, colorToRgb, { smooth: true });
      if (!ramp) return { kind: 'skipped', reason: 'a colour stop is not RGB, HSB, Lab or grey' };
      const style = fill.style ?? 'linear';
      const at = gradientPosition(fill, fill.align === false ? context.canvas : context.layerBox);
      const pixels = paint(box, (x, y) => ramp(at(x, y)));
      const approximations = [
        ...(CHECKED_STYLES.has(style)
          ? []
          : [`the ${style} gradient's geometry is not yet confirmed against Photoshop's pixels`]),
        ...(fill.interpolationMethod &&
        fill.interpolationMethod !== 'classic' &&
        fill.interpolationMethod !== 'linear'
          ? [`its "${fill.interpolationMethod}" interpolation is drawn as classic`]
          : []),
      ];
      return {
        kind: 'drawn',
        pixels,
        ...(approximations.length ? { approximated: approximations.join('; ') } : {}),
      };
    }
    case 'noise':
      return { kind: 'skipped', reason: 'noise gradients are not drawn' };
    case 'pattern':
      return drawPattern(fill, box, context);
  }
}

/** Photoshop's colours as ag-psd reads them → sRGB 0–255, or undefined for CMYK. */
export function colorToRgb(color: Color | undefined): Rgb | undefined {
  if (!color) return [0, 0, 0];
  if ('r' in color) return [color.r, color.g, color.b].map(byte) as Rgb;
  if ('fr' in color) return [color.fr, color.fg, color.fb].map((v) => byte(v * 255)) as Rgb;
  if ('h' in color) return hsbToRgb(color.h * 360, color.s, color.b);
  if ('l' in color) return labToRgb(color.l, color.a, color.b).map(byte) as Rgb;
  if ('k' in color && !('c' in color)) {
    const grey = byte(255 - (color.k / 100) * 255);
    return [grey, grey, grey];
  }
  return undefined;
}

const byte = (value: number) => Math.max(0, Math.min(255, value));

function hsbToRgb(hue: number, saturation: number, brightness: number): Rgb {
  const h = (((hue % 360) + 360) % 360) / 60;
  const s = Math.min(1, Math.max(0, saturation / 100));
  const v = Math.min(1, Math.max(0, brightness / 100));
  const f = (n: number) => {
    const k = (n + h) % 6;
    return (v - v * s * Math.max(0, Math.min(k, 4 - k, 1))) * 255;
  };
  return [f(5), f(3), f(1)];
}

/** RGBA over `box` from `source(x, y)` (canvas pixel) = r, g, b 0–255 and alpha 0..1. */
function paint(
  box: Box,
  source: (x: number, y: number) => readonly [number, number, number, number],
): Placed {
  const data = new Uint8ClampedArray(box.width * box.height * 4);
  for (let row = 0; row < box.height; row++) {
    for (let col = 0; col < box.width; col++) {
      const [r, g, b, a] = source(box.x + col, box.y + row);
      const i = (row * box.width + col) * 4;
      data[i] = Math.round(r);
      data[i + 1] = Math.round(g);
      data[i + 2] = Math.round(b);
      data[i + 3] = Math.round(a * 255);
    }
  }
  return { width: box.width, height: box.height, data, box };
}

type GradientFill = Extract<VectorContent, { type: 'solid' }>;

/**
 * Where canvas pixel (x, y) falls along the gradient, 0..1 (reverse applied). The gradient's
 * length is the box's extent along its angle times its scale: a linear one runs from one end to
 * the other, a reflected, diamond or angle one reaches from the centre to half of it, a radial one
 * to half of it over √2.
 */
export function gradientPosition(fill: GradientFill, box: Box): (x: number, y: number) => number {
  const angle = ((fill.angle ?? 90) * Math.PI) / 180;
  const [dx, dy] = [Math.cos(angle), -Math.sin(angle)];
  const scale = Math.max(0.1, fill.scale ?? 1);
  const length = (Math.abs(box.width * dx) + Math.abs(box.height * dy)) * scale;
  const half = Math.max(1e-6, length / 2);
  const cx = box.x + box.width / 2 + (fill.offset?.x ?? 0) * box.width;
  const cy = box.y + box.height / 2 + (fill.offset?.y ?? 0) * box.height;
  const style = fill.style ?? 'linear';
  const reverse = !!fill.reverse;
  return (x, y) => {
    // Photoshop samples a gradient at the pixel's corner, not its centre.
    const px = x - cx;
    const py = y - cy;
    const along = px * dx + py * dy;
    let t: number;
    switch (style) {
      case 'linear':
        t = along / length + 0.5;
        break;
      case 'reflected':
        t = Math.abs(along) / half;
        break;
      case 'radial':
        // Fitted to Photoshop's pixels (ag-psd's gradient test file: MAD 0.6 inside the shape).
        t = Math.hypot(px, py) / (half / Math.SQRT2);
        break;
      case 'diamond':
        t = (Math.abs(along) + Math.abs(px * -dy + py * dx)) / half;
        break;
      case 'angle': {
        // Counter-clockwise from the gradient's angle, once round.
        const turn = Math.atan2(-py, px) - angle;
        t = (((turn / (2 * Math.PI)) % 1) + 1) % 1;
        break;
      }
    }
    t = Math.max(0, Math.min(1, t));
    return reverse ? 1 - t : t;
  };
}

type PatternFill = Extract<VectorContent, { type: 'pattern' }>;

/** Patterns larger than this are crafted files (Photoshop's own are at most a few thousand pixels). */
const PATTERN_PIXELS_MAX = 16_000_000;

async function drawPattern(fill: PatternFill, box: Box, context: FillContext): Promise<FillContent> {
  const pattern = context.patterns.find((candidate) => candidate.id === fill.id);
  if (!pattern)
    return { kind: 'skipped', reason: `its pattern "${patternName(fill.name)}" is not in the document` };
  const { scale, angle } = patternSettingsOf(fill);
  if (angle % 360 !== 0) return { kind: 'skipped', reason: 'its pattern is turned (an angle other than 0°)' };
  let tile: Rgba = { width: pattern.bounds.w, height: pattern.bounds.h, data: pattern.data };
  if (tile.width < 1 || tile.height < 1 || tile.width * tile.height > PATTERN_PIXELS_MAX) {
    return { kind: 'skipped', reason: 'its pattern has no usable size' };
  }
  if (tile.data.length < tile.width * tile.height * 4)
    return { kind: 'skipped', reason: 'its pattern cannot be read' };
  let approximated: string | undefined;
  if (Math.abs(scale - 1) > 1e-6) {
    const width = Math.max(1, Math.round(tile.width * scale));
    const height = Math.max(1, Math.round(tile.height * scale));
    if (width * height > PATTERN_PIXELS_MAX)
      return { kind: 'skipped', reason: 'its pattern is scaled too large' };
    const raw = Buffer.from(tile.data.buffer, tile.data.byteOffset, tile.width * tile.height * 4);
    const data = await sharp(raw, { raw: { width: tile.width, height: tile.height, channels: 4 } })
      .resize(width, height, { kernel: 'cubic', fit: 'fill' })
      .raw()
      .toBuffer();
    tile = { width, height, data };
    approximated = `its pattern scaled to ${Math.round(scale * 100)} % is resampled to whole pixels and tiled, not drawn at Photoshop's fractional repeat`;
  }
  if (context.shape && !fill.phase) {
    // Photoshop's shape files (psd-tools' patterns.psd) start an unphased pattern near the shape's
    // corner, not the document's; where exactly is not recorded in the file.
    const origin =
      "its pattern is tiled from the document's origin; Photoshop may start it where the shape was drawn";
    approximated = approximated ? `${approximated}; ${origin}` : origin;
  }
  const phase = fill.phase ?? { x: 0, y: 0 };
  const ox = Math.round(phase.x);
  const oy = Math.round(phase.y);
  const { width, height, data } = tile;
  const out: [number, number, number, number] = [0, 0, 0, 0];
  const pixels = paint(box, (x, y) => {
    const tx = (((x - ox) % width) + width) % width;
    const ty = (((y - oy) % height) + height) % height;
    const i = (ty * width + tx) * 4;
    out[0] = data[i]!;
    out[1] = data[i + 1]!;
    out[2] = data[i + 2]!;
    out[3] = data[i + 3]! / 255;
    return out;
  });
  return { kind: 'drawn', pixels, ...(approximated ? { approximated } : {}) };
}

/** Photoshop's preset names are "$$$/key=Name": the name after the key. */
const patternName = (name: string) => name.replace(/^\$\$\$[^=]*=/, '');
