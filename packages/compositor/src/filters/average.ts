// Average (Photoshop's Filter › Blur › Average): every pixel takes one mean colour and keeps its own
// alpha. Photoshop runs it on the placed layer in the document, and there it ignores alpha: the
// mean is over the colour channels of every pixel of the document, transparent ones included with
// whatever colour they hold, and the layer is white (transparent) outside the box of its covered
// pixels. Measured on ag-psd's smart-filter file: Photoshop's own pre-filter rendering (the filter
// effects cache) averaged that way gives (138.0, 129.4, 132.5); Photoshop stored (138, 129, 133).
import type { RgbaImage } from '../raster.js';

/**
 * `documentArea`: the document's area in the artwork's pixels (its share beyond the covered box
 * counts as white). Without it, or when it is smaller than the box, the mean is over the box.
 */
export function average(image: RgbaImage, documentArea?: number): RgbaImage {
  const { width, height, data } = image;
  const out = new Uint8ClampedArray(data);
  const box = coveredBox(image);
  if (!box) return { width, height, data: out };
  let r = 0;
  let g = 0;
  let b = 0;
  for (let y = box.top; y <= box.bottom; y++) {
    for (let i = (y * width + box.left) * 4, end = (y * width + box.right) * 4; i <= end; i += 4) {
      r += data[i]!;
      g += data[i + 1]!;
      b += data[i + 2]!;
    }
  }
  const covered = (box.right - box.left + 1) * (box.bottom - box.top + 1);
  const area = Math.max(covered, documentArea ?? 0);
  const white = 255 * (area - covered);
  const mean = [(r + white) / area, (g + white) / area, (b + white) / area].map(Math.round);
  for (let i = 0; i < out.length; i += 4) {
    out[i] = mean[0]!;
    out[i + 1] = mean[1]!;
    out[i + 2] = mean[2]!;
  }
  return { width, height, data: out };
}

/**
 * Alpha from which a pixel counts as covered. Photoshop's box is that of its own rendering; a
 * resampled artwork has faint alpha (< 16) a pixel or two past its edge (the kernel's spread),
 * which would move the box with the work size: from 16 up, the box is within a pixel of
 * Photoshop's at every size tried (150–525 px wide on ag-psd's smart-filter artwork).
 */
const COVERED_ALPHA = 16;

/** The smallest box holding every covered pixel, or undefined when there is none. */
function coveredBox({ width, height, data }: RgbaImage) {
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0, i = y * width * 4 + 3; x < width; x++, i += 4) {
      if (data[i]! < COVERED_ALPHA) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (top === height) top = y;
      bottom = y;
    }
  }
  return right < 0 ? undefined : { left, right, top, bottom };
}
