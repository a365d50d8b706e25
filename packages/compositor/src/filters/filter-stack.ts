// Runs a smart object's filters over its fitted artwork, bottom → top: each filter's result is
// blended over what it received with the filter's blend mode and opacity (Photoshop's filter
// blending options). Sizes (the blur radius) are given in design pixels and scaled to the artwork.
import type { SeparableBlendMode } from '../blend-modes.js';
import { blendFunction } from '../blend-modes.js';
import type { RgbaImage } from '../raster.js';
import type { Artwork } from '../warp-kernels.js';
import { average } from './average.js';
import { blackWhite } from './black-white.js';
import { brightnessContrast } from './brightness-contrast.js';
import { channelMixer } from './channel-mixer.js';
import { colorBalance } from './color-balance.js';
import { colorLookup } from './color-lookup.js';
import { curves } from './curves.js';
import { exposure } from './exposure.js';
import type { SmartFilter } from './filter-model.js';
import { gaussianBlur } from './gaussian-blur.js';
import { gradientMap } from './gradient-map.js';
import { grayscale } from './grayscale.js';
import { hueSaturation } from './hue-saturation.js';
import { invert } from './invert.js';
import { levels } from './levels.js';
import { liquify } from './liquify.js';
import { photoFilter } from './photo-filter.js';
import { posterize } from './posterize.js';
import { selectiveColor } from './selective-color.js';
import { threshold } from './threshold.js';
import { vibrance } from './vibrance.js';

function run(image: RgbaImage, filter: SmartFilter, scale: number): RgbaImage {
  switch (filter.kind) {
    case 'curves':
      return curves(image, filter.params);
    case 'levels':
      return levels(image, filter.params);
    case 'hue_saturation':
      return hueSaturation(image, filter.params);
    case 'brightness_contrast':
      return brightnessContrast(image, filter.params);
    case 'exposure':
      return exposure(image, filter.params);
    case 'vibrance':
      return vibrance(image, filter.params);
    case 'color_balance':
      return colorBalance(image, filter.params);
    case 'black_white':
      return blackWhite(image, filter.params);
    case 'invert':
      return invert(image);
    case 'average': {
      const area = filter.params.document_area;
      return average(image, area === undefined ? undefined : area * scale * scale);
    }
    case 'grayscale':
      return grayscale(image);
    case 'photo_filter':
      return photoFilter(image, filter.params);
    case 'posterize':
      return posterize(image, filter.params);
    case 'threshold':
      return threshold(image, filter.params);
    case 'gradient_map':
      return gradientMap(image, filter.params);
    case 'selective_color':
      return selectiveColor(image, filter.params);
    case 'channel_mixer':
      return channelMixer(image, filter.params);
    case 'gaussian_blur':
      return gaussianBlur(image, { radius: filter.params.radius * scale });
    case 'liquify':
      return liquify(image, filter.params);
    case 'color_lookup':
      return colorLookup(image, filter.params);
  }
}

/** `filtered` over `input` with the filter's blend mode and opacity, into `filtered`. */
function blendOver(input: RgbaImage, filtered: RgbaImage, mode: SeparableBlendMode, opacity: number): void {
  if (mode === 'normal' && opacity >= 1) return;
  const blend = blendFunction(mode);
  const src = input.data;
  const out = filtered.data;
  const keep = 1 - opacity;
  for (let i = 0; i < src.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const cb = src[i + c]! / 255;
      out[i + c] = Math.round((opacity * blend(cb, out[i + c]! / 255) + keep * cb) * 255);
    }
    out[i + 3] = Math.round(opacity * out[i + 3]! + keep * src[i + 3]!);
  }
}

/**
 * The artwork after its filters. `scale` is artwork pixels per design pixel. The input is never
 * written; with no filters it is returned as is.
 */
export function applySmartFilters(
  image: RgbaImage,
  filters: readonly SmartFilter[],
  scale: number,
): RgbaImage {
  let current = image;
  for (const filter of filters) {
    const next = run(current, filter, scale);
    blendOver(current, next, filter.blend_mode, filter.opacity);
    current = next;
  }
  return current;
}

/** The artwork after its filters, as straight RGBA (opaque when every alpha stayed 255). */
export function filterArtwork(art: Artwork, filters: readonly SmartFilter[], scale: number): Artwork {
  const rgba = (art.channels ?? 4) === 4 ? art : { ...art, data: rgbToRgba(art.data) };
  const out = applySmartFilters(rgba, filters, scale);
  let opaque = true;
  for (let i = 3; i < out.data.length && opaque; i += 4) opaque = out.data[i] === 255;
  return { ...out, channels: 4, opaque };
}

/** Three-channel pixels with an opaque alpha added. */
export function rgbToRgba(rgb: Uint8Array | Uint8ClampedArray): Uint8ClampedArray {
  const out = new Uint8ClampedArray((rgb.length / 3) * 4);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    out[j] = rgb[i]!;
    out[j + 1] = rgb[i + 1]!;
    out[j + 2] = rgb[i + 2]!;
    out[j + 3] = 255;
  }
  return out;
}
