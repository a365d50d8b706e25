// Hostile artwork made in code (issue #9): decompression bombs, truncated files, wrong magic bytes,
// extreme aspect ratios, 10,000-frame animations, CMYK / 16-bit / alpha variants and EXIF-rotated
// photos. Each case carries the outcome the render API promises for it, so the compositor tests,
// the worker tests and the peak-RSS bench check one list. Everything is deterministic.
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import type { Sharp } from 'sharp';

/** The colours the two-colour cases are drawn in: where each lands is what the tests assert. */
export const HOSTILE_RED = [255, 0, 0] as const;
export const HOSTILE_BLUE = [0, 0, 255] as const;
export const HOSTILE_GREEN = [0, 255, 0] as const;

export type HostileOutcome =
  | { outcome: 'refused'; code: 'ASSET_TOO_LARGE' | 'ASSET_NOT_AN_IMAGE' }
  /** Rendered as it is displayed: `looks` says where its colours must land in the smart object's box. */
  | { outcome: 'rendered'; looks: HostileLook };

/**
 * What the decoded artwork shows, filled ('fill') into the whole box: one colour everywhere, two
 * halves, or one opaque half and the template showing through the other.
 */
export type HostileLook =
  | { kind: 'solid'; color: readonly number[] }
  | {
      kind: 'halves';
      split: 'left-right' | 'top-bottom';
      first: readonly number[] | 'transparent';
      second: readonly number[] | 'transparent';
    };

export interface HostileImage {
  /** Stable id, used as a test title and a bench row. */
  name: string;
  description: string;
  bytes: Buffer;
  expected: HostileOutcome;
}

const RED_HEX = '#ff0000';
const BLUE_HEX = '#0000ff';

// ---------------------------------------------------------------- decompression bombs

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A well-formed PNG of about a kilobyte whose IHDR declares width × height RGBA pixels
 * (60,000² = 3.6 gigapixels, 14 GB decoded). Its IDAT holds a few rows of zeros: a decoder that
 * trusts the header allocates before it finds out.
 */
