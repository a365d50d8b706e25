// Inline base64 artwork is checked cheaply at the edge: it must decode and start with the magic bytes
// of an image format the compositor reads. No pixel decode here; the worker decodes with caps.

export const MAX_INLINE_ARTWORK_BYTES = 25 * 1024 * 1024;

const SIGNATURES: Array<{ offset: number; bytes: number[] }> = [
  { offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] }, // png
  { offset: 0, bytes: [0xff, 0xd8, 0xff] }, // jpeg
  { offset: 0, bytes: [0x47, 0x49, 0x46, 0x38] }, // gif
  { offset: 0, bytes: [0x49, 0x49, 0x2a, 0x00] }, // tiff, little-endian
  { offset: 0, bytes: [0x4d, 0x4d, 0x00, 0x2a] }, // tiff, big-endian
];

function startsWith(buffer: Buffer, offset: number, bytes: number[]): boolean {
  return buffer.length >= offset + bytes.length && bytes.every((byte, i) => buffer[offset + i] === byte);
}

function ascii(buffer: Buffer, start: number, end: number): string {
  return buffer.subarray(start, end).toString('latin1');
}

export function looksLikeImage(buffer: Buffer): boolean {
  if (SIGNATURES.some(({ offset, bytes }) => startsWith(buffer, offset, bytes))) return true;
  if (ascii(buffer, 0, 4) === 'RIFF' && ascii(buffer, 8, 12) === 'WEBP') return true;
  // ISO-BMFF: avif / heic brands
  return ascii(buffer, 4, 8) === 'ftyp' && /^(avif|avis|heic|heix|mif1)$/.test(ascii(buffer, 8, 12));
}

export type ArtworkCheck = { ok: true; bytes: Buffer } | { ok: false; message: string };

export function decodeInlineArtwork(base64: string): ArtworkCheck {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0) return { ok: false, message: 'is empty' };
  if (bytes.length > MAX_INLINE_ARTWORK_BYTES) {
    return { ok: false, message: `decodes to more than ${MAX_INLINE_ARTWORK_BYTES} bytes` };
  }
  if (!looksLikeImage(bytes))
    return { ok: false, message: 'is not a PNG, JPEG, WebP, GIF, AVIF or TIFF image' };
  return { ok: true, bytes };
}
