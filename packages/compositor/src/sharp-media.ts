// Every sharp (libvips) call of the compositor: decoding template layers and artwork under the
// pixel cap, fitting/rotating artwork, and the one final resize + encode. Errors leave this module
// typed (AssetTooLarge / AssetNotAnImage for artwork, RenderFailed for template layers).
import sharp from 'sharp';
import type { Sharp, SharpOptions } from 'sharp';
import { AssetNotAnImageError, AssetTooLargeError, RenderFailedError } from './compositor-errors.js';
import { enlargeRgba } from './enlarge.js';
import type { ExportFormat, FitMode } from './template-model.js';

/** The largest enlargement done by enlarge.ts's cubic rather than by libvips. */
const ENLARGE_HERE_MAX_PIXELS = 4_000_000;

export interface SharpMediaOptions {
  /** Images declaring more pixels are refused before decoding (a decompression bomb). */
  limitInputPixels: number;
}

export interface SharpSettings {
  /** libvips threads per image. sharp's default is one per core; 1 suits a worker that runs
   * several renders at once on the libuv pool: parallel renders rather than parallel pixels,
   * and no oversubscription when several worker processes share a machine. */
  concurrency: number;
}

/**
 * Process-wide libvips settings, applied once by whoever owns the process' image work.
 * The operation cache is off: it would keep a second copy of what the compositor already caches
 * as raw pixels, and every artwork is decoded exactly once, so caching it only costs memory.
 */
export function configureSharp({ concurrency }: SharpSettings): void {
  sharp.cache(false);
  sharp.concurrency(concurrency);
}

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
}

/** Where the fitted artwork goes in the raster the warp reads (all in work pixels). */
/**
 * The filter that scales artwork down to its work size: sharp's Lanczos, or the softer Mitchell for
 * a smart object under a mesh warp. Photoshop draws its warps softer than its plain transforms: on
 * the corpus' five mesh-warped files (Aspose.PSD's presets, ag-psd's werps) Mitchell is 0.02–0.21
 * levels nearer its composites, on three unwarped ones 0.08–0.61 farther (infra/bench/psd-fidelity).
 */
export type DownscaleKernel = 'lanczos3' | 'mitchell';

export interface ArtworkPlacement {
  fit: FitMode;
  /** Clockwise degrees, applied before fitting; the corners it uncovers are transparent. */
  rotate: number;
  box: { left: number; top: number; width: number; height: number };
  canvas: { width: number; height: number };
  /** Default lanczos3. */
  kernel?: DownscaleKernel;
}

/** The request's artwork scaled for a layout (artwork-layout.ts lays it out); in work pixels. */
export interface ArtworkPiece {
  /** Clockwise degrees, applied before scaling; the corners it uncovers are transparent. */
  rotate: number;
  /** Fitted into a frame of this size, or (`tile`) scaled to this width keeping its aspect ratio
   * and repeated from the frame's corner; `visible` is the part of the frame on the canvas, from
   * that corner: only the tile's columns and rows it shows are decoded where it shows no seam. */
  scale:
    | { fit: 'cover' | 'contain' | 'fill'; width: number; height: number }
    | { fit: 'tile'; width: number; visible: PieceWindow };
  /** Only this part of the fitted artwork is decoded and returned (default: all of it). */
  window?: PieceWindow;
  /** Default lanczos3. */
  kernel?: DownscaleKernel;
}

