// Photoshop's mask Properties (Density and Feather, for a layer's raster mask and its vector mask)
// applied to a mask plane (0 hides, 1 shows). Feather is a Gaussian blur whose sigma is the feather
// in pixels (Photoshop's Gaussian Blur radius, compositor's filters/gaussian-blur.ts), then density
// lifts what the mask hides: m' = 1 - density * (1 - m). Blurring is linear, so the order of the two
// only matters for the clamp, which neither needs.
import type { Layer } from 'ag-psd';
import { growBox, intersect, type Box, type Rgba } from './pixels.js';

export interface MaskProperties {
  /** 0..1: how much the mask hides what it hides (100 % = fully). */
  density: number;
  /** Pixels of Gaussian blur (sigma); 0 for a sharp mask. */
  feather: number;
}

/** Photoshop's Properties panel stops at 1000 px. */
const FEATHER_MAX = 1000;
/**
 * Above this sigma an exact kernel (6 sigma + 1 taps) costs too much per pixel: three box blurs
 * stand in for it (within about 1 % of a Gaussian), and the importer says so.
 */
export const EXACT_FEATHER_MAX = 32;

const clamp01 = (value: number | undefined, fallback: number) =>
  value === undefined || !Number.isFinite(value) ? fallback : Math.max(0, Math.min(1, value));
const featherOf = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? 0 : Math.max(0, Math.min(FEATHER_MAX, value));

export function userMaskProperties(layer: Layer): MaskProperties {
  return {
    density: clamp01(layer.mask?.userMaskDensity, 1),
    feather: featherOf(layer.mask?.userMaskFeather),
  };
}

export function vectorMaskProperties(layer: Layer): MaskProperties {
  return {
    density: clamp01(layer.mask?.vectorMaskDensity, 1),
    feather: featherOf(layer.mask?.vectorMaskFeather),
  };
}

/** How far a feather reaches each way, in whole pixels (where its kernel is cut). */
export function featherReach(feather: number): number {
  return feather > 0 ? Math.ceil(3 * feather) : 0;
}

/** Whether the feather is drawn with three box blurs rather than an exact Gaussian. */
export const featherApproximated = (feather: number) => feather > EXACT_FEATHER_MAX;

/** Feather then density, in place, on a plane of `width` × `height` (edges clamped). */
export function applyMaskProperties(
  plane: Float32Array,
  width: number,
  height: number,
  props: MaskProperties,
) {
  if (props.feather > 0) blur(plane, width, height, props.feather);
  if (props.density < 1) {
    for (let i = 0; i < plane.length; i++) plane[i] = 1 - props.density * (1 - plane[i]!);
  }
}

/** A grey image whose grey is the first of every `channels` bytes (ag-psd's masks are RGBA: 4). */
export type Grey = Rgba & { channels?: 1 | 4 };

/**
 * A raster mask (grey over `box`, `defaultColor` outside it) with its properties applied, as a
 * one-channel grey: grown by the feather's reach (within `limit`, past which nothing shows), with
 * the new default colour the density gives. Density alone maps each byte (no float plane).
 */
export function adjustRasterMask(
  mask: { box: Box; grey: Grey; defaultColor: number },
  props: MaskProperties,
  limit: Box,
): { box: Box; grey: Grey; defaultColor: number } {
  const lift = (value: number) => 1 - props.density * (1 - value);
  const defaultColor = Math.round(lift(mask.defaultColor / 255) * 255);
  const { grey } = mask;
  const stride = grey.channels ?? 4;
  if (props.feather <= 0) {
    const data = new Uint8Array(grey.width * grey.height);
    for (let i = 0; i < data.length; i++) data[i] = Math.round(lift(grey.data[i * stride]! / 255) * 255);
    return {
      box: mask.box,
      grey: { width: grey.width, height: grey.height, data, channels: 1 },
      defaultColor,
    };
  }
  const reach = featherReach(props.feather);
  const box = intersect(growBox(mask.box, reach), growBox(limit, reach)) ?? limit;
  const plane = new Float32Array(box.width * box.height).fill(mask.defaultColor / 255);
  for (let row = Math.max(0, box.y - mask.box.y); row < grey.height; row++) {
    const y = row + mask.box.y - box.y;
    if (y >= box.height) break;
    for (let col = Math.max(0, box.x - mask.box.x); col < grey.width; col++) {
      const x = col + mask.box.x - box.x;
      if (x >= box.width) break;
      plane[y * box.width + x] = grey.data[(row * grey.width + col) * stride]! / 255;
    }
  }
  applyMaskProperties(plane, box.width, box.height, props);
  const data = new Uint8Array(plane.length);
  for (let i = 0; i < plane.length; i++) data[i] = Math.round(plane[i]! * 255);
  return { box, grey: { width: box.width, height: box.height, data, channels: 1 }, defaultColor };
}

function blur(plane: Float32Array, width: number, height: number, sigma: number) {
  const line = new Float64Array(Math.max(width, height));
  const passes = featherApproximated(sigma) ? boxPasses(sigma) : [gaussianKernel(sigma)];
  for (const kernel of passes) {
    for (let row = 0; row < height; row++)
      convolve(plane, { start: row * width, step: 1, length: width }, kernel, line);
    for (let col = 0; col < width; col++)
      convolve(plane, { start: col, step: width, length: height }, kernel, line);
  }
}

interface Kernel {
  weights: Float64Array;
  /** Every weight equal: a running sum does it at any radius. */
  box: boolean;
}

function gaussianKernel(sigma: number): Kernel {
  const half = featherReach(sigma);
  const kernel = new Float64Array(2 * half + 1);
  let sum = 0;
  for (let i = -half; i <= half; i++) sum += kernel[i + half] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i] = kernel[i]! / sum;
  return { weights: kernel, box: false };
}

/** Three boxes whose summed variance is sigma²: (2r + 1)² = 4 sigma² + 1 for each. */
function boxPasses(sigma: number): Kernel[] {
  const radius = Math.max(1, Math.round((Math.sqrt(4 * sigma * sigma + 1) - 1) / 2));
  const box = { weights: new Float64Array(2 * radius + 1).fill(1 / (2 * radius + 1)), box: true };
  return [box, box, box];
}

/** One line of `plane` convolved with `kernel`, edges clamped, in place. */
function convolve(
  plane: Float32Array,
  { start, step, length }: { start: number; step: number; length: number },
  { weights, box }: Kernel,
  line: Float64Array,
) {
  for (let i = 0; i < length; i++) line[i] = plane[start + i * step]!;
  const half = (weights.length - 1) / 2;
  const at = (i: number) => line[Math.max(0, Math.min(length - 1, i))]!;
  if (box) {
    const w = weights[0]!;
    let sum = 0;
    for (let i = -half; i <= half; i++) sum += at(i);
    for (let i = 0; i < length; i++) {
      plane[start + i * step] = sum * w;
      sum += at(i + half + 1) - at(i - half);
    }
    return;
  }
  for (let i = 0; i < length; i++) {
    let sum = 0;
    for (let k = -half; k <= half; k++) sum += weights[k + half]! * at(i + k);
    plane[start + i * step] = sum;
  }
}
