import sharp from 'sharp';
import { cachedArtworkMedia } from './artwork-cache.js';
import { AssetNotAnImageError } from './compositor-errors.js';
import { createCompositor } from './compositor.js';
import { createKernelPool } from './kernel-pool.js';
import type { ArtworkPlacement, SharpMedia } from './sharp-media.js';
import { createSharpMedia } from './sharp-media.js';
import type { SmartObjectInput, TemplateManifestInput } from './template-model.js';

const SO = '00000000-0000-4000-8000-000000000001';
const PLACEMENT: ArtworkPlacement = {
  fit: 'cover',
  rotate: 0,
  box: { left: 0, top: 0, width: 40, height: 30 },
  canvas: { width: 40, height: 30 },
};

/** A noisy photo-like JPEG, so a decode is real work and any resampling difference shows. */
async function photo(width: number, height: number, seed: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + seed * 17 + ((i / 7) | 0)) % 251;
  return sharp(data, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** sharp-media with its artwork decodes counted: what the cache is meant to spare. */
function countingMedia(): { media: SharpMedia; decodes: () => number } {
  const real = createSharpMedia({ limitInputPixels: 100_000_000 });
  let decodes = 0;
  return {
    media: {
      ...real,
      decodeArtwork: (input, placement) => {
        decodes++;
        return real.decodeArtwork(input, placement);
      },
      decodeArtworkPiece: (input, piece) => {
        decodes++;
        return real.decodeArtworkPiece(input, piece);
      },
    },
    decodes: () => decodes,
  };
}

describe('artwork cache', () => {
  it('decodes a second copy of the same bytes for the same placement only once', async () => {
    const spy = countingMedia();
    const { media, stats } = cachedArtworkMedia(spy.media, { maxBytes: 10_000_000 });
    const artwork = await photo(400, 300, 1);
    const first = await media.decodeArtwork(artwork, PLACEMENT);
    const second = await media.decodeArtwork(Buffer.from(artwork), PLACEMENT);
    expect(spy.decodes()).toBe(1);
    expect(second.data.equals(first.data)).toBe(true);
    expect({ hits: stats.hits, misses: stats.misses, entries: stats.entries }).toEqual({
      hits: 1,
      misses: 1,
      entries: 1,
    });
  });

  it('decodes again for other bytes or another decode target', async () => {
    const spy = countingMedia();
    const { media } = cachedArtworkMedia(spy.media, { maxBytes: 10_000_000 });
    const artwork = await photo(400, 300, 1);
    await media.decodeArtwork(artwork, PLACEMENT);
    await media.decodeArtwork(await photo(400, 300, 2), PLACEMENT);
    await media.decodeArtwork(artwork, { ...PLACEMENT, box: { ...PLACEMENT.box, width: 39 } });
    await media.decodeArtwork(artwork, { ...PLACEMENT, rotate: 90 });
    await media.decodeArtworkPiece(artwork, { rotate: 0, scale: { fit: 'cover', width: 40, height: 30 } });
    expect(spy.decodes()).toBe(5);
  });

  it("does not serve one downscale filter's decode for the other (a mesh-warped smart object's Mitchell)", async () => {
    const spy = countingMedia();
    const { media } = cachedArtworkMedia(spy.media, { maxBytes: 10_000_000 });
    const artwork = await photo(400, 300, 1);
    const lanczos = await media.decodeArtwork(artwork, PLACEMENT);
    const mitchell = await media.decodeArtwork(artwork, { ...PLACEMENT, kernel: 'mitchell' });
    await media.decodeArtwork(artwork, { ...PLACEMENT, kernel: 'lanczos3' });
    const piece = { rotate: 0, scale: { fit: 'cover' as const, width: 40, height: 30 } };
    await media.decodeArtworkPiece(artwork, piece);
    await media.decodeArtworkPiece(artwork, { ...piece, kernel: 'mitchell' });
    expect(spy.decodes()).toBe(4);
    expect(Buffer.from(mitchell.data).equals(Buffer.from(lanczos.data))).toBe(false);
  });

  it('shares one decode between renders asking for the same artwork at the same time', async () => {
    const spy = countingMedia();
    const { media, stats } = cachedArtworkMedia(spy.media, { maxBytes: 10_000_000 });
    const artwork = await photo(400, 300, 3);
    const decoded = await Promise.all(
      [1, 2, 3].map(() => media.decodeArtwork(Buffer.from(artwork), PLACEMENT)),
    );
    expect(spy.decodes()).toBe(1);
    expect(decoded[2]!.data.equals(decoded[0]!.data)).toBe(true);
    expect(stats.hits).toBe(2);
  });

  it('evicts the least recently used artwork when the next one would pass the byte budget', async () => {
    const spy = countingMedia();
    // One 40×30 RGB decode (3,600 bytes plus bookkeeping) fits, two do not.
    const { media, stats } = cachedArtworkMedia(spy.media, { maxBytes: 6_000 });
    const a = await photo(400, 300, 4);
    const b = await photo(400, 300, 5);
    await media.decodeArtwork(a, PLACEMENT);
    await media.decodeArtwork(b, PLACEMENT);
    expect(stats.entries).toBe(1);
    expect(stats.bytes).toBeLessThanOrEqual(6_000);
    await media.decodeArtwork(b, PLACEMENT);
    expect(spy.decodes()).toBe(2);
    await media.decodeArtwork(a, PLACEMENT);
    expect(spy.decodes()).toBe(3);
  });

  it('keeps nothing larger than the whole budget', async () => {
    const spy = countingMedia();
    const { media, stats } = cachedArtworkMedia(spy.media, { maxBytes: 1_000 });
    const artwork = await photo(400, 300, 6);
    await media.decodeArtwork(artwork, PLACEMENT);
    await media.decodeArtwork(artwork, PLACEMENT);
    expect(spy.decodes()).toBe(2);
    expect(stats.bytes).toBe(0);
  });

  it('does not keep a failed decode: the same bad bytes fail as ASSET_NOT_AN_IMAGE every time', async () => {
    const spy = countingMedia();
    const { media, stats } = cachedArtworkMedia(spy.media, { maxBytes: 10_000_000 });
    const garbage = Buffer.from('this is not an image at all');
    await expect(media.decodeArtwork(garbage, PLACEMENT)).rejects.toBeInstanceOf(AssetNotAnImageError);
    await expect(media.decodeArtwork(garbage, PLACEMENT)).rejects.toBeInstanceOf(AssetNotAnImageError);
    expect(spy.decodes()).toBe(2);
    expect(stats.entries).toBe(0);
  });

  it('decodes every time when turned off (0 bytes)', async () => {
    const spy = countingMedia();
    const { media, stats } = cachedArtworkMedia(spy.media, { maxBytes: 0 });
    const artwork = await photo(400, 300, 7);
    await media.decodeArtwork(artwork, PLACEMENT);
    await media.decodeArtwork(artwork, PLACEMENT);
    expect(spy.decodes()).toBe(2);
    expect(stats.hits + stats.misses).toBe(0);
  });
});

describe('compositor with the artwork cache', () => {
  const pool = createKernelPool({ threads: 0 });
  const manifest: TemplateManifestInput = {
    width: 60,
    height: 50,
    layers: [
      { type: 'image', name: 'base', asset: 'base.png' },
      {
        type: 'smart_object',
        uuid: SO,
        name: 'Art',
        layer_name: 'Art',
        size: { width: 40, height: 30 },
        position: { x: 10, y: 10, width: 40, height: 30 },
        quad: [
          [12, 10],
          [50, 12],
          [48, 40],
          [10, 38],
        ],
      },
    ],
  };
  let base: Buffer;
  let artwork: Buffer;
  beforeAll(async () => {
    base = await sharp({ create: { width: 60, height: 50, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    artwork = await photo(600, 450, 8);
  });

  const inputsOf = (asset: Buffer): SmartObjectInput[][] => [
    [{ uuid: SO, asset, fit: 'cover', rotate: 0 }],
    [{ uuid: SO, asset, fit: 'contain', rotate: 30 }],
    [{ uuid: SO, asset, fit: 'tile', rotate: 0, tile_scale: 40, background: '#102030' }],
    [
      {
        uuid: SO,
        asset,
        fit: 'cover',
        rotate: 0,
        size: { width: 30, height: 30 },
        position: { left: 5, top: 0 },
      },
    ],
  ];

  async function renderAll(artworkCacheBytes: number) {
    const compositor = createCompositor({ pool, cacheBytes: 10_000_000, artworkCacheBytes });
    const prepared = await compositor.prepare(
      { id: 'cache-test', version: 1, manifest },
      new Map([['base.png', base]]),
    );
    const outputs: Buffer[] = [];
    // Each input twice, each time with a fresh copy of the bytes (as two jobs would bring them).
    for (const inputs of [...inputsOf(artwork), ...inputsOf(artwork)]) {
      const fresh = inputs.map((input) => ({ ...input, asset: Buffer.from(input.asset) }));
      const { data } = await compositor.render(prepared, fresh, { format: 'png' });
      outputs.push(await sharp(data).ensureAlpha().raw().toBuffer());
    }
    return { outputs, stats: compositor.artworkCache };
  }

  it('renders the same pixels with and without the cache, decoding each placement once', async () => {
    const uncached = await renderAll(0);
    const cached = await renderAll(64_000_000);
    cached.outputs.forEach((output, i) => expect(output.equals(uncached.outputs[i]!)).toBe(true));
    // Four placements, each decoded on its first render and answered from the cache on its second.
    expect({ misses: cached.stats.misses, hits: cached.stats.hits }).toEqual({ misses: 4, hits: 4 });
    expect(uncached.stats.entries).toBe(0);
  }, 60_000);
});