export interface PieceWindow {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface DecodedPiece extends DecodedArtwork {
  /** For a tile: where its pixel (0, 0) repeats from, relative to the frame's corner. */
  at: { x: number; y: number };
}

export interface EncodeOptions {
  format: ExportFormat;
  width: number;
  height: number;
  quality: number;
  /** Pixels per inch recorded in the file (PNG pHYs, JPEG JFIF); absent: none recorded. */
  density?: number;
}

export interface EncodeInput {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** 3: RGB (an opaque canvas without its alpha); 4: straight RGBA. */
  channels: 3 | 4;
  /** Every alpha is 255 (a 4-channel canvas is encoded without its alpha). */
  opaque: boolean;
}

export interface EncodedImage {
  data: Buffer;
  width: number;
  height: number;
  format: ExportFormat;
}

export interface DecodedArtwork extends RawImage {
  opaque: boolean;
  channels: 3 | 4;
  source: { width: number; height: number };
}

export interface SharpMedia {
  /** A template layer as straight RGBA. */
  decodeLayer(input: Buffer, name: string): Promise<RawImage>;
  /** A template map as one grey channel: its alpha if it has any transparency, else its luminance. */
  decodeGrey(input: Buffer, name: string): Promise<RawImage>;
  /** User artwork, auto-oriented, rotated and fitted, as straight RGBA of placement.canvas, or
   * RGB (`channels: 3`, `opaque`) when no pixel can be transparent (no alpha channel, nothing
   * letterboxed or rotated in). `source` is the artwork's own size, upright, from its header. */
  decodeArtwork(input: Buffer, placement: ArtworkPlacement): Promise<DecodedArtwork>;
  /** User artwork, auto-oriented, rotated and scaled as `piece` says, as straight RGBA. */
  decodeArtworkPiece(input: Buffer, piece: ArtworkPiece): Promise<DecodedPiece>;
  /** The composed canvas (RGB, or straight RGBA), resized and encoded once. */
  encode(canvas: EncodeInput, options: EncodeOptions): Promise<EncodedImage>;
}

const ARTWORK_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif']);
/** An image with more frames (pages) is refused, although only the first is decoded. */
export const MAX_IMAGE_FRAMES = 10_000;
const TRANSPARENT = { r: 0, g: 0, b: 0, alpha: 0 };
const ANMF = 0x414e4d46; // a WebP animation frame chunk's fourcc

export function createSharpMedia(options: SharpMediaOptions): SharpMedia {
  // An animated GIF/WebP (or a multi-page TIFF/HEIF) renders as its first frame. `pages: 1` is sharp's
  // default, pinned here because it is what bounds a 10,000-frame file to one frame's decode (and
  // what makes the pixel cap count that frame rather than the whole stack).
  const decodeOptions: SharpOptions = {
    limitInputPixels: options.limitInputPixels,
    failOn: 'error',
    pages: 1,
    page: 0,
  };

  const raw = async (pipeline: Sharp, channels: number): Promise<RawImage> => {
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== channels) throw new Error(`expected ${channels} channels, got ${info.channels}`);
    return { data, width: info.width, height: info.height };
  };

  const templateImage = async (
    name: string,
    input: Buffer,
    work: () => Promise<RawImage>,
  ): Promise<RawImage> => {
    try {
      if (webpFrames(input, MAX_IMAGE_FRAMES) > MAX_IMAGE_FRAMES) throw tooManyFrames();
      return await work();
    } catch (error) {
      throw new RenderFailedError(`template asset "${name}" could not be decoded`, { cause: error });
    }
  };

  /** The artwork's header checked, and a pipeline of it upright and turned (at about `bound` px). */
  const openArtwork = async (input: Buffer, rotate: number, bound: number) => {
    if (webpFrames(input, MAX_IMAGE_FRAMES) > MAX_IMAGE_FRAMES) throw tooManyFrames();
    const meta = await sharp(input, decodeOptions).metadata();
    const { format, pages = 1 } = meta;
    if (!ARTWORK_FORMATS.has(format)) throw new AssetNotAnImageError(`unsupported image format: ${format}`);
    if (pages > MAX_IMAGE_FRAMES) throw tooManyFrames();
    const turn = ((rotate % 360) + 360) % 360;
    let source: Sharp = sharp(input, { ...decodeOptions, autoOrient: true });
    let size = upright(meta);
    if (turn !== 0) {
      // Rotate at about the size the box needs (shrink-on-load still applies), then fit that.
      const rotated = await raw(
        source
          .resize(bound, bound, { fit: 'inside', withoutEnlargement: true })
          .ensureAlpha()
          .rotate(turn, { background: TRANSPARENT }),
        4,
      );
      source = sharp(rotated.data, {
        raw: { width: rotated.width, height: rotated.height, channels: 4 },
      });
      size = { width: rotated.width, height: rotated.height };
    }
    return { meta, turn, source, size };
  };

  /**
   * The opened artwork enlarged here to the size the fit scales it to, when the fit enlarges it
   * both ways (libvips would use Catmull-Rom, sharper than Photoshop: see enlarge.ts); otherwise
   * the source as it is. The resize that follows then only crops or pads.
   */
  const enlargedFor = async (
    opened: { source: Sharp; size: { width: number; height: number } },
    box: { width: number; height: number },
    fit: 'cover' | 'contain' | 'fill',
    hasAlpha: boolean,
  ): Promise<Sharp> => {
    const { source, size } = opened;
    let sx = box.width / size.width;
    let sy = box.height / size.height;
    if (fit !== 'fill') sx = sy = fit === 'cover' ? Math.max(sx, sy) : Math.min(sx, sy);
    if (!(sx > 1 && sy > 1)) return source;
    // cover overfills the box (the resize then crops), contain underfills it (the resize pads).
    const side = (artwork: number, boxSide: number, scale: number) => {
      if (fit === 'fill') return boxSide;
      const scaled = Math.round(artwork * scale);
      return fit === 'cover' ? Math.max(boxSide, scaled) : Math.min(boxSide, scaled);
    };
    const width = side(size.width, box.width, sx);
    const height = side(size.height, box.height, sy);
    // The cubic runs in JavaScript on this thread (about 80 ms a megapixel): past this size the
    // event loop would stall for seconds, so libvips' sharper Catmull-Rom enlarges instead.
    if (width * height > ENLARGE_HERE_MAX_PIXELS) return source;
    const original = await raw(source.ensureAlpha(), 4);
    const enlarged = enlargeRgba({ ...original, data: new Uint8ClampedArray(original.data) }, width, height);
    if (hasAlpha) {
      const bytes = Buffer.from(enlarged.data.buffer, enlarged.data.byteOffset, enlarged.data.byteLength);
      return sharp(bytes, { raw: { width, height, channels: 4 } });
    }
    // Opaque artwork stays 3 channels (sharp's removeAlpha() would clash with a later ensureAlpha()).
    const rgb = Buffer.alloc(width * height * 3);
    for (let p = 0, q = 0; q < rgb.length; p += 4, q += 3) {
      rgb[q] = enlarged.data[p]!;
      rgb[q + 1] = enlarged.data[p + 1]!;
      rgb[q + 2] = enlarged.data[p + 2]!;
    }
    return sharp(rgb, { raw: { width, height, channels: 3 } });
  };

