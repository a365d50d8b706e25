// Pixel comparison of a Platen render with Photoshop's image of the same document: both flattened
// on white (what a viewer shows; transparent corners then agree whatever colour they hold), then the
// mean absolute difference over R, G and B (MAD, in levels 0–255) and the share of pixels with a
// channel off by more than OFF_LEVELS. Plus the side-by-side PNG a reader checks the numbers with.
import sharp from 'sharp';

export const OFF_LEVELS = 16;
/** Small documents are enlarged (nearest neighbour) so a 32-pixel file is still visible. */
const MIN_PANEL_HEIGHT = 256;
const DIFF_GAIN = 4;

/** RGBA (straight alpha) → RGB over white. */
export function onWhite({ data, width, height }) {
  const out = new Uint8Array(width * height * 3);
  for (let p = 0, q = 0; p < data.length; p += 4, q += 3) {
    const alpha = data[p + 3] / 255;
    for (let c = 0; c < 3; c++) out[q + c] = Math.round(data[p + c] * alpha + 255 * (1 - alpha));
  }
  return out;
}

/** MAD and the share of pixels off by more than OFF_LEVELS in a channel; the images must be one size. */
export function compareImages(reference, render) {
  if (reference.width !== render.width || reference.height !== render.height) {
    throw new Error(
      `sizes differ: ${reference.width}×${reference.height} against ${render.width}×${render.height}`,
    );
  }
  const a = onWhite(reference);
  const b = onWhite(render);
  let sum = 0;
  let off = 0;
  for (let q = 0; q < a.length; q += 3) {
    let worst = 0;
    for (let c = 0; c < 3; c++) {
      const delta = Math.abs(a[q + c] - b[q + c]);
      sum += delta;
      if (delta > worst) worst = delta;
    }
    if (worst > OFF_LEVELS) off++;
  }
  const pixels = reference.width * reference.height;
  return { mad: sum / (pixels * 3), offShare: off / pixels };
}

/** The part of an image inside a box (clipped to the image). */
export function crop({ data, width, height }, box) {
  const left = Math.max(0, Math.floor(box.left));
  const top = Math.max(0, Math.floor(box.top));
  const w = Math.min(width, Math.ceil(box.right)) - left;
  const h = Math.min(height, Math.ceil(box.bottom)) - top;
  if (w <= 0 || h <= 0) return undefined;
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    out.set(data.subarray(((top + y) * width + left) * 4, ((top + y) * width + left + w) * 4), y * w * 4);
  }
  return { data: out, width: w, height: h };
}

/** Encoded image bytes → straight RGBA. */
export async function decodeRgba(bytes) {
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
}

/** PNG of three panels: Photoshop | Platen | |difference| × 4 (black where they agree). */
export async function sideBySide(reference, render) {
  const { width, height } = reference;
  const a = onWhite(reference);
  const b = onWhite(render);
  const diff = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) diff[i] = Math.min(255, Math.abs(a[i] - b[i]) * DIFF_GAIN);
  const scale = Math.max(1, Math.ceil(MIN_PANEL_HEIGHT / height));
  const gap = 4 * scale;
  const panels = await Promise.all(
    [a, b, diff].map((pixels) =>
      sharp(pixels, { raw: { width, height, channels: 3 } })
        .resize(width * scale, height * scale, { kernel: 'nearest' })
        .png()
        .toBuffer(),
    ),
  );
  return sharp({
    create: {
      width: width * scale * 3 + gap * 2,
      height: height * scale,
      channels: 3,
      background: { r: 255, g: 0, b: 255 },
    },
  })
    .composite(panels.map((input, i) => ({ input, left: i * (width * scale + gap), top: 0 })))
    .png()
    .toBuffer();
}
