// Average (Photoshop's Filter › Blur › Average): every pixel takes the artwork's mean colour and
// keeps its own alpha. The mean is weighted by alpha, so transparent pixels (whose colour is
// meaningless) count for nothing and a half-covered edge pixel counts half. An artwork with no
// covered pixel has no mean and is returned unchanged.
import type { RgbaImage } from '../raster.js';

export function average(image: RgbaImage): RgbaImage {
  const { width, height, data } = image;
  const out = new Uint8ClampedArray(data);
  let r = 0;
  let g = 0;
  let b = 0;
  let weight = 0;
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3]!;
    r += data[i]! * a;
    g += data[i + 1]! * a;
    b += data[i + 2]! * a;
    weight += a;
  }
  if (weight === 0) return { width, height, data: out };
  const mean = [Math.round(r / weight), Math.round(g / weight), Math.round(b / weight)] as const;
  for (let i = 0; i < out.length; i += 4) {
    out[i] = mean[0];
    out[i + 1] = mean[1];
    out[i + 2] = mean[2];
  }
  return { width, height, data: out };
}