export function pngBomb(width = 60_000, height = 60_000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(6, 9); // colour type RGBA
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(4 * (1 + 4 * width)))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real 16 × 16 JPEG whose frame header (SOF) claims width × height (JPEG allows up to 65,535). */
export async function jpegBomb(width = 60_000, height = 60_000): Promise<Buffer> {
  const jpeg = Buffer.from(await solid(16, 16, RED_HEX).jpeg().toBuffer());
  for (let at = 2; at + 9 < jpeg.length;) {
    if (jpeg[at] !== 0xff) break;
    const marker = jpeg[at + 1]!;
    if (marker >= 0xc0 && marker <= 0xc2) {
      jpeg.writeUInt16BE(height, at + 5);
      jpeg.writeUInt16BE(width, at + 7);
      return jpeg;
    }
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  throw new Error('no SOF marker in the generated JPEG');
}

/** A real 16 × 16 GIF whose screen and first frame claim 65,535 × 65,535 (4.3 gigapixels). */
export async function gifBomb(): Promise<Buffer> {
  const gif = Buffer.from(await solid(16, 16, RED_HEX).gif().toBuffer());
  gif.writeUInt16LE(65_535, 6);
  gif.writeUInt16LE(65_535, 8);
  const descriptor = firstGifImageDescriptor(gif);
  gif.writeUInt16LE(65_535, descriptor + 5);
  gif.writeUInt16LE(65_535, descriptor + 7);
  return gif;
}

function firstGifImageDescriptor(gif: Buffer): number {
  const flags = gif[10]!;
  let at = 13 + (flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0);
  while (at < gif.length) {
    if (gif[at] === 0x2c) return at;
    if (gif[at] !== 0x21) break;
    at += 2; // extension introducer and label, then sub-blocks up to a zero-length one
    while (at < gif.length && gif[at] !== 0) at += gif[at]! + 1;
    at += 1;
  }
  throw new Error('no image descriptor in the generated GIF');
}

/** A real lossless 16 × 16 WebP whose VP8L header claims 16,383 × 16,383 (the format's maximum). */
export async function webpBomb(): Promise<Buffer> {
  const webp = Buffer.from(await solid(16, 16, RED_HEX).webp({ lossless: true }).toBuffer());
  if (webp.toString('latin1', 12, 16) !== 'VP8L' || webp[20] !== 0x2f)
    throw new Error('the generated WebP is not a simple lossless one');
  const side = 16_383;
  const rest = webp.readUInt32LE(21) >>> 28; // alpha hint and version bits
  webp.writeUInt32LE(((side - 1) | ((side - 1) << 14) | (rest << 28)) >>> 0, 21);
  return webp;
}

// ---------------------------------------------------------------- broken and mislabelled bytes

/** 256 × 256 seeded noise: compresses badly, so a cut lands in the middle of the pixel data. */
function noise(side = 256): Sharp {
  return sharp(seededBytes(side * side * 3, 0x2545f491), { raw: { width: side, height: side, channels: 3 } });
}

/** The first `keep` share of a JPEG of noise: headers intact, the scan cut off. */
export async function truncatedJpeg(keep = 0.5): Promise<Buffer> {
  const jpeg = await noise().jpeg({ quality: 90 }).toBuffer();
  return jpeg.subarray(0, Math.floor(jpeg.length * keep));
}

/** The first `keep` share of a PNG of noise: IHDR intact, IDAT cut off. */
export async function truncatedPng(keep = 0.5): Promise<Buffer> {
  const png = await noise().png().toBuffer();
  return png.subarray(0, Math.floor(png.length * keep));
}

/** A JPEG's start-of-image marker grafted onto a PNG's body: sniffs as JPEG, is not one. */
export async function jpegMagicOnPng(): Promise<Buffer> {
  const png = await halvesImage('left-right', RED_HEX, BLUE_HEX).png().toBuffer();
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), png.subarray(PNG_SIGNATURE.length)]);
}

/** A PNG signature followed by seeded random bytes. */
export function pngMagicThenGarbage(length = 4096): Buffer {
  return Buffer.concat([PNG_SIGNATURE, seededBytes(length, 0x9e3779b9)]);
}

/** Seeded random bytes with no image signature at all. */
export function randomBytesImage(length = 4096): Buffer {
  const bytes = seededBytes(length, 0x85ebca6b);
  bytes[0] = 0x00; // never a signature by accident
  return bytes;
}

/** `GIF89a` and then an HTML page: the sniff-passing polyglot an upload form might receive. */
export function gifHeaderedHtml(): Buffer {
  return Buffer.from('GIF89a<!doctype html><html><body><script>alert(1)</script></body></html>', 'latin1');
}

function seededBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed | 0;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

// ---------------------------------------------------------------- unusual but valid images

function solid(width: number, height: number, color: string): Sharp {
  return sharp({ create: { width, height, channels: 3, background: color } });
}

/** Two colours, split in the middle, as raw RGBA ('transparent' leaves that half at alpha 0). */
function halvesImage(
  split: 'left-right' | 'top-bottom',
  first: string,
  second: string,
  width = 40,
  height = 40,
): Sharp {
  const rgba = (color: string) => (color === 'transparent' ? [0, 0, 0, 0] : [...hexRgb(color), 255]);
  const [a, b] = [rgba(first), rgba(second)];
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const isFirst = split === 'left-right' ? x < width / 2 : y < height / 2;
      data.set(isFirst ? a : b, (y * width + x) * 4);
    }
  }
  return sharp(data, { raw: { width, height, channels: 4 } });
}

function hexRgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [value >> 16, (value >> 8) & 0xff, value & 0xff];
}

/** An opaque RGB PNG (no alpha channel), red and blue halves. */
async function redBluePng(split: 'left-right' | 'top-bottom', width = 40, height = 40): Promise<Buffer> {
  const rgba = await halvesImage(split, RED_HEX, BLUE_HEX, width, height).png().toBuffer();
  return sharp(rgba).removeAlpha().png({ compressionLevel: 9 }).toBuffer();
}

