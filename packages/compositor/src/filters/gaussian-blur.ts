// Gaussian Blur with sigma = radius (Photoshop's radius), as two 1-D passes of a kernel cut at
// 3 sigma, edges clamped. Colour is blurred premultiplied by alpha so transparent pixels do not
// bleed their (meaningless) colour into the edge.
import type { RgbaImage } from '../raster.js';

export interface GaussianBlurParams {
  /** Pixels, 0 … 250. */
  radius: number;
}

export function gaussianKernel(sigma: number): Float64Array {
  const half = Math.max(1, Math.ceil(sigma * 3));
  const kernel = new Float64Array(half * 2 + 1);
  let sum = 0;
  for (let i = -half; i <= half; i++) {
    const w = Math.exp(-(i * i) / (2 * sigma * sigma));
    kernel[i + half] = w;
    sum += w;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] = kernel[i]! / sum;
  return kernel;
}

/**
 * One 1-D pass over every row (horizontal) or column (vertical): each line is copied into a
 * buffer padded with its edge pixels, so the convolution itself needs no bounds checks.
 */
function blurPass(
  src: Float64Array,
  width: number,
  height: number,
  kernel: Float64Array,
  horizontal: boolean,
): Float64Array {
  const out = new Float64Array(src.length);
  const half = (kernel.length - 1) / 2;
  const length = horizontal ? width : height;
  const lines = horizontal ? height : width;
  const step = horizontal ? 4 : width * 4;
  const line = new Float64Array((length + 2 * half) * 4);
  for (let n = 0; n < lines; n++) {
    const start = horizontal ? n * width * 4 : n * 4;
    for (let k = 0; k < length + 2 * half; k++) {
      const j = start + Math.min(length - 1, Math.max(0, k - half)) * step;
      line[k * 4] = src[j]!;
      line[k * 4 + 1] = src[j + 1]!;
      line[k * 4 + 2] = src[j + 2]!;
      line[k * 4 + 3] = src[j + 3]!;
    }
    for (let x = 0; x < length; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let k = 0, j = x * 4; k < kernel.length; k++, j += 4) {
        const w = kernel[k]!;
        r += line[j]! * w;
        g += line[j + 1]! * w;
        b += line[j + 2]! * w;
        a += line[j + 3]! * w;
      }
      const i = start + x * step;
      out[i] = r;
      out[i + 1] = g;
      out[i + 2] = b;
      out[i + 3] = a;
    }
  }
  return out;
}

export function gaussianBlur(image: RgbaImage, params: GaussianBlurParams): RgbaImage {
  const { width, height, data } = image;
  const out = new Uint8ClampedArray(data.length);
  if (params.radius <= 0) {
    out.set(data);
    return { width, height, data: out };
  }
  const premultiplied = new Float64Array(data.length);
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3]! / 255;
    premultiplied[i] = data[i]! * a;
    premultiplied[i + 1] = data[i + 1]! * a;
    premultiplied[i + 2] = data[i + 2]! * a;
    premultiplied[i + 3] = data[i + 3]!;
  }
  const kernel = gaussianKernel(params.radius);
  const blurred = blurPass(
    blurPass(premultiplied, width, height, kernel, true),
    width,
    height,
    kernel,
    false,
  );
  for (let i = 0; i < data.length; i += 4) {
    const a = blurred[i + 3]!;
    const k = a > 0 ? 255 / a : 0;
    out[i] = Math.round(blurred[i]! * k);
    out[i + 1] = Math.round(blurred[i + 1]! * k);
    out[i + 2] = Math.round(blurred[i + 2]! * k);
    out[i + 3] = Math.round(a);
  }
  return { width, height, data: out };
}