  return {
    decodeLayer: (input, name) =>
      templateImage(name, input, () =>
        raw(sharp(input, { ...decodeOptions, autoOrient: true }).ensureAlpha(), 4),
      ),

    decodeGrey: (input, name) =>
      templateImage(name, input, async () => {
        // PNG encoders often keep an all-opaque alpha channel: only real transparency counts.
        const rgba = await raw(sharp(input, { ...decodeOptions, autoOrient: true }).ensureAlpha(), 4);
        return { ...rgba, data: greyOf(rgba.data) };
      }),

    async decodeArtwork(input, placement) {
      const { box, canvas, fit } = placement;
      if (fit === 'tile') throw new RenderFailedError('tiles are laid out from a piece');
      try {
        const bound = Math.ceil(1.5 * Math.max(box.width, box.height));
        const opened = await openArtwork(input, placement.rotate, bound);
        const { meta, turn } = opened;
        const { hasAlpha } = meta;
        const source = await enlargedFor(opened, box, fit, hasAlpha === true || turn !== 0);
        const right = canvas.width - box.left - box.width;
        const bottom = canvas.height - box.top - box.height;
        const extended = box.left > 0 || box.top > 0 || right > 0 || bottom > 0;
        // No pixel can be transparent: decode to RGB, no alpha channel to add, copy and read.
        const opaque = !hasAlpha && turn === 0 && fit !== 'contain' && !extended;
        // resize() on a JPEG/WebP decodes at a reduced scale (shrink-on-load) before resampling.
        let pipeline = source.resize(box.width, box.height, {
          fit,
          kernel: placement.kernel ?? 'lanczos3',
          position: 'centre',
          background: TRANSPARENT,
        });
        if (!opaque) pipeline = pipeline.ensureAlpha();
        if (extended) {
          pipeline = pipeline.extend({
            left: box.left,
            top: box.top,
            right,
            bottom,
            background: TRANSPARENT,
          });
        }
        const decoded = await raw(pipeline, opaque ? 3 : 4);
        return { ...decoded, opaque, channels: opaque ? 3 : 4, source: upright(meta) };
      } catch (error) {
        throw artworkError(error);
      }
    },

    async decodeArtworkPiece(input, { rotate, scale, window, kernel = 'lanczos3' }) {
      try {
        const bound = Math.ceil(1.5 * Math.max(scale.width, scale.fit === 'tile' ? 0 : scale.height));
        const { meta, source, size } = await openArtwork(input, rotate, bound);
        let pipeline: Sharp;
        let part = window;
        let at = { x: 0, y: 0 };
        if (scale.fit === 'tile') {
          const height = Math.max(1, Math.round((scale.width * size.height) / size.width));
          pipeline = source.resize(scale.width, height, { fit: 'fill', kernel });
          const x = tileSpan(scale.width, scale.visible.left, scale.visible.width);
          const y = tileSpan(height, scale.visible.top, scale.visible.height);
          part = { left: x.from, top: y.from, width: x.size, height: y.size };
          at = { x: x.at, y: y.at };
        } else {
          pipeline = source.resize(scale.width, scale.height, {
            fit: scale.fit,
            kernel,
            position: 'centre',
            background: TRANSPARENT,
          });
        }
        pipeline = pipeline.ensureAlpha();
        // After resize(): libvips computes only the window's pixels of a frame however large.
        if (part) pipeline = pipeline.extract(part);
        const decoded = await raw(pipeline, 4);
        return { ...decoded, opaque: false, channels: 4, source: upright(meta), at };
      } catch (error) {
        throw artworkError(error);
      }
    },

    async encode(canvas, { format, width, height, quality, density }) {
      const bytes = Buffer.from(canvas.data.buffer, canvas.data.byteOffset, canvas.data.byteLength);
      const { channels } = canvas;
      let pipeline = sharp(bytes, { raw: { width: canvas.width, height: canvas.height, channels } });
      if (channels === 4 && canvas.opaque) pipeline = pipeline.removeAlpha();
      else if (channels === 4 && format === 'jpeg') pipeline = pipeline.flatten({ background: '#ffffff' });
      if (width !== canvas.width || height !== canvas.height)
        pipeline = pipeline.resize(width, height, { fit: 'fill' });
      switch (format) {
        case 'jpeg':
          // No optimised Huffman tables: the same pixels, 3–9 % more bytes, and half the encode
          // time (measured at 2000 px: 8 instead of 18 ms).
          pipeline = pipeline.jpeg({ quality, optimiseCoding: false });
          break;
        case 'png':
          pipeline = pipeline.png({ compressionLevel: 6 });
          break;
        case 'webp':
          pipeline = pipeline.webp({ quality, effort: 4 });
          break;
        case 'avif':
          // effort 2 of 9: AVIF's default effort costs seconds at 2000 px for a barely smaller file.
          pipeline = pipeline.avif({ quality, effort: 2 });
          break;
      }
      if (density !== undefined) pipeline = pipeline.withMetadata({ density });
      try {
        const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
        return { data, width: info.width, height: info.height, format };
      } catch (error) {
        throw new RenderFailedError(`encoding ${format} failed`, { cause: error });
      }
    },
  };
}

