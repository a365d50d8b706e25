// Decoded artwork kept by content: the key is the SHA-256 of the artwork's bytes plus the exact
// decode target (fit, rotation, box, canvas, or the piece and its window), the value the raw
// pixels sharp made for it. A hit hands back what sharp-media would have decoded, so a render's
// pixels never depend on what is cached. Invariant: nobody writes into cached pixels (the render
// path already shares one decode between placements and only ever reads it).
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type {
  ArtworkPiece,
  ArtworkPlacement,
  DecodedArtwork,
  DecodedPiece,
  SharpMedia,
} from './sharp-media.js';

export type ArtworkCacheLookup = 'hit' | 'miss';

export interface ArtworkCacheOptions {
  /** Upper bound of the decoded pixels kept, in bytes; 0 turns the cache off. */
  maxBytes: number;
  /** Called once per decode asked for: a hit (cached, or joining a decode already running) or a miss. */
  onLookup?: (result: ArtworkCacheLookup) => void;
}

export interface ArtworkCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
  readonly bytes: number;
}

type Decoded = DecodedArtwork | DecodedPiece;

/** Bookkeeping per entry beyond its pixels (the key, the info object, the LRU's own node). */
const ENTRY_OVERHEAD_BYTES = 256;

/**
 * `media` with its two artwork decodes cached; template decodes and encoding pass straight through.
 * Concurrent renders of the same artwork and target share one decode. A failed decode is not kept.
 */
export function cachedArtworkMedia(
  media: SharpMedia,
  options: ArtworkCacheOptions,
): { media: SharpMedia; stats: ArtworkCacheStats } {
  let hits = 0;
  let misses = 0;
  const cache =
    options.maxBytes > 0
      ? new LRUCache<string, Decoded>({
          maxSize: options.maxBytes,
          sizeCalculation: (entry) => entry.data.byteLength + ENTRY_OVERHEAD_BYTES,
        })
      : null;
  const inflight = new Map<string, Promise<Decoded>>();
  // One render hands the same Buffer to every placement: hash it once.
  const digests = new WeakMap<Buffer, string>();
  const digestOf = (input: Buffer): string => {
    let digest = digests.get(input);
    if (digest === undefined) {
      digest = createHash('sha256').update(input).digest('base64');
      digests.set(input, digest);
    }
    return digest;
  };

  const lookup = <T extends Decoded>(key: string, decode: () => Promise<T>): Promise<T> => {
    const hit = cache?.get(key) ?? inflight.get(key);
    if (hit) {
      hits++;
      options.onLookup?.('hit');
      return Promise.resolve(hit as T);
    }
    misses++;
    options.onLookup?.('miss');
    const pending = decode()
      .then((decoded) => {
        cache?.set(key, decoded);
        return decoded;
      })
      .finally(() => inflight.delete(key));
    inflight.set(key, pending);
    return pending;
  };

  const stats: ArtworkCacheStats = {
    get hits() {
      return hits;
    },
    get misses() {
      return misses;
    },
    get entries() {
      return cache?.size ?? 0;
    },
    get bytes() {
      return cache?.calculatedSize ?? 0;
    },
  };
  if (!cache) return { media, stats };

  return {
    media: {
      ...media,
      decodeArtwork: (input, placement) =>
        lookup(`${digestOf(input)}|${placementKey(placement)}`, () => media.decodeArtwork(input, placement)),
      decodeArtworkPiece: (input, piece) =>
        lookup(`${digestOf(input)}|${pieceKey(piece)}`, () => media.decodeArtworkPiece(input, piece)),
    },
    stats,
  };
}

/** Every field decodeArtwork reads, in a fixed order. */
function placementKey({ fit, rotate, box, canvas, kernel = 'lanczos3' }: ArtworkPlacement): string {
  return `a:${fit}:${rotate}:${box.left},${box.top},${box.width}x${box.height}:${canvas.width}x${canvas.height}:${kernel}`;
}

/** Every field decodeArtworkPiece reads, in a fixed order. */
function pieceKey({ rotate, scale, window, kernel = 'lanczos3' }: ArtworkPiece): string {
  const part = (w: { left: number; top: number; width: number; height: number } | undefined) =>
    w ? `${w.left},${w.top},${w.width}x${w.height}` : '-';
  const scaled =
    scale.fit === 'tile'
      ? `tile:${scale.width}:${part(scale.visible)}`
      : `${scale.fit}:${scale.width}x${scale.height}`;
  return `p:${rotate}:${scaled}:${part(window)}:${kernel}`;
}
