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

function blurPass(
  src: Float64Array,
  width: number,
  height: number,
  kernel: Float64Array,
  horizontal: boolean,
): Float64Array {
  const out = new Float64Array(src.length);
  const half = (kernel.length - 1) / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let k = -half; k <= half; k++) {
        const sx = horizontal ? Math.min(width - 1, Math.max(0, x + k)) : x;
        const sy = horizontal ? y : Math.min(height - 1, Math.max(0, y + k));
        const w = kernel[k + half]!;
        const j = (sy * width + sx) * 4;
        r += src[j]! * w;
        g += src[j + 1]! * w;
        b += src[j + 2]! * w;
        a += src[j + 3]! * w;
      }
      const i = (y * width + x) * 4;
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