/** A whole tile's side beyond this is refused (a 1×10,000 px artwork tiled across a wide frame). */
const MAX_PIECE_SIDE = 8192;

/**
 * The columns (or rows) of a tile of `side` px that a span of `length` px, `offset` px from where
 * the tiles start, shows: only those when the span crosses no seam (then `at` is where they start),
 * else the whole tile, which must then be at most MAX_PIECE_SIDE.
 */
function tileSpan(side: number, offset: number, length: number): { from: number; size: number; at: number } {
  const from = offset % side;
  if (from + length <= side) return { from, size: length, at: offset };
  if (side > MAX_PIECE_SIDE) throw new AssetTooLargeError(`One tile would be ${side} px across`);
  return { from: 0, size: side, at: 0 };
}

/** EXIF orientations 5–8 are quarter turns: autoOrient swaps the sides. */
function upright(meta: { orientation?: number; width?: number; height?: number }): {
  width: number;
  height: number;
} {
  const turned = (meta.orientation ?? 1) >= 5;
  return {
    width: (turned ? meta.height : meta.width) ?? 1,
    height: (turned ? meta.width : meta.height) ?? 1,
  };
}

function tooManyFrames(): AssetTooLargeError {
  return new AssetTooLargeError(`Asset has more than ${MAX_IMAGE_FRAMES} frames`);
}

/**
 * The frames (ANMF chunks) of a WebP, counted up to one past `limit`; 0 for anything else. libvips
 * reads an animated WebP's header in time quadratic in its frames (500,000 one-pixel frames fit in
 * 25 MB: many minutes of uninterruptible CPU), so they are counted here, linearly, before it looks.
 */
function webpFrames(input: Buffer, limit: number): number {
  if (input.length < 12 || input.toString('latin1', 0, 4) !== 'RIFF') return 0;
  if (input.toString('latin1', 8, 12) !== 'WEBP') return 0;
  let frames = 0;
  for (let at = 12; at + 8 <= input.length && frames <= limit;) {
    if (input.readUInt32BE(at) === ANMF) frames++;
    const size = input.readUInt32LE(at + 4);
    at += 8 + size + (size & 1);
  }
  return frames;
}

function artworkError(error: unknown): Error {
  if (error instanceof AssetNotAnImageError || error instanceof AssetTooLargeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/exceeds pixel limit/i.test(message)) {
    return new AssetTooLargeError('Asset exceeds the pixel limit', { cause: error });
  }
  return new AssetNotAnImageError('Asset is not a supported image', { cause: error });
}

function greyOf(rgba: Buffer): Buffer {
  const grey = Buffer.alloc(rgba.length / 4);
  let transparent = false;
  for (let i = 3; i < rgba.length; i += 4) {
    if (rgba[i] !== 255) {
      transparent = true;
      break;
    }
  }
  for (let p = 0, i = 0; p < grey.length; p++, i += 4) {
    grey[p] = transparent
      ? rgba[i + 3]!
      : (0.2126 * rgba[i]! + 0.7152 * rgba[i + 1]! + 0.0722 * rgba[i + 2]! + 0.5) | 0;
  }
  return grey;
}
