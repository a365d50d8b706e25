// The benchmark's artwork: the compositor's demo poster at 3000 × 3000 with seeded film grain laid
// over it, so the JPEG carries photo-like detail (a flat vector image decodes unrealistically fast).
import { Buffer } from 'node:buffer';
import sharp from 'sharp';
import { createDemoArtwork } from '@platen/compositor';

export const ARTWORK_SIDE = 3000;
const GRAIN_SIGMA = 16;

/** JPEG q90 bytes, the same on every run. */
export async function createBenchArtwork(side = ARTWORK_SIDE) {
  const demo = await createDemoArtwork(side, side);
  const grain = seededGrain(side * side * 3, GRAIN_SIGMA);
  return sharp(demo)
    .composite([{ input: grain, raw: { width: side, height: side, channels: 3 }, blend: 'overlay' }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** Grey-ish gaussian noise around 128 from a fixed-seed generator (xorshift32, Box–Muller). */
function seededGrain(length, sigma) {
  const out = Buffer.alloc(length);
  let state = 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  };
  for (let i = 0; i < length; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(next())) * sigma;
    const angle = 2 * Math.PI * next();
    out[i] = Math.max(0, Math.min(255, Math.round(128 + radius * Math.cos(angle))));
    if (i + 1 < length) out[i + 1] = Math.max(0, Math.min(255, Math.round(128 + radius * Math.sin(angle))));
  }
  return out;
}
