// The sample generator's drawing kit: SVG shapes rasterised by sharp (librsvg), blur, and PNG/JPEG
// encoding of finished layers. Compositing reuses the engine's own blend kernels, so a sample's
// layers combine exactly as renders will combine them. (The engine's sharp calls are in
// sharp-media.ts; these are only for generating sample images.)
import sharp from 'sharp';
import type { Writable } from '../blend-modes.js';
import type { PlacedRgba, RgbaImage } from '../raster.js';

export type Layer = Writable<PlacedRgba>;

/** An SVG body (no <svg> wrapper) rasterised to straight RGBA at (0, 0). */
export async function drawSvg(width: number, height: number, body: string): Promise<Layer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg), { density: 72 })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    x: 0,
    y: 0,
    width: info.width,
    height: info.height,
    data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
  };
}

/** Gaussian blur of a layer, same size and place (edges fade into transparency). */
export async function blur(layer: Layer, sigma: number): Promise<Layer> {
  const { data, info } = await sharp(
    Buffer.from(layer.data.buffer, layer.data.byteOffset, layer.data.byteLength),
    {
      raw: { width: layer.width, height: layer.height, channels: 4 },
    },
  )
    .blur(sigma)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    ...layer,
    width: info.width,
    height: info.height,
    data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
  };
}

/** A blank transparent layer. */
export function emptyLayer(width: number, height: number): Layer {
  return { x: 0, y: 0, width, height, data: new Uint8ClampedArray(width * height * 4) };
}

/** A grey layer from values in [0, 1] with full opacity (or alpha from `alpha`, also [0, 1]). */
export function greyLayer(width: number, height: number, values: Float32Array, alpha?: Float32Array): Layer {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]! * 255;
    data[i * 4] = v;
    data[i * 4 + 1] = v;
    data[i * 4 + 2] = v;
    data[i * 4 + 3] = alpha ? alpha[i]! * 255 : 255;
  }
  return { x: 0, y: 0, width, height, data };
}

/** The alpha channel as values in [0, 1]. */
export function alphaOf(layer: RgbaImage): Float32Array {
  const out = new Float32Array(layer.width * layer.height);
  for (let i = 0; i < out.length; i++) out[i] = layer.data[i * 4 + 3]! / 255;
  return out;
}

export async function encodePng(image: RgbaImage): Promise<Buffer> {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 4 },
  })
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** For opaque photos: smaller than PNG, and what real template photos usually are. */
export async function encodeJpeg(image: RgbaImage, quality = 92): Promise<Buffer> {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 4 },
  })
    .removeAlpha()
    .jpeg({ quality, chromaSubsampling: '4:4:4' })
    .toBuffer();
}
