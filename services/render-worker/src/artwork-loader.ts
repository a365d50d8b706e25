// The bytes of one smart object's artwork: fetched from its URL through the SSRF-safe client, or read
// from where the gateway parked inline base64 (decoded): under renderInputKey, or once for a whole
// batch under batchArtworkKey (a batch render's input names its artwork_id). Both are size-capped.
import type { StoredRenderInput } from '@platen/mockups';
import type { ObjectStorage } from '@platen/storage';
import { batchArtworkKey, renderInputKey } from '@platen/storage';
import type { BatchArtworkCache } from './batch-artwork-cache.js';
import { RenderFailureError } from './render-failure.js';

/** Fetches an artwork URL (caps, SSRF policy and timeouts are the fetcher's); rejects with OutboundError. */
export type FetchAsset = (url: string, signal: AbortSignal) => Promise<Buffer>;

export interface ArtworkLoaderDeps {
  storage: ObjectStorage;
  fetchAsset: FetchAsset;
  /** Cap for inline (base64) artwork, the same as the outbound body cap for URLs. */
  maxInlineBytes: number;
  /** Keeps a batch's parked artwork between its renders (without one, every render reads it). */
  batchArtwork?: BatchArtworkCache;
}

export type ArtworkLoader = (
  renderId: string,
  input: StoredRenderInput,
  signal: AbortSignal,
  /** The render's batch (null: a single render). */
  batchId?: string | null,
) => Promise<Buffer>;

export function createArtworkLoader({
  storage,
  fetchAsset,
  maxInlineBytes,
  batchArtwork,
}: ArtworkLoaderDeps): ArtworkLoader {
  const read = async (key: string) => (await storage.get(key))?.body;
  return async (renderId, input, signal, batchId = null) => {
    if (input.asset.url !== null) return fetchAsset(input.asset.url, signal);
    const artworkId = input.asset.artwork_id;
    const parked =
      batchId !== null && artworkId !== undefined
        ? await readBatchArtwork(batchArtworkKey(batchId, artworkId))
        : await read(renderInputKey(renderId, input.uuid));
    if (!parked) {
      throw new RenderFailureError(
        'RENDER_FAILED',
        `The inline artwork of smart object ${input.uuid} is missing`,
      );
    }
    if (parked.length > maxInlineBytes) {
      throw new RenderFailureError(
        'ASSET_TOO_LARGE',
        `Inline artwork is larger than ${maxInlineBytes} bytes`,
      );
    }
    return parked;
  };

  function readBatchArtwork(key: string): Promise<Buffer | undefined> {
    return batchArtwork ? batchArtwork.get(key, () => read(key)) : read(key);
  }
}