/** A width × height strip, red then blue along its long side (20,000 × 4: 80,000 pixels, < 1 KB). */
export function strip(width = 20_000, height = 4): Promise<Buffer> {
  return redBluePng(width >= height ? 'left-right' : 'top-bottom', width, height);
}

/**
 * An animation of `frames` frames of size × size: frame 0 red, the others alternately blue and
 * green (so no encoder merges them). A renderer that honours only the first frame shows red.
 */
export async function animated(format: 'gif' | 'webp', frames = 10_000, size = 4): Promise<Buffer> {
  const pipeline = sharp(animatedRaw(frames, size), {
    raw: { width: size, height: size * frames, channels: 3, pageHeight: size },
  });
  return format === 'gif'
    ? pipeline.gif({ delay: 20, loop: 0 }).toBuffer()
    : pipeline.webp({ lossless: true, delay: 20, loop: 0 }).toBuffer();
}

/** Frames stacked vertically as raw RGB: frame 0 red, then blue and green in turn. */
function animatedRaw(frames: number, size: number): Buffer {
  const frame = size * size * 3;
  const data = Buffer.alloc(frame * frames);
  for (let f = 0; f < frames; f++) {
    const color = f === 0 ? HOSTILE_RED : f % 2 ? HOSTILE_BLUE : HOSTILE_GREEN;
    for (let p = 0; p < size * size; p++) data.set(color, f * frame + p * 3);
  }
  return data;
}

/**
 * An animated WebP of `frames` 4 × 4 frames (first red, then blue) assembled by repeating one frame
 * chunk, so any count the 25 MB cap allows (about 500,000) is made in milliseconds. libvips reads
 * such a header in time quadratic in its frames: minutes of CPU for one upload.
 */
