// Photoshop's RGB → Grey conversion with its "Gray Gamma 2.2" grey working space: the colour's
// luminance Y from sRGB (primaries adapted to D50, as ICC profiles are), encoded with gamma 2.2,
// written to all three channels; alpha kept. Run on the artwork of a smart object placed in a
// greyscale document, where Photoshop converts the placed content to the document's mode before
// it is filtered and blended.
import type { RgbaImage } from '../raster.js';

// sRGB's D50-adapted luminance row (the Y of its ICC profile's rXYZ, gXYZ, bXYZ tags).
const WEIGHTS = [0.2225, 0.7169, 0.0606] as const;

const toLinear = (v: number): number => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};

export function grayscale(image: RgbaImage): RgbaImage {
  const { width, height, data } = image;
  const linear = Array.from({ length: 256 }, (_, v) => toLinear(v));
  const out = new Uint8ClampedArray(data);
  for (let i = 0; i < out.length; i += 4) {
    const y =
      WEIGHTS[0] * linear[data[i]!]! +
      WEIGHTS[1] * linear[data[i + 1]!]! +
      WEIGHTS[2] * linear[data[i + 2]!]!;
    const grey = Math.round(255 * Math.min(1, y) ** (1 / 2.2));
    out[i] = grey;
    out[i + 1] = grey;
    out[i + 2] = grey;
  }
  return { width, height, data: out };
}
