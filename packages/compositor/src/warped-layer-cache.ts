// Smart objects' warped layers kept by key (a prepared template's smart object with one decoded
// artwork and layout, see template-renderer.ts), in a byte-bounded LRU, plus the layers being warped
// right now: a render that misses while another render is warping the same layer waits for that one
// instead of warping it again. Invariants: a layer handed out is never written to; a failed warp is
// forgotten at once, so it never answers a later lookup (the next one warps afresh).
import { LRUCache } from 'lru-cache';
import type { PlacedRgba } from './raster.js';

/** hit: kept; shared: another render is warping it now; miss: the caller warps it. */
export type WarpedLayerLookupResult = 'hit' | 'shared' | 'miss';

export interface WarpedLayerCacheStats {
  readonly hits: number;
  readonly shared: number;
  readonly misses: number;
  readonly entries: number;
  readonly bytes: number;
}

/** The caller's promise to warp a layer it missed: exactly one of fill or fail, once. */
export interface WarpedLayerClaim {
  fill(layer: PlacedRgba): void;
  fail(error: unknown): void;
}

export type WarpedLayerLookup =
  | { kind: 'hit'; layer: PlacedRgba }
  /** Rejects with the warping render's error when that render fails. */
  | { kind: 'shared'; layer: Promise<PlacedRgba> }
  | { kind: 'miss'; claim: WarpedLayerClaim };

export interface WarpedLayerCache {
  lookup(key: string): WarpedLayerLookup;
  /** Keeps a layer warped without a claim (a render that fell back to warping on its own). */
  keep(key: string, layer: PlacedRgba): void;
  readonly stats: WarpedLayerCacheStats;
}

export interface WarpedLayerCacheOptions {
  /** Upper bound of the layers' pixels kept, in bytes; must be positive (0 means no cache at all). */
  maxBytes: number;
  onLookup?: (result: WarpedLayerLookupResult) => void;
}

export function createWarpedLayerCache({ maxBytes, onLookup }: WarpedLayerCacheOptions): WarpedLayerCache {
  const kept = new LRUCache<string, PlacedRgba>({
    maxSize: maxBytes,
    sizeCalculation: (layer) => Math.max(1, layer.data.byteLength),
  });
  const warping = new Map<string, Promise<PlacedRgba>>();
  let hits = 0;
  let shared = 0;
  let misses = 0;

  function claimFor(key: string): WarpedLayerClaim {
    let settle!: { fill: (layer: PlacedRgba) => void; fail: (error: unknown) => void };
    const pending = new Promise<PlacedRgba>((resolve, reject) => {
      settle = { fill: resolve, fail: reject };
    });
    // Nobody may be waiting when the warp fails: that is not an unhandled rejection.
    pending.catch(() => undefined);
    warping.set(key, pending);
    let done = false;
    const finish = () => {
      done = true;
      if (warping.get(key) === pending) warping.delete(key);
    };
    return {
      fill(layer) {
        if (done) return;
        kept.set(key, layer);
        finish();
        settle.fill(layer);
      },
      fail(error) {
        if (done) return;
        finish();
        settle.fail(error);
      },
    };
  }

  return {
    lookup(key) {
      const layer = kept.get(key);
      if (layer) {
        hits++;
        onLookup?.('hit');
        return { kind: 'hit', layer };
      }
      const pending = warping.get(key);
      if (pending) {
        shared++;
        onLookup?.('shared');
        return { kind: 'shared', layer: pending };
      }
      misses++;
      onLookup?.('miss');
      return { kind: 'miss', claim: claimFor(key) };
    },
    keep: (key, layer) => void kept.set(key, layer),
    stats: {
      get hits() {
        return hits;
      },
      get shared() {
        return shared;
      },
      get misses() {
        return misses;
      },
      get entries() {
        return kept.size;
      },
      get bytes() {
        return kept.calculatedSize;
      },
    },
  };
}