export async function manyFramesWebp(frames: number): Promise<Buffer> {
  const two = await sharp(animatedRaw(2, 4), {
    raw: { width: 4, height: 8, channels: 3, pageHeight: 4 },
  })
    .webp({ lossless: true, delay: 20, loop: 0 })
    .toBuffer();
  const chunks: { id: string; bytes: Buffer }[] = [];
  for (let at = 12; at + 8 <= two.length;) {
    const size = two.readUInt32LE(at + 4);
    const end = at + 8 + size + (size & 1);
    chunks.push({ id: two.toString('latin1', at, at + 4), bytes: two.subarray(at, end) });
    at = end;
  }
  const [first, second] = chunks.filter((chunk) => chunk.id === 'ANMF');
  if (!first || !second) throw new Error('the generated WebP has fewer than two frames');
  const body = Buffer.concat([
    Buffer.from('WEBP', 'latin1'),
    ...chunks.filter((chunk) => chunk.id !== 'ANMF').map((chunk) => chunk.bytes),
    first.bytes,
    ...Array.from({ length: frames - 1 }, () => second.bytes),
  ]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

/** A 4-channel CMYK JPEG of pure red (what print shops send). */
export async function cmykJpeg(): Promise<Buffer> {
  return solid(32, 32, RED_HEX).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
}

/** A 16-bit-per-channel PNG, left red and right blue; with `alpha`, the right half transparent. */
export async function png16(alpha = false): Promise<Buffer> {
  const eightBit = await halvesImage('left-right', RED_HEX, alpha ? 'transparent' : BLUE_HEX)
    .png()
    .toBuffer();
  const image = alpha ? sharp(eightBit) : sharp(eightBit).removeAlpha();
  return image.toColourspace('rgb16').png().toBuffer();
}

/** A two-channel grey + alpha PNG: left half opaque dark grey (64), right half transparent. */
export async function greyAlphaPng(): Promise<Buffer> {
  return halvesImage('left-right', '#404040', 'transparent').toColourspace('b-w').png().toBuffer();
}

/** A palette (colour type 3) PNG whose tRNS chunk makes the right half transparent; left red. */
export async function palettePngWithTrns(): Promise<Buffer> {
  return halvesImage('left-right', RED_HEX, 'transparent').png({ palette: true, colours: 4 }).toBuffer();
}

/**
 * A 40 × 20 JPEG stored left half red, right half blue, with EXIF orientation 6 (display rotated
 * 90° clockwise: red on top) or 8 (90° anticlockwise: red at the bottom).
 */
export async function exifRotatedJpeg(orientation: 6 | 8): Promise<Buffer> {
  const stored = await halvesImage('left-right', RED_HEX, BLUE_HEX, 40, 20).removeAlpha().jpeg().toBuffer();
  return sharp(stored).withMetadata({ orientation }).jpeg({ quality: 95 }).toBuffer();
}

// ---------------------------------------------------------------- where the colours must land

export interface LookProbe {
  x: number;
  y: number;
  /** The artwork's colour there, or 'transparent': the template beneath must show. */
  expected: readonly number[] | 'transparent';
}

/**
 * Points of a box (in output pixels) at the middle of each half, away from the edges where
 * resampling and JPEG chroma blur colours, with what the artwork fitted by 'fill' shows there.
 */
export function lookProbes(
  look: HostileLook,
  box: { left: number; top: number; width: number; height: number },
): LookProbe[] {
  const at = (fx: number, fy: number) => ({
    x: Math.floor(box.left + fx * box.width),
    y: Math.floor(box.top + fy * box.height),
  });
  if (look.kind === 'solid')
    return [at(0.25, 0.25), at(0.75, 0.25), at(0.5, 0.5), at(0.25, 0.75), at(0.75, 0.75)].map((point) => ({
      ...point,
      expected: look.color,
    }));
  const [first, second] =
    look.split === 'left-right' ? [at(0.25, 0.5), at(0.75, 0.5)] : [at(0.5, 0.25), at(0.5, 0.75)];
  return [
    { ...first, expected: look.first },
    { ...second, expected: look.second },
  ];
}

// ---------------------------------------------------------------- the catalogue

const tooLarge = { outcome: 'refused', code: 'ASSET_TOO_LARGE' } as const;
const notAnImage = { outcome: 'refused', code: 'ASSET_NOT_AN_IMAGE' } as const;
const redBlue = (split: 'left-right' | 'top-bottom') =>
  ({
    outcome: 'rendered',
    looks: { kind: 'halves', split, first: HOSTILE_RED, second: HOSTILE_BLUE },
  }) as const;
const redThenTransparent = {
  outcome: 'rendered',
  looks: { kind: 'halves', split: 'left-right', first: HOSTILE_RED, second: 'transparent' },
} as const;

/** Every hostile case with its promised outcome (a few seconds to build: two 10,000-frame files). */
export async function hostileImages(): Promise<HostileImage[]> {
  return [
    {
      name: 'png-bomb',
      description: 'PNG declaring 60,000 × 60,000 (3.6 GP) in about 1 KB',
      bytes: pngBomb(),
      expected: tooLarge,
    },
    {
      name: 'jpeg-bomb',
      description: '16 × 16 JPEG whose SOF claims 60,000 × 60,000',
      bytes: await jpegBomb(),
      expected: tooLarge,
    },
    {
      name: 'gif-bomb',
      description: '16 × 16 GIF whose screen and frame claim 65,535 × 65,535',
      bytes: await gifBomb(),
      expected: tooLarge,
    },
    {
      name: 'webp-bomb',
      description: '16 × 16 lossless WebP whose VP8L header claims 16,383 × 16,383 (268 MP)',
      bytes: await webpBomb(),
      expected: tooLarge,
    },
    {
      name: 'truncated-jpeg',
      description: 'JPEG of noise cut in the middle of its scan',
      bytes: await truncatedJpeg(),
      expected: notAnImage,
    },
    {
      name: 'truncated-png',
      description: 'PNG of noise cut in the middle of its IDAT',
      bytes: await truncatedPng(),
      expected: notAnImage,
    },
    {
      name: 'jpeg-magic-on-png',
      description: 'JPEG SOI marker followed by a PNG body',
      bytes: await jpegMagicOnPng(),
      expected: notAnImage,
    },
    {
      name: 'png-magic-then-garbage',
      description: 'PNG signature followed by 4 KB of random bytes',
      bytes: pngMagicThenGarbage(),
      expected: notAnImage,
    },
    {
      name: 'random-bytes',
      description: '4 KB of random bytes',
      bytes: randomBytesImage(),
      expected: notAnImage,
    },
    {
      name: 'gif-header-html',
      description: '"GIF89a" followed by an HTML page',
      bytes: gifHeaderedHtml(),
      expected: notAnImage,
    },
    {
      name: 'png-named-jpg',
      description: 'a valid PNG (served as photo.jpg): the bytes decide, not the name',
      bytes: await redBluePng('left-right'),
      expected: redBlue('left-right'),
    },
    {
      name: 'strip-20000x4',
      description: '20,000 × 4 strip, left red, right blue',
      bytes: await strip(),
      expected: redBlue('left-right'),
    },
    {
      name: 'strip-4x20000',
      description: '4 × 20,000 strip, top red, bottom blue',
      bytes: await strip(4, 20_000),
      expected: redBlue('top-bottom'),
    },
    {
      name: 'animated-gif-10000',
      description: 'animated GIF, 10,000 frames of 4 × 4, first frame red',
      bytes: await animated('gif'),
      expected: { outcome: 'rendered', looks: { kind: 'solid', color: HOSTILE_RED } },
    },
    {
      name: 'animated-webp-10000',
      description: 'animated WebP, 10,000 frames of 4 × 4, first frame red',
      bytes: await animated('webp'),
      expected: { outcome: 'rendered', looks: { kind: 'solid', color: HOSTILE_RED } },
    },
    {
      name: 'animated-webp-200000',
      description:
        'animated WebP, 200,000 frames of 4 × 4 in 9.6 MB (a header libvips reads in quadratic time)',
      bytes: await manyFramesWebp(200_000),
      expected: tooLarge,
    },
    {
      name: 'cmyk-jpeg',
      description: 'CMYK JPEG of pure red',
      bytes: await cmykJpeg(),
      expected: { outcome: 'rendered', looks: { kind: 'solid', color: HOSTILE_RED } },
    },
    {
      name: 'png-rgb16',
      description: '16-bit RGB PNG, left red, right blue',
      bytes: await png16(),
      expected: redBlue('left-right'),
    },
    {
      name: 'png-rgba16',
      description: '16-bit RGBA PNG, left red, right transparent',
      bytes: await png16(true),
      expected: redThenTransparent,
    },
    {
      name: 'grey-alpha-png',
      description: 'grey + alpha PNG, left dark grey, right transparent',
      bytes: await greyAlphaPng(),
      expected: {
        outcome: 'rendered',
        looks: { kind: 'halves', split: 'left-right', first: [64, 64, 64], second: 'transparent' },
      },
    },
    {
      name: 'palette-png-trns',
      description: 'palette PNG with tRNS, left red, right transparent',
      bytes: await palettePngWithTrns(),
      expected: redThenTransparent,
    },
    {
      name: 'exif-orientation-6',
      description: 'JPEG stored left red / right blue, EXIF orientation 6 (red on top when shown)',
      bytes: await exifRotatedJpeg(6),
      expected: redBlue('top-bottom'),
    },
    {
      name: 'exif-orientation-8',
      description: 'JPEG stored left red / right blue, EXIF orientation 8 (red at the bottom when shown)',
      bytes: await exifRotatedJpeg(8),
      expected: {
        outcome: 'rendered',
        looks: { kind: 'halves', split: 'top-bottom', first: HOSTILE_BLUE, second: HOSTILE_RED },
      },
    },
  ];
}
